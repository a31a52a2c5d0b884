/**
 * The admin's retention page (`/admin/retention`): the rules in the admin's language, the
 * latest purges, and on request (`?preview=1`) what a purge would remove today, counted
 * (bounded per rule) without removing anything. Staff admins only (401 nobody, 403 others).
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../admin/route-context.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { PREVIEW_CAP, type Purge } from './purge.js';
import type { RetentionRules } from './rules.js';
import { RetentionPage } from './views/retention-page.js';

export interface RetentionRoutesDeps extends ViewDeps {
  purge: Purge;
  retentionRules: RetentionRules;
}

export async function retentionRoutes(app: FastifyInstance, deps: RetentionRoutesDeps): Promise<void> {
  app.get<{ Querystring: { preview?: string } }>('/admin/retention', async (request, reply) => {
    requireAdmin(request);
    const wantPreview = request.query.preview === '1';
    const [runs, running, preview] = await Promise.all([
      deps.purge.recentRuns(10),
      deps.purge.runningId(),
      wantPreview ? deps.purge.preview(PREVIEW_CAP) : Promise.resolve(undefined),
    ]);
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(reply, <RetentionPage ctx={ctx} view={{ rules: deps.retentionRules, runs, preview, previewCap: PREVIEW_CAP, running }} />);
  });
}
