/**
 * The audit log for staff admins: search on screen (50 a page) and the same search as a
 * CSV download. Personal numbers are shown to admins; the query string that carries them
 * is never logged (the request serializer keeps only the path).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { createAuditSearch, MAX_PAGES, PAGE_SIZE } from '../audit/search.js';
import { auditCsvChunks, checkAuditQuery, type AuditFormValues } from './audit-search.js';
import type { AdminDeps } from './route-context.js';
import { AuditPage } from './views/audit-page.js';

type AuditQuerystring = Partial<Record<keyof AuditFormValues | 'page', unknown>>;

function formValues(q: AuditQuerystring): AuditFormValues {
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  return { person: s(q.person), event: s(q.event), from: s(q.from), to: s(q.to) };
}

export function auditRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const search = createAuditSearch(deps.db);
  const { clock, site } = deps;

  app.get<{ Querystring: AuditQuerystring }>('/admin/audit', async (request, reply) => {
    const values = formValues(request.query);
    const checked = checkAuditQuery(values, clock.now(), site.timeZone);
    const eventNames = await search.eventNames();
    const ctx = await pageContext(deps, request, reply, { forms: true });
    if (!checked.ok) {
      return sendHtml(
        reply,
        <AuditPage
          ctx={ctx}
          values={values}
          errors={checked.errors}
          eventNames={eventNames}
          result={undefined}
        />,
        400,
      );
    }
    const requested = Number(typeof request.query.page === 'string' ? request.query.page : '1');
    // A bad or too large page number is clamped: the first page, or the last one reachable.
    let page = Number.isSafeInteger(requested) && requested >= 1 ? Math.min(requested, MAX_PAGES) : 1;
    let found = await search.page(checked.query, page);
    const pages = Math.min(MAX_PAGES, Math.max(1, Math.ceil(found.total / PAGE_SIZE)));
    if (page > pages) {
      page = pages;
      found = await search.page(checked.query, page);
    }
    return sendHtml(
      reply,
      <AuditPage
        ctx={ctx}
        values={values}
        errors={{}}
        eventNames={eventNames}
        result={{ events: found.events, total: found.total, more: found.more, page, pages }}
      />,
    );
  });

  app.get<{ Querystring: AuditQuerystring }>('/admin/audit.csv', async (request, reply) => {
    const checked = checkAuditQuery(formValues(request.query), clock.now(), site.timeZone);
    if (!checked.ok)
      throw new AppError(
        'bad_request',
        `audit export query refused: ${Object.keys(checked.errors).join(', ')}`,
      );
    // Streamed a batch at a time: memory stays flat however many events match.
    const body = Readable.from(auditCsvChunks(search.all(checked.query)));
    const stamp = clock.now().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });
}
