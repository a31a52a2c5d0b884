/** The staff page of users at risk (a card that expires soon, no other method): the report's form, the chart, the lists and the reminders. */
import { formatOrgnr } from '../../accounts/orgnr.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import type { MethodId } from '../../identity/methods.js';
import { describePlanDateLong } from '../../login/plan-dates.js';
import { formatDate, localDate } from '../../platform/dates.js';
import type { PlannedMethod } from '../../login/plan.js';
import type { Messages } from '../../platform/i18n/index.js';
import { Layout, type PageContext } from '../../web/layout.js';
import type { AtRiskReport, ReportPerson } from '../at-risk.js';
import type { LoginChartData } from '../login-chart.js';
import { REMINDER_INTERVAL_DAYS } from '../reminders.js';
import { MAX_MONTHS, type FieldError, type RawReportInput, type ReportField } from '../schema.js';
import { LoginChart } from './login-chart.js';
import type { SelftestCountRow } from '../selftest-counts.js';
import { SelftestCounts } from './selftest-counts.js';
import { TableScroll } from '../../web/table-scroll.js';

export interface ReminderPreview {
  /** People on either list. */
  readonly people: number;
  readonly noAddress: number;
  readonly recentlyReminded: number;
  /** Who would get a message now. */
  readonly toSend: number;
}

export interface AtRiskView {
  readonly report: AtRiskReport;
  readonly chart: LoginChartData;
  /** e-ID self-tests per week, method and outcome (issue 17). */
  readonly selftests: readonly SelftestCountRow[];
  /** Where the cut-off came from: the user's date, the next planned method, or the window. */
  readonly cutoffSource: { kind: 'chosen' } | { kind: 'next'; method: PlannedMethod } | { kind: 'window'; days: number };
  readonly reminders: ReminderPreview;
}

const FIELD_ID: Readonly<Record<ReportField, string>> = { before: 'before', months: 'months' };

/** The list of input errors at the top of the page, each linking to its field. */
export function ErrorSummary(props: { t: Messages; errors: readonly FieldError[] }) {
  const { t, errors } = props;
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title">{t['reports.error.summary']}</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.field}>
            <a href={`#${FIELD_ID[e.field]}`}>{t[`reports.error.${e.problem}`]}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Field(props: { t: Messages; field: ReportField; label: string; hint: string; value: string; errors: readonly FieldError[] }) {
  const { t, field, errors } = props;
  const error = errors.find((e) => e.field === field);
  const id = FIELD_ID[field];
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <p id={`${id}-hint`} class="field-hint">
        {props.hint}
      </p>
      {error ? (
        <p id={`${id}-error`} class="field-error">
          <strong>{`${t['reports.error.prefix']} ${t[`reports.error.${error.problem}`]}`}</strong>
        </p>
      ) : null}
      <input
        type="text"
        id={id}
        name={field}
        value={props.value}
        inputMode="numeric"
        autoComplete="off"
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        {...(error ? { 'aria-invalid': 'true' } : {})}
      />
    </div>
  );
}

export function AtRiskPage(props: {
  ctx: PageContext;
  raw: RawReportInput;
  errors: readonly FieldError[];
  view: AtRiskView | undefined;
  mail: { available: boolean; outbox: boolean };
}) {
  const { ctx, raw, errors, view, mail } = props;
  const { t, site } = ctx;
  const tz = site.timeZone;
  // A refused form answers 400: the layout then puts "Fel:" first in the title.
  const title = t['reports.title'];
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href="/admin">{t['reports.backToAdmin']}</a>
      </p>
      <h1>{t['reports.title']}</h1>
      <ErrorSummary t={t} errors={errors} />
      <p class="lead">{t['reports.lead']}</p>
      <form method="get" action="/admin/at-risk" aria-labelledby="selection-heading">
        <h2 id="selection-heading">{t['reports.form.heading']}</h2>
        <Field
          t={t}
          field="before"
          label={t['reports.form.before']}
          hint={t['reports.form.beforeHint']}
          value={raw.before !== '' || !view ? raw.before : isoDate(view.report.cutoff, tz)}
          errors={errors}
        />
        <Field
          t={t}
          field="months"
          label={t['reports.form.months']}
          hint={t['reports.form.monthsHint']({ max: MAX_MONTHS })}
          value={raw.months}
          errors={errors}
        />
        <div class="button-row">
          <button type="submit" class="button-primary">
            {t['reports.form.submit']}
          </button>
        </div>
      </form>
      {view ? <Report ctx={ctx} raw={raw} view={view} mail={mail} /> : null}
    </Layout>
  );
}

/** YYYY-MM-DD of an instant in the agency's zone (the cut-off is a local midnight). */
function isoDate(instant: Date, timeZone: string): string {
  const d = localDate(instant, timeZone);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function Report(props: { ctx: PageContext; raw: RawReportInput; view: AtRiskView; mail: { available: boolean; outbox: boolean } }) {
  const { ctx, raw, view, mail } = props;
  const { t, lang, site } = ctx;
  const tz = site.timeZone;
  const { report } = view;
  const date = (d: Date) => formatDate(lang, d, tz);
  const methodName = (id: MethodId) => t[`method.${id}.name`];
  const cutoffText = date(report.cutoff);
  const cutoffWhy =
    view.cutoffSource.kind === 'chosen'
      ? t['reports.cutoff.chosen']
      : view.cutoffSource.kind === 'next'
        ? t['reports.cutoff.next']({ method: methodName(view.cutoffSource.method.id) })
        : t['reports.cutoff.window']({ days: view.cutoffSource.days });
  const months = raw.months === '' ? 12 : Number(raw.months);
  const change = report.change;
  const changeText = change
    ? t['reports.change.since']({ method: methodName(change.id), when: describePlanDateLong(lang, change.enabledFrom, change.announceAs, tz) })
    : '';

  return (
    <>
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t['reports.summary.heading']}</h2>
        <ul data-summary="at-risk">
          <li>{t['reports.summary.card']({ count: report.cardAtRisk.length, date: cutoffText })}</li>
          {change ? <li>{t['reports.summary.notSince']({ count: report.notSinceChange.length, since: changeText })}</li> : null}
        </ul>
      </section>

      <section aria-labelledby="card-heading">
        <h2 id="card-heading">{t['reports.card.heading']({ date: cutoffText })}</h2>
        <p>{t['reports.card.definition']({ months, date: cutoffText })}</p>
        <p>{cutoffWhy}</p>
        {report.cardAtRisk.length === 0 ? (
          <p>{t['reports.card.none']}</p>
        ) : (
          <TableScroll label={t['reports.card.caption']({ count: report.cardAtRisk.length })}>
            <table data-table="card-at-risk">
              <caption>{t['reports.card.caption']({ count: report.cardAtRisk.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t['reports.col.name']}</th>
                  <th scope="col">{t['reports.col.personnummer']}</th>
                  <th scope="col">{t['reports.col.organisations']}</th>
                  <th scope="col">{t['reports.col.method']}</th>
                  <th scope="col">{t['reports.col.cardValidTo']}</th>
                  <th scope="col">{t['reports.col.lastLogin']}</th>
                </tr>
              </thead>
              <tbody>
                {report.cardAtRisk.slice(0, LIST_SHOWN).map((p) => (
                  <tr key={p.personnummer} data-personnummer={p.personnummer}>
                    <th scope="row">{p.name}</th>
                    <td>{formatPersonalNumber(p.personnummer)}</td>
                    <td>
                      <Organisations t={t} person={p} />
                    </td>
                    <td>{methodName(p.method)}</td>
                    <td>
                      {date(p.notAfter)}
                      {p.expired ? <strong>{` ${t['reports.card.expired']}`}</strong> : null}
                    </td>
                    <td>
                      <LastLogin t={t} person={p} date={date} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Capped t={t} shown={LIST_SHOWN} total={report.cardAtRisk.length} />
      </section>

      <section aria-labelledby="since-heading">
        <h2 id="since-heading">{change ? t['reports.since.heading']({ since: changeText }) : t['reports.since.headingNoChange']}</h2>
        {change ? (
          <>
            <p>{t['reports.since.definition']({ since: changeText })}</p>
            {report.notSinceChange.length === 0 ? (
              <p>{t['reports.since.none']}</p>
            ) : (
              <TableScroll label={t['reports.since.caption']({ count: report.notSinceChange.length })}>
                <table data-table="not-since-change">
                  <caption>{t['reports.since.caption']({ count: report.notSinceChange.length })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t['reports.col.name']}</th>
                      <th scope="col">{t['reports.col.personnummer']}</th>
                      <th scope="col">{t['reports.col.organisations']}</th>
                      <th scope="col">{t['reports.col.lastLogin']}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.notSinceChange.slice(0, LIST_SHOWN).map((p) => (
                      <tr key={p.personnummer} data-personnummer={p.personnummer}>
                        <th scope="row">{p.name}</th>
                        <td>{formatPersonalNumber(p.personnummer)}</td>
                        <td>
                          <Organisations t={t} person={p} />
                        </td>
                        <td>
                          <LastLogin t={t} person={p} date={date} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
            <Capped t={t} shown={LIST_SHOWN} total={report.notSinceChange.length} />
          </>
        ) : (
          <p>{t['reports.since.noChange']}</p>
        )}
      </section>

      <section aria-labelledby="orgs-heading">
        <h2 id="orgs-heading">{t['reports.orgs.heading']}</h2>
        {report.organisations.length === 0 && report.withoutOrganisation.people === 0 ? (
          <p>{t['reports.orgs.none']}</p>
        ) : (
          <TableScroll label={t['reports.orgs.caption']}>
            <table data-table="per-organisation">
              <caption>{t['reports.orgs.caption']}</caption>
              <thead>
                <tr>
                  <th scope="col">{t['reports.col.organisation']}</th>
                  <th scope="col">{t['reports.orgs.card']}</th>
                  <th scope="col">{t['reports.orgs.notSince']}</th>
                  <th scope="col">{t['reports.orgs.people']}</th>
                </tr>
              </thead>
              <tbody>
                {report.organisations.slice(0, ORGANISATIONS_SHOWN).map((o) => (
                  <tr key={o.orgnr} data-orgnr={o.orgnr}>
                    <th scope="row">{`${o.name} (${formatOrgnr(o.orgnr)})`}</th>
                    <td>{o.cardAtRisk}</td>
                    <td>{o.notSinceChange}</td>
                    <td>{o.people}</td>
                  </tr>
                ))}
                {report.withoutOrganisation.people > 0 ? (
                  <tr data-orgnr="none">
                    <th scope="row">{t['reports.orgs.withoutOrganisation']}</th>
                    <td>{report.withoutOrganisation.cardAtRisk}</td>
                    <td>{report.withoutOrganisation.notSinceChange}</td>
                    <td>{report.withoutOrganisation.people}</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Capped t={t} shown={ORGANISATIONS_SHOWN} total={report.organisations.length} />
        <p>{t['reports.orgs.note']}</p>
      </section>

      <LoginChart data={view.chart} t={t} lang={lang} />

      <SelftestCounts t={t} rows={view.selftests} />

      <section aria-labelledby="remind-heading">
        <h2 id="remind-heading">{t['reports.remind.heading']}</h2>
        <p>{t['reports.remind.lead']({ days: REMINDER_INTERVAL_DAYS })}</p>
        <ul data-summary="reminders">
          <li>{t['reports.remind.people']({ count: view.reminders.people })}</li>
          <li>{t['reports.remind.noAddress']({ count: view.reminders.noAddress })}</li>
          <li>{t['reports.remind.recent']({ count: view.reminders.recentlyReminded, days: REMINDER_INTERVAL_DAYS })}</li>
        </ul>
        {!mail.available ? (
          <p class="callout">{t['reports.remind.unavailable']}</p>
        ) : view.reminders.toSend === 0 ? (
          <p>{t['reports.remind.nobody']}</p>
        ) : (
          <form method="post" action="/admin/at-risk/reminders">
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <input type="hidden" name="before" value={raw.before} />
            <input type="hidden" name="months" value={raw.months} />
            {mail.outbox ? (
              <p class="callout">
                {t['reports.remind.outbox']} <a href="/admin/outbox">{t['reports.outbox.title']}</a>
              </p>
            ) : null}
            <div class="button-row">
              <button type="submit" class="button-primary">
                {t['reports.remind.submit']({ count: view.reminders.toSend })}
              </button>
            </div>
          </form>
        )}
      </section>
    </>
  );
}

/**
 * A large agency's lists hold tens of thousands of people: the page shows the first ones (by
 * name; the organisations with most people) and says so; the counts above and the reminders
 * cover everyone.
 */
export const LIST_SHOWN = 500;
export const ORGANISATIONS_SHOWN = 200;

function Capped(props: { t: Messages; shown: number; total: number }) {
  if (props.total <= props.shown) return null;
  return <p data-capped="true">{props.t['reports.listCapped']({ shown: props.shown, total: props.total })}</p>;
}

function Organisations(props: { t: Messages; person: ReportPerson }) {
  const { t, person } = props;
  if (person.organisations.length === 0) return <>{t['reports.col.staff']}</>;
  // One per line: a list would bring bullets and indentation into a narrow table cell.
  return (
    <>
      {person.organisations.map((o, i) => (
        <span key={o.orgnr}>
          {i > 0 ? <br /> : null}
          {`${o.name} (${formatOrgnr(o.orgnr)})`}
        </span>
      ))}
    </>
  );
}

function LastLogin(props: { t: Messages; person: ReportPerson; date: (d: Date) => string }) {
  const { t, person, date } = props;
  if (!person.lastLogin) return <>{t['reports.col.never']}</>;
  return <>{t['reports.col.lastLoginWith']({ date: date(person.lastLogin.at), method: t[`method.${person.lastLogin.method}.name`] })}</>;
}
