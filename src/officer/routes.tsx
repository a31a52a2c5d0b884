/**
 * The case officers' side: the list of submitted cases across organisations, filtered by
 * status, with unread messages (the page is views/cases-page.tsx). Staff only; each case
 * opens on its page (cases/).
 */
import type { FastifyInstance } from 'fastify';
import { LIST_MAX_PAGE, LIST_PAGE_SIZE, listPage } from '../cases/queries.js';
import type { Cases } from '../cases/service.js';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { OFFICER_STATUSES, OfficerCasesPage } from './views/cases-page.js';

export async function officerRoutes(app: FastifyInstance, deps: ViewDeps & { cases: Cases }): Promise<void> {
  const { cases } = deps;
  app.get<{ Querystring: { status?: string; page?: unknown } }>('/officer/cases', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    if (principal.staff.length === 0) throw new AppError('forbidden', 'staff only');
    const status = OFFICER_STATUSES.find((s) => s === request.query.status);
    // A page at a time (a bad page number is page 1); one row more tells whether a next page exists.
    const page = listPage(request.query.page);
    const found = await cases.listForAgency({
      ...(status ? { status } : {}),
      limit: LIST_PAGE_SIZE + 1,
      offset: (page - 1) * LIST_PAGE_SIZE,
    });
    const list = found.slice(0, LIST_PAGE_SIZE);
    const more = found.length > LIST_PAGE_SIZE && page < LIST_MAX_PAGE;
    const ctx = await pageContext(deps, request, reply);
    const { lang } = ctx;
    return sendHtml(
      reply,
      <OfficerCasesPage
        ctx={ctx}
        status={status}
        list={list}
        page={page}
        more={more}
        titleOf={(c) => cases.titleOf(cases.typeOf(c), c.data, lang)}
      />,
    );
  });
}
