/**
 * The data access report about a person (GDPR art. 15), from the admin's page of the person:
 * one printable page in the admin's language. Producing it is audited (`person-report.ts`).
 */
import type { FastifyInstance } from 'fastify';
import { isCanonicalPersonalNumber } from '../identity/personnummer.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { createPersonReports } from './person-report.js';
import { actorOf, type AdminDeps } from './route-context.js';
import { PersonReportPage } from './views/person-report.js';

export function personReportRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const reports = createPersonReports(deps);

  app.get<{ Params: { pnr: string } }>('/admin/people/:pnr/registerutdrag', async (request, reply) => {
    const pnr = request.params.pnr;
    // The path is never echoed back or logged unscrubbed (as on the person's page).
    if (!isCanonicalPersonalNumber(pnr)) throw new AppError('not_found', 'no such person');
    const report = await reports.produce(pnr, actorOf(request));
    if (!report) throw new AppError('not_found', 'no such person');
    const ctx = await pageContext(deps, request, reply);
    reply.header('cache-control', 'no-store');
    return sendHtml(reply, <PersonReportPage ctx={ctx} report={report} />);
  });
}
