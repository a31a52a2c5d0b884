/**
 * The case officers' side: the list of submitted cases across organisations, filtered by
 * status, with unread messages (the page is views/cases-page.tsx). Staff only; each case
 * opens on its page (cases/).
 */
import type { FastifyInstance } from 'fastify';
import type { Cases } from '../cases/service.js';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { OFFICER_STATUSES, OfficerCasesPage } from './views/cases-page.js';

export async function officerRoutes(app: FastifyInstance, deps: ViewDeps & { cases: Cases }): Promise<void> {
  const { cases } = deps;
  app.get<{ Querystring: { status?: string } }>('/officer/cases', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    if (principal.staff.length === 0) throw new AppError('forbidden', 'staff only');
    const status = OFFICER_STATUSES.find((s) => s === request.query.status);
    const list = await cases.listForAgency(status ? { status } : {});
    const ctx = await pageContext(deps, request, reply);
    const { lang } = ctx;
    return sendHtml(
      reply,
      <OfficerCasesPage
        ctx={ctx}
        status={status}
        list={list}
        titleOf={(c) => cases.titleOf(cases.typeOf(c), c.data, lang)}
      />,
    );
  });
}
