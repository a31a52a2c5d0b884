/**
 * The attachments of a draft: upload (checked by content, limited in number and bytes),
 * removal, download (for anyone who may see the case), and the notice after an upload or
 * removal, kept in the session for one showing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Lang, Messages } from '../platform/i18n/index.js';
import { AppError } from '../web/errors.js';
import { contentDisposition } from '../web/content-disposition.js';
import { Layout, Notice } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import { attachmentMessageParams, checkAttachment } from './file-types.js';
import type { CaseAccess, CaseRoutesDeps } from './route-context.js';
import { CaseError, type CaseRow } from './service.js';
import { ATTACHMENTS_STEP, type CaseTypeDef } from './types.js';
import { fileProblemText, readMultipart } from './upload.js';
import { ErrorSummary } from './views/fields.js';
import { STEP_FORM, stepList, StepNav, stepUrl } from './views/steps.js';
import { AttachmentTable } from './views/summary.js';

export function attachmentRoutes(app: FastifyInstance, deps: CaseRoutesDeps, access: CaseAccess): void {
  const { cases, config } = deps;
  const maxBytes = config.cases.maxAttachmentBytes;
  const { caseFor, draftFor } = access;
  app.post<{ Params: { id: string } }>(
    '/cases/:id/attachments',
    { config: { csrf: false } },
    async (request, reply) => {
      const found = await draftFor(request, request.params.id);
      const form = await readMultipart(request, deps);
      const { t } = request;
      if (found.row.status !== 'draft') throw new AppError('bad_request', 'not a draft');
      // A step link or "Granska och underteckna" pressed on this page: a chosen file is
      // uploaded first (a refusal keeps the person here, with the reason), then they go on.
      const target = gotoTarget(found, form.fields['_action'], request.lang, t);
      if (target && !form.file && !form.tooLarge) return reply.redirect(target, 303);
      if (form.tooLarge)
        return renderAttachments(deps, request, reply, found, {
          error: fileProblemText(t, 'too_large', maxBytes),
          status: 413,
        });
      if (!form.file)
        return renderAttachments(deps, request, reply, found, {
          error: t['cases.attachment.error.missing'],
          status: 422,
        });
      const checked = checkAttachment({ fileName: form.file.fileName, bytes: form.file.bytes, maxBytes });
      if (!checked.ok)
        return renderAttachments(deps, request, reply, found, {
          error: fileProblemText(t, checked.problem, maxBytes),
          status: 422,
        });
      try {
        await cases.addAttachment({
          row: found.row,
          fileName: checked.fileName,
          mediaType: checked.mediaType,
          bytes: form.file.bytes,
          actor: found.principal.personnummer,
          ip: request.ip,
        });
      } catch (err) {
        // Refusals of this upload are shown on the page, beside the file field.
        if (
          err instanceof CaseError &&
          (err.code === 'duplicate_attachment' ||
            err.code === 'too_many_attachments' ||
            err.code === 'quota_exceeded')
        )
          return renderAttachments(deps, request, reply, found, {
            error:
              err.code === 'too_many_attachments'
                ? t['cases.attachment.error.too_many']({ max: config.cases.maxAttachments })
                : t[err.messageKey],
            status: err.code === 'quota_exceeded' ? 409 : 422,
          });
        throw err;
      }
      if (target) return reply.redirect(target, 303);
      await putFlash(deps, request, found.row.id, { m: 'uploaded', name: checked.fileName });
      return reply.redirect(stepUrl(found.row, ATTACHMENTS_STEP), 303);
    },
  );

  app.post<{ Params: { id: string; aid: string } }>(
    '/cases/:id/attachments/:aid/delete',
    async (request, reply) => {
      const found = await draftFor(request, request.params.id);
      const attachment = await cases.attachment(found.row.id, request.params.aid);
      if (!attachment || attachment.messageId !== null) throw new AppError('not_found', 'no such attachment');
      await cases.removeAttachment(found.row, attachment.id, found.principal.personnummer, request.ip);
      await putFlash(deps, request, found.row.id, { m: 'removed', name: attachment.fileName });
      return reply.redirect(stepUrl(found.row, ATTACHMENTS_STEP), 303);
    },
  );

  app.get<{ Params: { id: string; aid: string } }>('/cases/:id/attachments/:aid', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    const attachment = await cases.attachment(found.row.id, request.params.aid);
    if (!attachment) throw new AppError('not_found', 'no such attachment');
    const bytes = await cases.content(attachment.sha256);
    if (!bytes) throw new AppError('not_found', 'content missing');
    await deps.audit.record({
      event: 'attachment_downloaded',
      outcome: 'success',
      actor: found.principal.personnummer,
      subject: `case:${found.row.id}`,
      ip: request.ip,
      details: { attachment: attachment.id },
    });
    return reply
      .header('content-type', attachment.mediaType)
      .header('content-disposition', contentDisposition(attachment.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(bytes);
  });
}

/** The attachments step of a draft: the files, the upload form and the way on to review. */
export async function renderAttachments(
  deps: CaseRoutesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  found: { row: CaseRow; type: CaseTypeDef },
  options: { error?: string; notice?: string; status?: number },
) {
  const { cases, config } = deps;
  const maxBytes = config.cases.maxAttachmentBytes;
  const { row, type } = found;
  const ctx = await pageContext(deps, request, reply);
  const { t, lang } = ctx;
  // The notice after an upload or removal comes from the session, never from the URL: a
  // link could otherwise make the portal say anything.
  const flash = takeFlash(request, row.id);
  if (flash && request.session) await deps.sessions.save(request.session);
  const notice =
    options.notice ??
    (flash?.m === 'uploaded'
      ? t['cases.uploaded']({ name: flash.name })
      : flash?.m === 'removed'
        ? t['cases.removed']({ name: flash.name })
        : undefined);
  const attachments = (await cases.attachments(row.id)).filter((a) => a.messageId === null);
  const params = attachmentMessageParams(maxBytes);
  const steps = stepList(type, lang, t);
  const last = type.steps[type.steps.length - 1];
  const canUpload = attachments.length < config.cases.maxAttachments;
  return sendHtml(
    reply,
    <Layout ctx={ctx} title={`${t['cases.attachmentsTitle']} – ${cases.titleOf(type, row.data, lang)}`}>
      <p class="kicker">{`${type.name[lang]} · ${t['cases.stepOf']({ step: steps.length, steps: steps.length + 1 })}`}</p>
      <h1>{t['cases.attachmentsTitle']}</h1>
      <StepNav row={row} type={type} current={ATTACHMENTS_STEP} lang={lang} t={t} {...(canUpload ? { form: STEP_FORM } : {})} />
      {notice ? (
        <Notice kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <ErrorSummary
        t={t}
        title={t['cases.errorSummary']}
        items={options.error ? [{ href: '#f-file', text: options.error }] : []}
      >
        <p>{t['cases.notSaved']}</p>
      </ErrorSummary>
      <p class="lead">{type.attachments.hint[lang]}</p>
      {type.attachments.required ? <p>{t['cases.attachmentsRequired']}</p> : null}
      <AttachmentTable
        t={t}
        lang={lang}
        row={row}
        attachments={attachments}
        csrf={ctx.csrf ?? ''}
        removable
      />
      {canUpload ? (
        <form method="post" action={`/cases/${row.id}/attachments`} enctype="multipart/form-data" id={STEP_FORM}>
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <div class={`field${options.error ? ' field-invalid' : ''}`}>
            <label for="f-file">{t['cases.attachmentField']}</label>
            <p class="hint" id="f-file-hint">
              {t['cases.attachmentHint']({
                types: params.types,
                maxMb: params.maxMb,
                max: config.cases.maxAttachments,
              })}
            </p>
            {options.error ? (
              <p class="field-error" id="f-file-error">
                {options.error}
              </p>
            ) : null}
            <input
              type="file"
              id="f-file"
              name="file"
              aria-describedby={options.error ? 'f-file-hint f-file-error' : 'f-file-hint'}
              aria-invalid={options.error ? 'true' : undefined}
            />
          </div>
          <button type="submit" class="button-secondary">
            {t['cases.upload']}
          </button>
        </form>
      ) : null}
      {canUpload ? (
        // Buttons of the upload form: a file chosen but not yet uploaded is not lost.
        <div class="button-row">
          {last ? (
            <button type="submit" form={STEP_FORM} name="_action" value={`goto:${last.id}`} class="button-secondary">
              {t['cases.prev']}
            </button>
          ) : null}
          <button type="submit" form={STEP_FORM} name="_action" value="goto:review" class="button-primary">
            {t['cases.toReview']}
          </button>
        </div>
      ) : (
        <div class="button-row">
          {last ? (
            <a class="button-secondary" href={stepUrl(row, last.id)}>
              {t['cases.prev']}
            </a>
          ) : null}
          <a class="button-primary" href={`/cases/${row.id}/review`}>
            {t['cases.toReview']}
          </a>
        </div>
      )}
    </Layout>,
    options.status ?? 200,
  );
}

interface AttachmentFlash {
  caseId: string;
  m: 'uploaded' | 'removed';
  name: string;
}
async function putFlash(
  deps: Pick<CaseRoutesDeps, 'sessions'>,
  request: FastifyRequest,
  caseId: string,
  flash: Omit<AttachmentFlash, 'caseId'>,
): Promise<void> {
  if (!request.session) return;
  request.session.data.flows = {
    ...request.session.data.flows,
    attachmentNotice: { caseId, ...flash } satisfies AttachmentFlash,
  };
  await deps.sessions.save(request.session);
}
/** The notice for this case's attachments page, once. */
function takeFlash(request: FastifyRequest, caseId: string): AttachmentFlash | undefined {
  const flash = request.session?.data.flows?.['attachmentNotice'] as AttachmentFlash | undefined;
  if (!flash || flash.caseId !== caseId) return undefined;
  delete request.session?.data.flows?.['attachmentNotice'];
  return flash;
}

/** Where a `goto:<step>` or `goto:review` action leads, if it names a step of this case. */
function gotoTarget(found: { row: CaseRow; type: CaseTypeDef }, action: string | undefined, lang: Lang, t: Messages): string | undefined {
  const goto = /^goto:([a-z0-9_]+)$/.exec(action ?? '')?.[1];
  if (goto === 'review') return `/cases/${found.row.id}/review`;
  if (goto && stepList(found.type, lang, t).some((s) => s.id === goto)) return stepUrl(found.row, goto);
  return undefined;
}
