/**
 * Kundwebbinfo: the notice to existing users, generated from the rollout plan. Every
 * sentence of the agency's notice appears here, with its dates taken from the plan, so a
 * changed date changes the page.
 */
import type { Lang } from '../../platform/i18n/index.js';
import { Layout, type PageContext } from '../../web/layout.js';
import { describePlanDateLong } from '../../login/plan-dates.js';
import { formatDate } from '../../platform/dates.js';
import type { SiteInfo } from '../../platform/site.js';
import { when, type TimetableEntry } from '../timetable.js';
import { TableScroll } from '../../web/table-scroll.js';

interface InfoProps {
  ctx: PageContext;
  site: SiteInfo;
  entries: readonly TimetableEntry[];
  now: Date;
}

export function InfoPage(props: InfoProps) {
  const { ctx, site, entries, now } = props;
  const { t, lang } = ctx;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const w = (e: TimetableEntry, date: Date = e.enabledFrom, announce = e.announceAs) => when(lang, date, announce, now, site);
  const telia = byId.get('telia_card');
  const svp = byId.get('svenska_pass_card');
  const bankid = byId.get('bankid');

  return (
    <Layout ctx={ctx} title={t['info.title']}>
      <h1>{t['info.title']}</h1>
      <p class="lead">{t['info.lead']}</p>
      <p>
        <a href="/testa-e-legitimation">{t['selftest.link']}</a>
      </p>

      <InfoNowSection {...props} />

      {telia && telia.status !== 'ended' ? (
        <section aria-labelledby="telia-heading" class="info-section">
          <h2 id="telia-heading">{t['info.cardAdvice.heading']}</h2>
          <p>
            {bankid?.status === 'planned'
              ? t['info.cardAdvice.beforeBankId']({ when: w(bankid) })
              : bankid?.status === 'enabled'
                ? t['info.cardAdvice.afterBankId']
                : t['info.cardAdvice.noBankId']}{' '}
            <a href={site.skatteverketIdCardUrl}>{t['info.cardAdvice.skatteverket']}</a>.
          </p>
          <p>{t['info.cardAdvice.keep']}</p>
        </section>
      ) : null}

      {svp && svp.status !== 'ended' ? (
        <section aria-labelledby="svp-heading" class="info-section">
          <h2 id="svp-heading">{t['info.svp.heading']}</h2>
          <p>{t['info.svp.intro']}</p>
          {svp.status === 'planned' ? <p class="callout">{t['info.svp.notYet']({ when: w(svp) })}</p> : null}
          <h3>{t['info.netid.heading']}</h3>
          <p>{t['info.netid.same']}</p>
          {svp.status === 'planned' ? (
            <p>{t['info.netid.comingWhen']({ when: w(svp) })}</p>
          ) : (
            // The notice promises this page will say how to get the new version once the
            // login has started: the agency's own words from the plan file, else the way
            // through the support address.
            <>
              <p>{t['info.netid.howTo']}</p>
              <p>
                {site.netIdClient?.instructions?.[lang] ?? t['info.netid.byMail']}{' '}
                {site.netIdClient?.url ? (
                  <a href={site.netIdClient.url}>{t['info.netid.download']}</a>
                ) : (
                  <a href={`mailto:${site.supportEmail}`}>{site.supportEmail}</a>
                )}
              </p>
            </>
          )}
          <h3>{t['info.activateLogin.heading']}</h3>
          <p>{t['info.activateLogin.intro']}</p>
          <ol class="steps">
            <li>{t['info.activateLogin.step1']}</li>
            <li>{t['info.activateLogin.step2']}</li>
            <li>{t['info.activateLogin.step3']}</li>
            <li>{t['info.activateLogin.step4']}</li>
            <li>{t['info.activateLogin.step5']}</li>
            <li>{t['info.activateLogin.step6']}</li>
          </ol>
          <h3>{t['info.activateSign.heading']}</h3>
          <ol class="steps">
            <li>{t['info.activateSign.step1']}</li>
            <li>{t['info.activateSign.step2']}</li>
            <li>{t['info.activateSign.step3']}</li>
          </ol>
          <p>{t['info.activateSign.itDept']}</p>
          {svp.status === 'planned' ? <p class="callout">{t['info.activateSign.notYet']}</p> : null}
        </section>
      ) : null}

      <InfoTimetableSection {...props} />

      {/* Only while a method is still to come: then the page is what it promised to be. */}
      {props.entries.some((e) => e.status === 'planned') ? <p>{t['info.more']}</p> : null}
      <section aria-labelledby="questions-heading" class="info-section">
        <h2 id="questions-heading">{t['info.questions.heading']}</h2>
        <p>
          {t['info.questions.body']} <a href={`mailto:${site.supportEmail}`}>{site.supportEmail}</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * What works today and what comes: the first section of Kundwebbinfo, also shown by the
 * admin preview of a date (with `level` 3 under its own heading).
 */
export function InfoNowSection(props: InfoProps & { level?: 2 | 3 }) {
  const { ctx, site, entries, now } = props;
  const { t, lang } = ctx;
  const enabled = entries.filter((e) => e.status === 'enabled');
  const planned = entries.filter((e) => e.status === 'planned');
  const original = entries.reduce<TimetableEntry | undefined>(
    (first, e) => (!first || e.enabledFrom < first.enabledFrom ? e : first),
    undefined,
  );
  const yearAgo = now.getTime() - 365 * 24 * 3600 * 1000;
  const newlyEnabled = enabled.filter((e) => e !== original && e.enabledFrom.getTime() > yearAgo);
  const w = (e: TimetableEntry, date: Date = e.enabledFrom, announce = e.announceAs) => when(lang, date, announce, now, site);
  const nameOf = (e: TimetableEntry) => e.name[lang];
  const telia = entries.find((e) => e.id === 'telia_card');
  const H = props.level === 3 ? 'h3' : 'h2';
  return (
    <section aria-labelledby="now-heading" class="info-section">
      <H id="now-heading">{t['info.now.heading']}</H>
      <p>
        {enabled.length === 0
          ? t['info.today.none']
          : enabled.length === 1 && enabled[0]
            ? t['info.today.only']({ method: nameOf(enabled[0]) })
            : t['info.today.several']({ methods: listOf(lang, enabled.map(nameOf)) })}{' '}
        {telia?.status === 'enabled' && telia.notice ? telia.notice[lang] : null}
      </p>
      <p>{t['info.noNeedToTell']({ agency: site.agencyShort })}</p>
      {newlyEnabled.map((e) => (
        <p key={`since-${e.id}`}>{t['info.since']({ when: w(e), method: nameOf(e) })}</p>
      ))}
      {planned.map((e) => (
        <p key={`planned-${e.id}`}>
          {t['info.planned']({ when: w(e), method: nameOf(e) })} {e.id === 'bankid' && e.notice ? e.notice[lang] : null}
        </p>
      ))}
      {entries
        .filter((e) => e.enabledUntil)
        .map((e) =>
          e.enabledUntil ? (
            <p key={`end-${e.id}`}>
              {(e.status === 'ended' ? t['info.ended'] : t['info.ending'])({
                when: w(e, e.enabledUntil, 'day'),
                method: nameOf(e),
              })}
            </p>
          ) : null,
        )}
      <p>
        {/* In the admin preview (level 3) a link is drawn, not followed: the preview is a picture. */}
        {props.level === 3 ? (
          <span class="preview-link">{t['info.timetableLink']}</span>
        ) : (
          <a href="#timetable-heading">{t['info.timetableLink']}</a>
        )}
      </p>
    </section>
  );
}

/** The timetable of all methods: the table, the feeds and the date of the last change. */
export function InfoTimetableSection(props: InfoProps & { level?: 2 | 3 }) {
  const { ctx, site, entries } = props;
  const { t, lang } = ctx;
  const nameOf = (e: TimetableEntry) => e.name[lang];
  const lastChange = entries.reduce((latest, e) => (e.updatedAt > latest ? e.updatedAt : latest), new Date(0));
  const H = props.level === 3 ? 'h3' : 'h2';
  return (
    <section aria-labelledby="timetable-heading" class="info-section">
      <H id="timetable-heading">{t['info.timetable.heading']}</H>
      <TableScroll label={t['info.timetable.caption']}>
        <table class="timetable">
          <caption>{t['info.timetable.caption']}</caption>
          <thead>
            <tr>
              <th scope="col">{t['info.timetable.method']}</th>
              <th scope="col">{t['info.timetable.from']}</th>
              <th scope="col">{t['info.timetable.until']}</th>
              <th scope="col">{t['info.timetable.status']}</th>
              <th scope="col">{t['info.timetable.note']}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-method={e.id} data-status={e.status}>
                <th scope="row">{nameOf(e)}</th>
                <td>
                  <time dateTime={e.enabledFrom.toISOString()}>
                    {describePlanDateLong(lang, e.enabledFrom, e.announceAs, site.timeZone)}
                  </time>
                </td>
                <td>
                  {e.enabledUntil ? (
                    <time dateTime={e.enabledUntil.toISOString()}>
                      {describePlanDateLong(lang, e.enabledUntil, 'day', site.timeZone)}
                    </time>
                  ) : (
                    t['info.timetable.untilNone']
                  )}
                </td>
                <td>
                  <span class={`status status-${e.status}`}>{t[`info.status.${e.status}`]}</span>
                </td>
                <td>{e.status === 'ended' ? '' : (e.notice?.[lang] ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {props.level === 3 ? (
        <p>
          {t['info.feeds']} <span class="preview-link">{t['info.feeds.json']}</span>,{' '}
          <span class="preview-link">{t['info.feeds.ics']}</span>.
        </p>
      ) : (
        <p>
          {t['info.feeds']} <a href="/info/plan.json">{t['info.feeds.json']}</a>,{' '}
          <a href={`/info/plan.ics?lang=${lang}`}>{t['info.feeds.ics']}</a>.
        </p>
      )}
      {lastChange.getTime() > 0 ? <p>{t['info.updated']({ date: formatDate(lang, lastChange, site.timeZone) })}</p> : null}
    </section>
  );
}

function listOf(lang: Lang, items: readonly string[]): string {
  return new Intl.ListFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { style: 'long', type: 'conjunction' }).format(items);
}
