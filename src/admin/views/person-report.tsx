/**
 * The data access report (registerutdrag, GDPR art. 15) as one printable document: what it
 * is, when and by whom it was produced, then each part of what Kundwebben holds about the
 * person. An empty part says so ("Inget"/"None"); long lists show the newest and count the
 * rest. The print CSS (`.person-report`) leaves out the header, footer and way back.
 */
import type { ComponentChildren } from 'preact';
import { formatOrgnr } from '../../accounts/orgnr.js';
import { isMethodId } from '../../identity/methods.js';
import { formatPersonalNumber } from '../../identity/personnummer.js';
import { formatDate, formatDateTime } from '../../platform/dates.js';
import type { PageContext } from '../../web/layout.js';
import { TableScroll } from '../../web/table-scroll.js';
import type { PersonReport } from '../person-report.js';
import { AdminPage } from './components.js';

function methodName(ctx: PageContext, method: string): string {
  return isMethodId(method) ? ctx.t[`method.${method}.name`] : method;
}

function Section(props: { id: string; title: string; lead?: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={props.id} class="report-section">
      <h2 id={props.id}>{props.title}</h2>
      {props.lead ? <p>{props.lead}</p> : null}
      {props.children}
    </section>
  );
}

export function PersonReportPage(props: { ctx: PageContext; report: PersonReport }) {
  const { ctx, report } = props;
  const { t, lang, site } = ctx;
  const tz = site.timeZone;
  const { person } = report;
  const when = (iso: string) => <time dateTime={iso}>{formatDateTime(lang, new Date(iso), tz)}</time>;
  const day = (iso: string) => <time dateTime={iso}>{formatDate(lang, new Date(iso), tz)}</time>;
  const none = <p>{t['admin.report.none']}</p>;
  const rest = (total: number, shown: number) =>
    total > shown ? <p>{t['admin.report.rest']({ count: total - shown })}</p> : null;
  return (
    <AdminPage
      ctx={ctx}
      title={t['admin.report.title']({ name: person.name })}
      back={{ href: `/admin/people/${person.personnummer}`, label: person.name }}
    >
      <div class="person-report">
        <p>{t['admin.report.intro']}</p>
        <p class="no-print">{t['admin.report.print']}</p>
        <dl class="facts">
          <dt>{t['admin.report.produced']}</dt>
          <dd>
            <time dateTime={report.producedAt.toISOString()}>{formatDateTime(lang, report.producedAt, tz)}</time>
          </dd>
          <dt>{t['admin.report.producedBy']}</dt>
          <dd>
            {report.producedBy.name ? `${report.producedBy.name}, ` : ''}
            {formatPersonalNumber(report.producedBy.personnummer)}
          </dd>
        </dl>

        <Section id="report-person" title={t['admin.report.person']}>
          <dl class="facts">
            <dt>{t['admin.report.name']}</dt>
            <dd>{person.name}</dd>
            <dt>{t['admin.report.personnummer']}</dt>
            <dd>{formatPersonalNumber(person.personnummer)}</dd>
            <dt>{t['admin.report.email']}</dt>
            <dd>{person.email ?? t['admin.report.none']}</dd>
            <dt>{t['admin.report.phone']}</dt>
            <dd>{person.phone ?? t['admin.report.none']}</dd>
            <dt>{t['admin.report.status']}</dt>
            <dd>{person.active ? t['admin.status.active'] : t['admin.status.inactive']}</dd>
            <dt>{t['admin.report.created']}</dt>
            <dd>{day(person.createdAt)}</dd>
            <dt>{t['admin.report.updated']}</dt>
            <dd>{day(person.updatedAt)}</dd>
          </dl>
        </Section>

        <Section id="report-staff" title={t['admin.report.staff']}>
          {report.staff.length === 0 ? (
            none
          ) : (
            <ul>
              {report.staff.map((r) => (
                <li key={r}>{t[`admin.staff.${r}`]}</li>
              ))}
            </ul>
          )}
        </Section>

        <Section id="report-memberships" title={t['admin.report.memberships']}>
          {report.memberships.length === 0 ? (
            none
          ) : (
            <TableScroll label={t['admin.report.membershipsCaption']}>
              <table>
                <caption>{t['admin.report.membershipsCaption']}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t['admin.report.col.org']}</th>
                    <th scope="col">{t['admin.report.col.role']}</th>
                    <th scope="col">{t['admin.report.col.since']}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.memberships.map((m) => (
                    <tr key={m.orgnr}>
                      <th scope="row">
                        {`${m.orgName} (${formatOrgnr(m.orgnr)})`}
                        {m.orgActive ? null : ` ${t['admin.report.orgInactive']}`}
                      </th>
                      <td>{t[`admin.role.${m.role}`]}</td>
                      <td>{day(m.since)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Section>

        <Section id="report-logins" title={t['admin.report.logins']}>
          {report.logins.length === 0 ? (
            none
          ) : (
            <TableScroll label={t['admin.report.loginsCaption']}>
              <table>
                <caption>{t['admin.report.loginsCaption']}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t['admin.report.col.method']}</th>
                    <th scope="col">{t['admin.report.col.count']}</th>
                    <th scope="col">{t['admin.report.col.first']}</th>
                    <th scope="col">{t['admin.report.col.last']}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.logins.map((l) => (
                    <tr key={l.method}>
                      <th scope="row">{methodName(ctx, l.method)}</th>
                      <td>{l.count}</td>
                      <td>{when(l.first)}</td>
                      <td>{when(l.last)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Section>

        <Section id="report-cases" title={t['admin.report.cases']} lead={t['admin.report.casesLead']}>
          {report.cases.total === 0 ? (
            none
          ) : (
            <>
              <TableScroll
                label={t['admin.report.casesCaption']({ shown: report.cases.rows.length, total: report.cases.total })}
              >
                <table>
                  <caption>
                    {t['admin.report.casesCaption']({ shown: report.cases.rows.length, total: report.cases.total })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t['admin.report.col.case']}</th>
                      <th scope="col">{t['admin.report.col.type']}</th>
                      <th scope="col">{t['admin.report.col.org2']}</th>
                      <th scope="col">{t['admin.report.col.caseStatus']}</th>
                      <th scope="col">{t['admin.report.col.createdAt']}</th>
                      <th scope="col">{t['admin.report.col.submittedAt']}</th>
                      <th scope="col">{t['admin.report.col.signature']}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.cases.rows.map((c) => (
                      <tr key={c.id}>
                        <th scope="row">{c.caseNumber ?? t['admin.report.draft']}</th>
                        <td>{c.typeName[lang]}</td>
                        <td>{c.orgName ? `${c.orgName} (${formatOrgnr(c.orgnr)})` : formatOrgnr(c.orgnr)}</td>
                        <td>{t[`cases.status.${c.status}`]}</td>
                        <td>
                          {day(c.createdAt)}
                          {c.createdByPerson ? null : ` ${t['admin.report.byOther']}`}
                        </td>
                        <td>
                          {c.submittedAt ? day(c.submittedAt) : t['admin.report.none']}
                          {c.submittedAt && !c.submittedByPerson ? ` ${t['admin.report.byOther']}` : null}
                        </td>
                        <td>
                          {c.signature ? (
                            <>
                              {methodName(ctx, c.signature.method)}, {when(c.signature.signedAt)}
                            </>
                          ) : (
                            t['admin.report.notSigned']
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              {rest(report.cases.total, report.cases.rows.length)}
            </>
          )}
        </Section>

        <Section id="report-messages" title={t['admin.report.messages']} lead={t['admin.report.messagesLead']}>
          {report.messages.total === 0 ? (
            none
          ) : (
            <>
              <TableScroll
                label={t['admin.report.messagesCaption']({
                  shown: report.messages.rows.length,
                  total: report.messages.total,
                })}
              >
                <table>
                  <caption>
                    {t['admin.report.messagesCaption']({
                      shown: report.messages.rows.length,
                      total: report.messages.total,
                    })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t['admin.report.col.case']}</th>
                      <th scope="col">{t['admin.report.col.date']}</th>
                      <th scope="col">{t['admin.report.col.text']}</th>
                      <th scope="col">{t['admin.report.col.length']}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.messages.rows.map((m) => (
                      <tr key={m.id}>
                        <th scope="row">{m.caseNumber ?? t['admin.report.draft']}</th>
                        <td>{when(m.createdAt)}</td>
                        <td class="report-text">
                          {m.start}
                          {m.length > m.start.length ? '…' : ''}
                        </td>
                        <td>{t['admin.report.chars']({ count: m.length })}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              {rest(report.messages.total, report.messages.rows.length)}
            </>
          )}
        </Section>

        <Section id="report-events" title={t['admin.report.events']} lead={t['admin.report.eventsLead']}>
          {report.events.length === 0 ? (
            none
          ) : (
            <TableScroll label={t['admin.report.eventsCaption']}>
              <table>
                <caption>{t['admin.report.eventsCaption']}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t['admin.report.col.event']}</th>
                    <th scope="col">{t['admin.report.col.outcome']}</th>
                    <th scope="col">{t['admin.report.col.byPerson']}</th>
                    <th scope="col">{t['admin.report.col.aboutPerson']}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.events.map((e) => (
                    <tr key={`${e.event}-${e.outcome}`}>
                      <th scope="row">
                        <code>{e.event}</code>
                      </th>
                      <td>{t[`admin.audit.outcome.${e.outcome}`]}</td>
                      <td>{e.byPerson}</td>
                      <td>{e.aboutPerson}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Section>
        <p>{t['admin.report.end']}</p>
      </div>
    </AdminPage>
  );
}
