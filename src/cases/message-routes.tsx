/**
 * Messages on a submitted case: the company's members and the agency's case officers write
 * to each other, with one optional file; a closed case takes no more.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../web/errors.js';
import { Layout } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import { checkAttachment } from './file-types.js';
import { parseFieldValue, type FieldSpec } from './formats.js';
import type { CaseAccess, CaseRoutesDeps } from './route-context.js';
import { fileProblemText, readMultipart } from './upload.js';
import { ErrorSummary, problemText } from './views/fields.js';
import { MessageForm } from './views/message-form.js';

export function messageRoutes(app: FastifyInstance, deps: CaseRoutesDeps, access: CaseAccess): void {
  const { cases, config } = deps;
  const maxBytes = config.cases.maxAttachmentBytes;
  const { caseFor } = access;
  app.post<{ Params: { id: string } }>(
    '/cases/:id/messages',
    { config: { csrf: false } },
    async (request, reply) => {
      const found = await caseFor(request, request.params.id);
      const form = await readMultipart(request, deps);
      const { row, principal, access } = found;
      const { t } = request;
      if (row.status === 'draft') throw new AppError('bad_request', 'drafts take no messages');
      if (row.status === 'closed') throw new AppError('bad_request', 'closed');
      if (access === 'staff' && !principal.staff.includes('case_officer'))
        throw new AppError('forbidden', 'only case officers reply');
      const bodySpec: FieldSpec = { type: 'textarea', required: true, maxLength: 5000 };
      const body = parseFieldValue(bodySpec, form.fields['body'], request.lang);
      const problems: string[] = [];
      if (!body.ok) problems.push(problemText(t, bodySpec, body.problem, request.lang));
      let file: { fileName: string; mediaType: string; bytes: Buffer } | undefined;
      if (form.tooLarge) problems.push(fileProblemText(t, 'too_large', maxBytes));
      else if (form.file) {
        const checked = checkAttachment({ fileName: form.file.fileName, bytes: form.file.bytes, maxBytes });
        if (!checked.ok) problems.push(fileProblemText(t, checked.problem, maxBytes));
        else file = { fileName: checked.fileName, mediaType: checked.mediaType, bytes: form.file.bytes };
      }
      if (problems.length > 0 || !body.ok) {
        const ctx = await pageContext(deps, request, reply);
        return sendHtml(
          reply,
          <Layout ctx={ctx} title={t['cases.messagesTitle']}>
            <h1>{t['cases.messagesTitle']}</h1>
            <ErrorSummary
              t={t}
              title={t['cases.errorSummary']}
              items={problems.map((p, i) => ({ href: i === 0 && !body.ok ? '#f-body' : '#f-file', text: p }))}
            >
              <p>{t['cases.notSaved']}</p>
            </ErrorSummary>
            <MessageForm row={row} t={t} csrf={ctx.csrf ?? ''} />
            <p>
              <a href={`/cases/${row.id}`}>{cases.titleOf(found.type, row.data, ctx.lang)}</a>
            </p>
          </Layout>,
          form.tooLarge ? 413 : 422,
        );
      }
      await cases.postMessage({
        row,
        side: access === 'staff' ? 'agency' : 'organisation',
        author: principal.personnummer,
        body: body.value,
        ...(file ? { file } : {}),
        ip: request.ip,
      });
      return reply.redirect(`/cases/${row.id}?m=sent#msg-h`, 303);
    },
  );
}
