/**
 * The case officers' side: the list of submitted cases across organisations, filtered by
 * status, with unread messages. Staff only; each case opens on its page (cases/).
 */
import type { FastifyInstance } from 'fastify';
import { formatOrgnr } from '../accounts/orgnr.js';
import type { Cases } from '../cases/service.js';
import { formatDateTime } from '../login/plan-dates.js';
import { requirePrincipal } from '../login/routes.js';
import { AppError } from '../web/errors.js';
import { Layout } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { TableScroll } from '../web/table-scroll.js';

export async function officerRoutes(app: FastifyInstance, deps: ViewDeps & { cases: Cases }): Promise<void> {
  const { cases, site } = deps;
  app.get<{ Querystring: { status?: string } }>('/officer/cases', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    if (principal.staff.length === 0) throw new AppError('forbidden', 'staff only');
    const status = ['submitted', 'in_progress', 'closed'].includes(request.query.status ?? '') ? (request.query.status as 'submitted' | 'in_progress' | 'closed') : undefined;
    const list = await cases.listForAgency(status ? { status } : {});
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['cases.officer.title']}>
        <h1>{t['cases.officer.title']}</h1>
        <form method="get" action="/officer/cases" class="filter-form">
          <div class="field">
            <label for="status">{t['cases.officer.filter']}</label>
            <select id="status" name="status">
              <option value="">{t['cases.officer.all']}</option>
              {(['submitted', 'in_progress', 'closed'] as const).map((s) => (
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
                    <td>{cases.titleOf(cases.typeOf(c), c.data, lang)}</td>
                    <td>{`${c.orgName} (${formatOrgnr(c.orgnr)})`}</td>
                    <td>{t[`cases.status.${c.status}`]}</td>
                    <td>{c.submitted_at ? formatDateTime(lang, new Date(c.submitted_at), site.timeZone) : ''}</td>
                    <td>{c.unread > 0 ? <strong>{t['cases.unread']({ count: c.unread })}</strong> : '0'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Layout>,
    );
  });
}
