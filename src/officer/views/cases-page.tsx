/**
 * The case officers' list of submitted cases across organisations: the status filter and a
 * table with each case's number (linking to its page), title, organisation, status, date of
 * submission and unread messages.
 */
import { formatOrgnr } from '../../accounts/orgnr.js';
import type { Cases } from '../../cases/service.js';
import { formatDateTime } from '../../platform/dates.js';
import { Layout, type PageContext } from '../../web/layout.js';
import { TableScroll } from '../../web/table-scroll.js';
import { Pager } from '../../cases/views/pager.js';

/** The statuses the list can be filtered by (a draft is never the agency's). */
export const OFFICER_STATUSES = ['submitted', 'in_progress', 'closed'] as const;
export type OfficerStatus = (typeof OFFICER_STATUSES)[number];

type AgencyCase = Awaited<ReturnType<Cases['listForAgency']>>[number];

export function OfficerCasesPage(props: {
  ctx: PageContext;
  status: OfficerStatus | undefined;
  list: readonly AgencyCase[];
  /** 1-based; `more`: a next page has cases. */
  page: number;
  more: boolean;
  titleOf: (c: AgencyCase) => string;
}) {
  const { ctx, status, list, page } = props;
  const { t, lang, site } = ctx;
  const href = (n: number) => {
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (n > 1) params.set('page', String(n));
    const query = params.toString();
    return `/officer/cases${query ? `?${query}` : ''}`;
  };
  return (
    <Layout ctx={ctx} title={t['cases.officer.title']}>
      <h1>{t['cases.officer.title']}</h1>
      <form method="get" action="/officer/cases" class="filter-form">
        <div class="field">
          <label for="status">{t['cases.officer.filter']}</label>
          <select id="status" name="status">
            <option value="">{t['cases.officer.all']}</option>
            {OFFICER_STATUSES.map((s) => (
              <option value={s} selected={s === status} key={s}>
                {t[`cases.status.${s}`]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button-secondary">
          {t['cases.officer.show']}
        </button>
      </form>
      {list.length === 0 ? (
        <p>{t['cases.officer.none']}</p>
      ) : (
        <TableScroll label={t['cases.officer.title']}>
          <table>
            <caption class="visually-hidden">{t['cases.officer.title']}</caption>
            <thead>
              <tr>
                <th scope="col">{t['cases.col.number']}</th>
                <th scope="col">{t['cases.col.title']}</th>
                <th scope="col">{t['cases.col.organisation']}</th>
                <th scope="col">{t['cases.col.status']}</th>
                <th scope="col">{t['cases.col.submitted']}</th>
                <th scope="col">{t['cases.col.unread']}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/cases/${c.id}`}>{c.case_number ?? ''}</a>
                  </td>
                  <td>{props.titleOf(c)}</td>
                  <td>{`${c.orgName} (${formatOrgnr(c.orgnr)})`}</td>
                  <td>{t[`cases.status.${c.status}`]}</td>
                  <td>
                    {c.submitted_at ? formatDateTime(lang, new Date(c.submitted_at), site.timeZone) : ''}
                  </td>
                  <td>{c.unread > 0 ? <strong>{t['cases.unread']({ count: c.unread })}</strong> : '0'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager
        label={t['cases.pages']({ list: t['cases.officer.title'] })}
        current={t['cases.page']({ page })}
        previous={page > 1 ? { href: href(page - 1), text: t['cases.previousPage'] } : undefined}
        next={props.more ? { href: href(page + 1), text: t['cases.nextPage'] } : undefined}
      />
    </Layout>
  );
}
