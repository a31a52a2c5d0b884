/**
 * The admin side (`/admin…`): staff with the role `admin` manage the rollout plan, people,
 * organisations, membership requests and the CSV import, search the audit log, and produce
 * the data access report about a person (GDPR art. 15). Every
 * route of this plugin needs a logged-in principal with the staff role `admin`: 401 when
 * nobody is logged in, 403 for anyone else. The check runs in `onRequest`, before the
 * CSRF check, so a POST by a non-admin is refused as forbidden whatever its token.
 */
import type { FastifyInstance } from 'fastify';
import { pageContext, sendHtml } from '../web/render.js';
import { auditRoutes } from './audit-routes.js';
import { requireAdmin, type AdminDeps } from './route-context.js';
import { importRoutes } from './import-routes.js';
import { peopleRoutes } from './people-routes.js';
import { personReportRoutes } from './person-report-routes.js';
import { planRoutes } from './plan-routes.js';
import { createMembershipRequests } from './requests.js';
import { requestRoutes } from './request-routes.js';
import { AdminIndexPage } from './views/index-page.js';

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const requests = createMembershipRequests(deps);

  app.addHook('onRequest', async (request) => {
    requireAdmin(request);
  });

  app.get('/admin', async (request, reply) => {
    const pending = (await requests.pending()).length;
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(reply, <AdminIndexPage ctx={ctx} pendingRequests={pending} />);
  });

  planRoutes(app, deps);
  peopleRoutes(app, deps);
  personReportRoutes(app, deps);
  importRoutes(app, deps);
  requestRoutes(app, deps, requests);
  auditRoutes(app, deps);
}
