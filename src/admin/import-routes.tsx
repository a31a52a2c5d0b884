/**
 * The CSV import in the browser: the CSV is pasted into a textarea (no multipart upload),
 * checked by the same code as the command-line import ("check" changes nothing), and
 * imported all or nothing.
 */
import type { FastifyInstance } from 'fastify';
import { checkUsersCsv, importUsers } from '../accounts/import.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import type { AdminDeps } from './route-context.js';
import { actorOf } from './route-context.js';
import { field, type FormBody } from './validate.js';
import { ImportPage } from './views/import-page.js';

export function importRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Querystring: { persons?: string; memberships?: string } }>(
    '/admin/import',
    async (request, reply) => {
      const persons = Number(request.query.persons);
      const memberships = Number(request.query.memberships);
      const done =
        Number.isSafeInteger(persons) &&
        Number.isSafeInteger(memberships) &&
        request.query.persons !== undefined
          ? { persons, memberships }
          : undefined;
      const ctx = await pageContext(deps, request, reply, { forms: true });
      return sendHtml(
        reply,
        <ImportPage ctx={ctx} csv="" error={undefined} result={undefined} done={done} />,
      );
    },
  );

  app.post<{ Body: FormBody }>('/admin/import', async (request, reply) => {
    const action = field(request.body, 'action');
    if (action !== 'check' && action !== 'import') throw new AppError('bad_request', 'unknown import action');
    const csv = field(request.body, 'csv');
    const ctx = await pageContext(deps, request, reply, { forms: true });
    if (csv.trim() === '') {
      return sendHtml(
        reply,
        <ImportPage
          ctx={ctx}
          csv={csv}
          error={{ key: 'admin.error.required' }}
          result={undefined}
          done={undefined}
        />,
        400,
      );
    }
    if (action === 'check') {
      const result = await checkUsersCsv(deps, csv);
      return sendHtml(
        reply,
        <ImportPage ctx={ctx} csv={csv} error={undefined} result={result} done={undefined} />,
        result.ok ? 200 : 400,
      );
    }
    const result = await importUsers(deps, csv, { actor: actorOf(request).personnummer, source: 'admin' });
    if (result.ok)
      return reply.redirect(`/admin/import?persons=${result.persons}&memberships=${result.memberships}`, 303);
    return sendHtml(
      reply,
      <ImportPage ctx={ctx} csv={csv} error={undefined} result={result} done={undefined} />,
      400,
    );
  });
}
