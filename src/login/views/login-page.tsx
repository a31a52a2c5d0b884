import { Layout, Notice, type PageContext } from '../../platform/views/layout.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import type { SiteInfo } from '../plan-file.js';
import { describePlanDate } from '../plan-dates.js';
import type { PlannedMethod } from '../plan.js';

export interface LoginMethodView {
  method: PlannedMethod;
  /** Where the button leads, or undefined when no provider is available right now. */
  startPath: string | undefined;
}

export function LoginPage(props: {
  ctx: PageContext;
  site: SiteInfo;
  now: Date;
  enabled: readonly LoginMethodView[];
  planned: readonly PlannedMethod[];
  message: MessageKey | undefined;
}) {
  const { ctx, site, now } = props;
  const { t, lang } = ctx;
  const name = (id: string) => t[`method.${id}.name` as MessageKey] as string;
  return (
    <Layout ctx={ctx} title={t['login.title']}>
      <h1>{t['login.title']}</h1>
      {props.message ? (
        <Notice kind={props.message === 'login.sessionEnded' ? 'error' : 'success'}>
          <p>{t[props.message] as string}</p>
        </Notice>
      ) : null}
      {ctx.principal ? (
        <Notice kind="info">
          <p>
            {t['login.alreadyIn']} <a href="/start">{t['login.toStart']}</a>
          </p>
        </Notice>
      ) : null}
      <p class="lead">{t['login.lead']}</p>
      <section aria-labelledby="enabled-heading">
        <h2 id="enabled-heading">{t['login.enabledHeading']}</h2>
        {props.enabled.length === 0 ? <p>{t['login.noneEnabled']}</p> : null}
        <ul class="method-list">
          {props.enabled.map(({ method, startPath }) => (
            <li class="method-card" key={method.id} data-method={method.id}>
              <h3>{name(method.id)}</h3>
              <p>{t[`method.${method.id}.needs` as MessageKey] as string}</p>
              {method.notice ? <p class="method-notice">{method.notice[lang]}</p> : null}
              {startPath ? (
                <a class="button-primary" href={startPath}>
                  {t['login.start']({ method: name(method.id) })}
                </a>
              ) : (
                <p class="method-unavailable">{t['login.unavailable']}</p>
              )}
            </li>
          ))}
        </ul>
      </section>
      {props.planned.length > 0 ? (
        <section aria-labelledby="planned-heading">
          <h2 id="planned-heading">{t['login.plannedHeading']}</h2>
          <ul class="method-list">
            {props.planned.map((method) => (
              <li class="method-card method-planned" key={method.id} data-method={method.id}>
                <h3>{name(method.id)}</h3>
                <p>
                  {t['login.comingOn']({
                    when: describePlanDate(lang, method.enabledFrom, method.announceAs, now, site.timeZone),
                  })}
                </p>
                <p>{t[`method.${method.id}.needs` as MessageKey] as string}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>
        <a href="/info">{t['login.moreInfo']}</a>
      </p>
    </Layout>
  );
}
