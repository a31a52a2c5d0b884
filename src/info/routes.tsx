/** Kundwebbinfo and the timetable feeds (JSON, iCalendar), all from the rollout plan. */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../web/errors.js';
import { isLang } from '../platform/i18n/index.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import type { RolloutPlan } from '../login/plan.js';
import { planIcs, planJson, timetable } from './timetable.js';
import { InfoPage } from './views/info-page.js';
import { AccessibilityPage } from './views/accessibility-page.js';

export async function infoRoutes(app: FastifyInstance, deps: ViewDeps & { clock: Clock; plan: RolloutPlan }): Promise<void> {
  const { clock, plan, site, config } = deps;
  const host = new URL(config.http.publicUrl).hostname;

  app.get('/info', async (request, reply) => {
    const now = clock.now();
    const entries = timetable(await plan.methods(), now);
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(reply, <InfoPage ctx={ctx} site={site} entries={entries} now={now} />);
  });

  app.get('/info/plan.json', async (_request, reply) => {
    const now = clock.now();
    return reply
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(planJson(timetable(await plan.methods(), now), site, now));
  });

  app.get<{ Querystring: { lang?: string } }>('/info/plan.ics', async (request, reply) => {
    const lang = request.query.lang ?? request.lang;
    if (!isLang(lang)) throw new AppError('unknown_language', 'unknown feed language');
    const now = clock.now();
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="kundwebben-${lang}.ics"`)
      .header('cache-control', 'public, max-age=300')
      .send(planIcs(timetable(await plan.methods(), now), site, lang, host));
  });

  app.get('/tillganglighet', async (request, reply) => {
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(reply, <AccessibilityPage ctx={ctx} site={site} />);
  });
}
