/**
 * Review and submission: the whole draft with its digest, the signature request it starts
 * (signing/ takes it from there), the receipt of a submitted case and the check of its
 * signature.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatOrgnr } from '../accounts/orgnr.js';
import type { Principal } from '../identity/sessions.js';
import type { Lang, Messages } from '../platform/i18n/index.js';
import { availableMethods, beginChosen } from '../signing/sign-methods.js';
import { MethodChoice, SignedText } from '../signing/views/sign-page.js';
import { CheckList, EvidenceFacts } from '../signing/views/evidence.js';
import { contentDisposition } from '../web/content-disposition.js';
import { AppError } from '../web/errors.js';
import { Layout, Notice } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import type { CaseAccess, CaseRoutesDeps } from './route-context.js';
import { CaseError, type CaseRow, type Cases } from './service.js';
import { ATTACHMENTS_STEP, type CaseTypeDef } from './types.js';
import { controlId, ErrorSummary } from './views/fields.js';
import { fieldErrorText, pathLabel, StepNav, stepUrl } from './views/steps.js';
import { ConfirmationPage } from './views/confirmation-page.js';
import { AttachmentTable, Summary } from './views/summary.js';

export function submissionRoutes(app: FastifyInstance, deps: CaseRoutesDeps, access: CaseAccess): void {
  const { cases, signing, site } = deps;
  const { caseFor, caseViewFor, draftFor } = access;
  app.get<{ Params: { id: string }; Querystring: { changed?: string } }>(
    '/cases/:id/review',
    async (request, reply) => {
      const found = await draftFor(request, request.params.id);
      if (found.row.status !== 'draft') return reply.redirect(`/cases/${found.row.id}`, 303);
      return renderReview(deps, request, reply, found, { changed: request.query.changed === '1' });
    },
  );

  app.post<{ Params: { id: string }; Body: { digest?: unknown; choice?: unknown } }>(
    '/cases/:id/submit',
    async (request, reply) => {
      const found = await draftFor(request, request.params.id);
      const { row, type, principal } = found;
      if (row.status !== 'draft') return reply.redirect(`/cases/${row.id}`, 303);
      const reviewed = typeof request.body.digest === 'string' ? request.body.digest : '';
      const current = await cases.currentDocument(row, principal.personnummer);
      const text = signTextOf(deps, request.t, request.lang, type, row, current);
      let signId: string;
      try {
        signId = (await cases.startSubmission({ row, principal, reviewedDigest: reviewed, text, lang: request.lang })).id;
      } catch (err) {
        if (err instanceof CaseError && (err.code === 'changed' || err.code === 'incomplete')) {
          return renderReview(deps, request, reply, found, { changed: err.code === 'changed', status: 409 });
        }
        throw err;
      }
      // The button pressed names the method: straight on to it. Without one, the sign page asks.
      const started = await beginChosen(deps.signMethods, request.body.choice, request, reply, signId);
      return started ? started.answered : reply.redirect(`/sign/${signId}`, 303);
    },
  );

  app.get<{ Params: { id: string } }>('/cases/:id/submitted', async (request, reply) => {
    // One statement: the case, the access rule's membership, the organisation and the signature.
    const found = await caseViewFor(request, request.params.id);
    const { row, type, view } = found;
    if (row.status === 'draft') return reply.redirect(`/cases/${row.id}/review`, 303);
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(
      reply,
      <ConfirmationPage
        ctx={ctx}
        row={row}
        type={type}
        title={cases.titleOf(type, row.data, ctx.lang)}
        organisation={`${view.orgName ?? row.orgnr} (${formatOrgnr(row.orgnr)})`}
        signature={view.signature}
      />,
    );
  });

  app.get<{ Params: { id: string } }>('/cases/:id/receipt.pdf', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    const { row, type } = found;
    if (row.status === 'draft' || !row.evidence_id || !row.case_number)
      throw new AppError('not_found', 'no receipt for a draft');
    const evidence = await signing.evidence(row.evidence_id);
    if (!evidence) throw new AppError('not_found', 'evidence missing');
    const { lang } = request;
    // Only now, access decided: the stored receipt, sealed at submission (or now, once).
    const receipt = await deps.receipts.receipt({ row, type, evidence }, lang);
    const pdf = receipt.pdf;
    return reply
      .header('content-type', 'application/pdf')
      .header(
        'content-disposition',
        contentDisposition(`${lang === 'sv' ? 'kvitto' : 'receipt'}-${row.case_number}.pdf`),
      )
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(pdf);
  });

  app.get<{ Params: { id: string } }>('/cases/:id/signature', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    const { row } = found;
    if (!row.evidence_id) throw new AppError('not_found', 'no signature for a draft');
    const evidence = await signing.evidence(row.evidence_id);
    if (!evidence) throw new AppError('not_found', 'evidence missing');
    const result = await signing.reverify(evidence);
    const digestMatches = evidence.digest === row.digest && evidence.subject === row.id;
    const valid = result.ok && digestMatches;
    if (request.headers.accept?.includes('application/json')) {
      return reply.header('cache-control', 'no-store').send({
        caseNumber: row.case_number,
        method: evidence.method,
        signedAt: evidence.signed_at,
        digest: evidence.digest,
        valid,
        checks: { ...result.checks, case: digestMatches },
        ...(result.code ? { code: result.code } : {}),
        ...(result.timestamp ? { timestamp: result.timestamp } : {}),
      });
    }
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['cases.signatureTitle']}>
        <h1>{t['cases.signatureTitle']}</h1>
        <Notice kind={valid ? 'success' : 'error'}>
          <p>{valid ? t['cases.signatureValid'] : t['cases.signatureInvalid']}</p>
        </Notice>
        <EvidenceFacts evidence={evidence} t={t} lang={lang} timeZone={site.timeZone} timestamp={result.timestamp}>
          <dt>{t['cases.col.number']}</dt>
          <dd>{row.case_number ?? ''}</dd>
        </EvidenceFacts>
        <CheckList checks={{ ...result.checks, case: digestMatches }} t={t} />
        <p>
          <a href={`/cases/${row.id}`}>{cases.titleOf(found.type, row.data, lang)}</a>
        </p>
      </Layout>,
    );
  });
}

type CurrentDocument = Awaited<ReturnType<Cases['currentDocument']>>;

/** The statement the person signs: the case, for whom, to whom, and the checksum of the whole. */
function signTextOf(
  deps: CaseRoutesDeps,
  t: Messages,
  lang: Lang,
  type: CaseTypeDef,
  row: CaseRow,
  current: CurrentDocument,
): string {
  return t['cases.signText']({
    title: deps.cases.titleOf(type, row.data, lang),
    org: `${current.org.name} (${formatOrgnr(current.org.orgnr)})`,
    agency: deps.site.agencyShort,
    attachments: current.attachments.filter((a) => a.messageId === null).length,
    digest: current.digest,
  });
}

async function renderReview(
  deps: CaseRoutesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  found: { row: CaseRow; type: CaseTypeDef; principal: Principal },
  options: { changed?: boolean; status?: number } = {},
) {
  const { cases } = deps;
  const { row, type, principal } = found;
  const ctx = await pageContext(deps, request, reply);
  const { t, lang } = ctx;
  const current = await cases.currentDocument(row, principal.personnummer);
  const attachments = current.attachments.filter((a) => a.messageId === null);
  const errors = cases.validateAll(type, row, attachments, lang);
  return sendHtml(
    reply,
    <Layout ctx={ctx} title={`${t['cases.reviewTitle']} – ${cases.titleOf(type, row.data, lang)}`}>
      <p class="kicker">{type.name[lang]}</p>
      <h1>{t['cases.reviewTitle']}</h1>
      <StepNav row={row} type={type} current="review" lang={lang} t={t} />
      {options.changed ? (
        <Notice kind="error">
          <p>{t['cases.changedSinceReview']}</p>
        </Notice>
      ) : null}
      <ErrorSummary
        t={t}
        title={t['cases.incomplete']}
        items={errors.map((e) => ({
          href:
            e.step === ATTACHMENTS_STEP
              ? stepUrl(row, ATTACHMENTS_STEP)
              : `${stepUrl(row, e.step)}#${controlId(e.path)}`,
          text:
            e.step === ATTACHMENTS_STEP
              ? t['cases.attachmentsRequired']
              : `${pathLabel(type, e.path, lang)}: ${fieldErrorText(
                  type,
                  type.steps.find((s) => s.id === e.step),
                  e,
                  lang,
                  t,
                )}`,
        }))}
      />
      <p class="lead">{t['cases.reviewLead']}</p>
      <dl class="facts">
        <dt>{t['cases.facts.type']}</dt>
        <dd>{type.name[lang]}</dd>
        <dt>{t['cases.facts.organisation']}</dt>
        <dd>{`${current.org.name} (${formatOrgnr(current.org.orgnr)})`}</dd>
      </dl>
      <Summary row={row} type={type} lang={lang} t={t} editable />
      <section aria-labelledby="att-h">
        <h2 id="att-h">{t['cases.attachmentsTitle']}</h2>
        <AttachmentTable
          t={t}
          lang={lang}
          row={row}
          attachments={attachments}
          csrf={ctx.csrf ?? ''}
          removable={false}
        />
        <p>
          <a href={stepUrl(row, ATTACHMENTS_STEP)}>
            {t['cases.edit']({ step: t['cases.attachmentsTitle'] })}
          </a>
        </p>
      </section>
      {errors.length === 0 ? (
        <form method="post" action={`/cases/${row.id}/submit`} class="sign-form">
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <input type="hidden" name="digest" value={current.digest} />
          <SignedText
            t={t}
            text={signTextOf(deps, t, lang, type, row, current)}
            digest={current.digest}
            headingId="what-h"
          />
          <MethodChoice t={t} methods={await availableMethods(deps.signMethods)} headingId="methods-h" />
        </form>
      ) : null}
    </Layout>,
    options.status ?? 200,
  );
}
