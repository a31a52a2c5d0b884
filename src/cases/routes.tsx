/**
 * The cases pages: the list for the organisation a person acts for, creating a case (or a
 * copy), the steps, attachments, review and submission by signature, the submitted case
 * with receipt, signature check and messages, and the case officers' list and actions.
 *
 * Access: a case belongs to its organisation. Its members see and (while a draft) change
 * it; staff (case officers, admins) see submitted cases only — drafts are the company's.
 * Everyone else gets 403, unknown ids 404.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import { formatOrgnr } from '../accounts/orgnr.js';
import type { Principal } from '../identity/sessions.js';
import { formatPersonalNumber } from '../identity/personnummer.js';
import type { Clock } from '../platform/clock.js';
import { formatDateTime } from '../login/plan-dates.js';
import { requirePrincipal } from '../login/routes.js';
import { verifyCsrf } from '../web/context.js';
import { AppError } from '../web/errors.js';
import type { Lang, MessageKey, Messages } from '../platform/i18n/index.js';
import { Layout, Notice } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import type { Signing } from '../signing/service.js';
import { CheckList, EvidenceFacts, groupedDigest } from '../signing/routes.js';
import { formatSize, summarySections } from './display.js';
import { attachmentMessageParams, checkAttachment, type FileProblem } from './file-types.js';
import { parseFieldValue, type FieldSpec } from './formats.js';
import { renderReceiptPdf, type ReceiptInput } from './receipt.js';
import { receiptKey, type ReceiptCache } from './receipt-cache.js';
import { CaseError, type AttachmentInfo, type CaseRow, type Cases, type FieldError } from './service.js';
import { ATTACHMENTS_STEP, fieldSpec, type CaseData, type CaseTypeDef, type GroupField, type ScalarField, type StepDef } from './types.js';
import { controlId, ErrorSummary, FieldInput, problemText } from './views/fields.js';
import type { RegisterLookup } from './register-lookup.js';

export interface CaseRoutesDeps extends ViewDeps {
  clock: Clock;
  accounts: Accounts;
  cases: Cases;
  receipts: ReceiptCache;
  signing: Signing;
  register: RegisterLookup;
  audit: AuditLog;
}

type Access = 'member' | 'staff';

export async function caseRoutes(app: FastifyInstance, deps: CaseRoutesDeps): Promise<void> {
  const { cases, accounts, signing, config, site, register } = deps;
  const expectedOrigin = new URL(config.http.publicUrl).origin;
  const maxBytes = config.cases.maxAttachmentBytes;
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 20_000, parts: 12 } });

  interface AttachmentFlash {
    caseId: string;
    m: 'uploaded' | 'removed';
    name: string;
  }
  async function putFlash(request: FastifyRequest, caseId: string, flash: Omit<AttachmentFlash, 'caseId'>): Promise<void> {
    if (!request.session) return;
    request.session.data.flows = { ...request.session.data.flows, attachmentNotice: { caseId, ...flash } satisfies AttachmentFlash };
    await deps.sessions.save(request.session);
  }
  /** The notice for this case's attachments page, once. */
  function takeFlash(request: FastifyRequest, caseId: string): AttachmentFlash | undefined {
    const flash = request.session?.data.flows?.['attachmentNotice'] as AttachmentFlash | undefined;
    if (!flash || flash.caseId !== caseId) return undefined;
    delete request.session?.data.flows?.['attachmentNotice'];
    return flash;
  }

  /** The acting organisation of a company user, or a redirect to choose one. */
  async function actingOrg(principal: Principal) {
    if (!principal.orgnr) return undefined;
    const memberships = await accounts.memberships(principal.personnummer);
    return memberships.find((m) => m.orgnr === principal.orgnr);
  }

  async function caseFor(request: FastifyRequest, id: string): Promise<{ row: CaseRow; principal: Principal; access: Access; type: CaseTypeDef }> {
    const { principal } = requirePrincipal(request);
    const row = await cases.find(id);
    if (!row) throw new AppError('not_found', 'no such case');
    const memberships = await accounts.memberships(principal.personnummer);
    let access: Access | undefined;
    if (memberships.some((m) => m.orgnr === row.orgnr)) access = 'member';
    else if (principal.staff.length > 0 && row.status !== 'draft') access = 'staff';
    if (!access) throw new AppError('forbidden', 'case of another organisation');
    return { row, principal, access, type: cases.typeOf(row) };
  }

  async function draftFor(request: FastifyRequest, id: string) {
    const found = await caseFor(request, id);
    if (found.access !== 'member') throw new AppError('forbidden', 'only members edit drafts');
    // A submitted case cannot be changed by anyone: every write to it is forbidden.
    if (found.row.status !== 'draft' && request.method !== 'GET') throw new AppError('forbidden', 'case already submitted');
    return found;
  }

  const stepUrl = (row: CaseRow, step: string) => `/cases/${row.id}/steps/${step}`;

  // --- list and create ------------------------------------------------------------------

  app.get('/cases', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const org = await actingOrg(principal);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    if (!org) {
      return sendHtml(
        reply,
        <Layout ctx={ctx} title={t['cases.title']}>
          <h1>{t['cases.title']}</h1>
          <p>
            <a href="/start">{t['cases.chooseOrgFirst']}</a>
          </p>
        </Layout>,
      );
    }
    const list = await cases.listForOrganisation(org.orgnr, principal.personnummer);
    const drafts = list.filter((c) => c.status === 'draft');
    const submitted = list.filter((c) => c.status !== 'draft' && c.kind === 'case');
    const messages = list.filter((c) => c.status !== 'draft' && c.kind === 'message');
    const when = (iso: string | null) => (iso ? formatDateTime(lang, new Date(iso), site.timeZone) : '');
    const table = (rows: typeof list, caption: string, id: string, submittedCols: boolean) =>
      rows.length === 0 ? (
        <p>{t['cases.none']}</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby={id}>
            <thead>
              <tr>
                <th scope="col">{t['cases.col.title']}</th>
                {submittedCols ? <th scope="col">{t['cases.col.number']}</th> : null}
                <th scope="col">{t['cases.col.status']}</th>
                <th scope="col">{submittedCols ? t['cases.col.submitted'] : t['cases.col.updated']}</th>
                {submittedCols ? <th scope="col">{t['cases.col.unread']}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/cases/${c.id}`}>{cases.titleOf(cases.typeOf(c), c.data, lang)}</a>
                  </td>
                  {submittedCols ? <td>{c.case_number ?? ''}</td> : null}
                  <td>{t[`cases.status.${c.status}`]}</td>
                  <td>{submittedCols ? when(c.submitted_at) : when(c.updated_at)}</td>
                  {submittedCols ? <td>{c.unread > 0 ? <strong>{t['cases.unread']({ count: c.unread })}</strong> : '0'}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
          <span class="visually-hidden">{caption}</span>
        </div>
      );
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['cases.title']}>
        <h1>{t['cases.title']}</h1>
        <p class="lead">{t['cases.lead']({ org: `${org.orgName} (${formatOrgnr(org.orgnr)})` })}</p>
        <p>
          <a class="button-primary" href="/cases/new">
            {t['cases.new']}
          </a>
        </p>
        <h2 id="drafts-h">{t['cases.drafts']}</h2>
        {table(drafts, t['cases.drafts'], 'drafts-h', false)}
        <h2 id="submitted-h">{t['cases.submitted']}</h2>
        {table(submitted, t['cases.submitted'], 'submitted-h', true)}
        <h2 id="messages-h">{t['cases.messagesHeading']}</h2>
        {table(messages, t['cases.messagesHeading'], 'messages-h', true)}
      </Layout>,
    );
  });

  app.get('/cases/new', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const org = await actingOrg(principal);
    if (!org) return reply.redirect('/cases', 303);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const earlier = await cases.listForOrganisation(org.orgnr, principal.personnummer);
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['cases.newTitle']}>
        <h1>{t['cases.newTitle']}</h1>
        <p class="lead">{t['cases.newLead']}</p>
        <form method="post" action="/cases">
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <fieldset>
            <legend>{t['cases.typeLegend']}</legend>
            {cases.types.types.map((type, i) => (
              <div class="radio-card" key={type.id}>
                <input type="radio" name="type" id={`type-${type.id}`} value={type.id} checked={i === 0} aria-describedby={`type-${type.id}-desc`} />
                <label for={`type-${type.id}`}>{type.name[lang]}</label>
                <p class="hint" id={`type-${type.id}-desc`}>
                  {type.description[lang]}
                </p>
              </div>
            ))}
          </fieldset>
          <button type="submit" class="button-primary">
            {t['cases.create']}
          </button>
        </form>
        <section aria-labelledby="copy-h">
          <h2 id="copy-h">{t['cases.copyHeading']}</h2>
          {earlier.length === 0 ? (
            <p>{t['cases.noCopies']}</p>
          ) : (
            <form method="post" action="/cases">
              <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
              <p id="copy-hint">{t['cases.copyLead']}</p>
              <div class="field">
                <label for="copy">{t['cases.copyField']}</label>
                <select id="copy" name="copy" aria-describedby="copy-hint">
                  {earlier.map((c) => (
                    <option value={c.id} key={c.id}>
                      {`${c.case_number ?? t['cases.status.draft']} – ${cases.titleOf(cases.typeOf(c), c.data, lang)}`}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" class="button-secondary">
                {t['cases.copy']}
              </button>
            </form>
          )}
        </section>
      </Layout>,
    );
  });

  app.post<{ Body: { type?: unknown; copy?: unknown } }>('/cases', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const org = await actingOrg(principal);
    if (!org) throw new AppError('forbidden', 'no acting organisation');
    let row: CaseRow;
    try {
      row = await createFrom(principal, org.orgnr);
    } catch (err) {
      if (err instanceof CaseError && err.code === 'quota_exceeded') throw new AppError('quota_exceeded', 'organisation draft limit');
      throw err;
    }
    return reply.redirect(stepUrl(row, cases.typeOf(row).steps[0]?.id ?? ATTACHMENTS_STEP), 303);

    async function createFrom(principal: Principal, orgnr: string): Promise<CaseRow> {
      if (typeof request.body.copy === 'string') {
        const source = await caseFor(request, request.body.copy);
        if (source.access !== 'member' || source.row.orgnr !== orgnr) throw new AppError('forbidden', 'copy of another organisation');
        return cases.createDraft({ principal, orgnr, typeId: source.row.type_id, copyOf: source.row, ip: request.ip });
      }
      const typeId = request.body.type;
      if (typeof typeId !== 'string' || !cases.types.get(typeId)) throw new AppError('bad_request', 'unknown case type');
      return cases.createDraft({ principal, orgnr, typeId, ip: request.ip });
    }
  });

  // --- steps ----------------------------------------------------------------------------

  function stepList(type: CaseTypeDef, lang: Lang, t: Messages) {
    return [...type.steps.map((s) => ({ id: s.id, title: s.title[lang] })), { id: ATTACHMENTS_STEP, title: t['cases.attachmentsTitle'] }];
  }

  function StepNav(props: { row: CaseRow; type: CaseTypeDef; current: string; lang: Lang; t: Messages }) {
    const steps = stepList(props.type, props.lang, props.t);
    return (
      <nav aria-label={props.t['cases.stepNav']} class="step-nav">
        <ol>
          {steps.map((s) => (
            <li key={s.id}>
              <a href={stepUrl(props.row, s.id)} aria-current={s.id === props.current ? 'step' : undefined}>
                {s.title}
              </a>
            </li>
          ))}
          <li>
            <a href={`/cases/${props.row.id}/review`} aria-current={props.current === 'review' ? 'step' : undefined}>
              {props.t['cases.reviewTitle']}
            </a>
          </li>
        </ol>
      </nav>
    );
  }

  function errorMap(type: CaseTypeDef, step: StepDef | undefined, errors: readonly FieldError[], lang: Lang, t: Messages): Map<string, string> {
    const map = new Map<string, string>();
    for (const e of errors) map.set(e.path, fieldErrorText(type, step, e, lang, t));
    return map;
  }

  async function renderStep(
    request: FastifyRequest,
    reply: FastifyReply,
    found: { row: CaseRow; type: CaseTypeDef },
    step: StepDef,
    options: { data?: CaseData; errors?: readonly FieldError[]; notice?: string; status?: number; changed?: boolean } = {},
  ) {
    const { row, type } = found;
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const data = options.data ?? row.data;
    const errors = options.errors ?? [];
    const messages = errorMap(type, step, errors, lang, t);
    const steps = stepList(type, lang, t);
    const index = steps.findIndex((s) => s.id === step.id);
    const contacts = step.register === 'contacts' ? await register.contacts(row.orgnr) : [];
    const productGroup = step.fields.find((f): f is GroupField => f.type === 'group' && f.fields.some((g) => g.type === 'ml_category' || g.type === 'annex1_entry'));
    const products = productGroup ? await register.products(row.orgnr) : [];
    const title = `${step.title[lang]} – ${cases.titleOf(type, row.data, lang)}`;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={title}>
        <p class="kicker">{`${type.name[lang]} · ${t['cases.stepOf']({ step: index + 1, steps: steps.length + 1 })}`}</p>
        <h1>{step.title[lang]}</h1>
        <StepNav row={row} type={type} current={step.id} lang={lang} t={t} />
        {options.changed ? (
          <Notice kind="error">
            <p>{t['cases.changedMeanwhile']}</p>
          </Notice>
        ) : null}
        {options.notice ? (
          <Notice kind="success">
            <p>{options.notice}</p>
          </Notice>
        ) : null}
        <ErrorSummary t={t} title={t['cases.errorSummary']} items={errors.map((e) => ({ href: `#${controlId(e.path)}`, text: `${pathLabel(type, e.path, lang)}: ${messages.get(e.path) ?? ''}` }))}>
          <p>{t['cases.notSaved']}</p>
        </ErrorSummary>
        {step.intro ? <p class="lead">{step.intro[lang]}</p> : null}
        <p class="hint">{t['cases.requiredNote']}</p>
        <form method="post" action={stepUrl(row, step.id)} novalidate>
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <input type="hidden" name="revision" value={String(row.revision)} />
          {contacts.length > 0 ? (
            <fieldset class="register-fill">
              <legend>{t['cases.fillHeading']}</legend>
              <div class="field">
                <label for="fill_contact">{t['cases.fillContact']}</label>
                <select id="fill_contact" name="fill_contact">
                  {contacts.map((c) => (
                    <option value={c.id} key={c.id}>
                      {`${c.name} (${c.country})`}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="fill_role">{t['cases.fillRole']}</label>
                <select id="fill_role" name="fill_role">
                  <option value="consignee">{t['cases.fillRole.consignee']}</option>
                  <option value="end_user">{t['cases.fillRole.end_user']}</option>
                </select>
              </div>
              <button type="submit" name="_action" value="fill" class="button-secondary">
                {t['cases.fill']}
              </button>
            </fieldset>
          ) : null}
          {step.fields.map((f) => (
            <FieldInput key={f.id} field={f} value={data[f.id]} errors={messages} lang={lang} t={t} />
          ))}
          {productGroup && products.length > 0 ? (
            <fieldset class="register-fill">
              <legend>{t['cases.productHeading']}</legend>
              <div class="field">
                <label for="product_id">{t['cases.productField']}</label>
                <select id="product_id" name="product_id">
                  {products.map((p) => (
                    <option value={p.id} key={p.id}>
                      {`${p.description} (${p.classification})`}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" name="_action" value={`addproduct:${productGroup.id}`} class="button-secondary">
                {t['cases.addProduct']}
              </button>
            </fieldset>
          ) : null}
          <div class="button-row">
            {index > 0 ? (
              <button type="submit" name="_action" value="prev" class="button-secondary">
                {t['cases.prev']}
              </button>
            ) : null}
            <button type="submit" name="_action" value="save" class="button-secondary">
              {t['cases.saveDraft']}
            </button>
            <button type="submit" name="_action" value="next" class="button-primary">
              {t['cases.next']}
            </button>
          </div>
        </form>
      </Layout>,
      options.status ?? 200,
    );
  }

  app.get<{ Params: { id: string } }>('/cases/:id', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    if (found.row.status === 'draft') return reply.redirect(stepUrl(found.row, found.type.steps[0]?.id ?? ATTACHMENTS_STEP), 303);
    return renderCase(request, reply, found);
  });

  app.get<{ Params: { id: string; step: string }; Querystring: { saved?: string; changed?: string; m?: string; name?: string } }>(
    '/cases/:id/steps/:step',
    async (request, reply) => {
      const found = await draftFor(request, request.params.id);
      if (found.row.status !== 'draft') return reply.redirect(`/cases/${found.row.id}`, 303);
      const ctx = { t: request.t };
      if (request.params.step === ATTACHMENTS_STEP) return renderAttachments(request, reply, found, {});
      const step = found.type.steps.find((s) => s.id === request.params.step);
      if (!step) throw new AppError('not_found', 'no such step');
      return renderStep(request, reply, found, step, {
        ...(request.query.saved === '1' ? { notice: ctx.t['cases.saved'] } : {}),
        changed: request.query.changed === '1',
      });
    },
  );

  app.post<{ Params: { id: string; step: string }; Body: Record<string, unknown> }>('/cases/:id/steps/:step', async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    const { row, type, principal } = found;
    if (row.status !== 'draft') throw new AppError('bad_request', 'case is not a draft');
    const step = type.steps.find((s) => s.id === request.params.step);
    if (!step) throw new AppError('not_found', 'no such step');
    const body = request.body;
    const action = typeof body['_action'] === 'string' ? body['_action'] : 'save';
    if (String(body['revision']) !== String(row.revision)) {
      return reply.redirect(`${stepUrl(row, step.id)}?changed=1`, 303);
    }
    const complete = action === 'next';
    const parsed = cases.parseStep(type, step, row.data, body, request.lang, complete);
    const data = parsed.data;
    if (parsed.errors.length > 0) {
      return renderStep(request, reply, found, step, { data, errors: parsed.errors, status: 422 });
    }
    // Row actions change the data, then the step is shown again.
    let anchor = '';
    const add = /^add:([a-z0-9_]+)$/.exec(action);
    const remove = /^remove:([a-z0-9_]+):(\d{1,3})$/.exec(action);
    const addProduct = /^addproduct:([a-z0-9_]+)$/.exec(action);
    if (add?.[1] || remove?.[1] || addProduct?.[1]) {
      const groupId = add?.[1] ?? remove?.[1] ?? addProduct?.[1] ?? '';
      const group = step.fields.find((f): f is GroupField => f.id === groupId && f.type === 'group');
      if (!group) throw new AppError('bad_request', 'no such group');
      const rows = Array.isArray(data[group.id]) ? [...(data[group.id] as Record<string, string>[])] : [];
      if (add) {
        if (rows.length < group.max) rows.push(Object.fromEntries(group.fields.map((g) => [g.id, ''])));
        anchor = `#${controlId(`${group.id}.${rows.length - 1}.${group.fields[0]?.id ?? ''}`)}`;
      } else if (remove) {
        rows.splice(Number(remove[2]), 1);
        anchor = `#${controlId(group.id)}`;
      } else {
        const product = (await register.products(row.orgnr)).find((p) => p.id === body['product_id']);
        if (!product) throw new AppError('bad_request', 'no such product');
        if (rows.length < group.max) {
          const fresh: Record<string, string> = Object.fromEntries(group.fields.map((g) => [g.id, '']));
          fresh['description'] = product.description;
          for (const g of group.fields) {
            if (g.type === 'ml_category' || g.type === 'annex1_entry') {
              const parsedClass = parseFieldValue({ type: g.type, required: false }, product.classification, request.lang);
              if (parsedClass.ok) fresh[g.id] = parsedClass.value;
            }
          }
          rows.push(fresh);
        }
        anchor = `#${controlId(`${group.id}.${rows.length - 1}.${group.fields[0]?.id ?? ''}`)}`;
      }
      data[group.id] = rows;
    } else if (action === 'fill') {
      const contact = (await register.contacts(row.orgnr)).find((c) => c.id === body['fill_contact']);
      const role = body['fill_role'];
      if (!contact || (role !== 'consignee' && role !== 'end_user')) throw new AppError('bad_request', 'no such contact or role');
      data[`${role}_name`] = contact.name;
      data[`${role}_address`] = contact.address;
      data[`${role}_country`] = contact.country;
      anchor = `#${controlId(`${role}_name`)}`;
    }
    try {
      await cases.saveDraft(row, data, principal.personnummer);
    } catch (err) {
      if (err instanceof CaseError && err.code === 'changed') return reply.redirect(`${stepUrl(row, step.id)}?changed=1`, 303);
      throw err;
    }
    const steps = stepList(type, request.lang, request.t);
    const index = steps.findIndex((s) => s.id === step.id);
    if (action === 'next') return reply.redirect(stepUrl(row, steps[index + 1]?.id ?? ATTACHMENTS_STEP), 303);
    if (action === 'prev') return reply.redirect(stepUrl(row, steps[Math.max(0, index - 1)]?.id ?? step.id), 303);
    if (action === 'save') return reply.redirect(`${stepUrl(row, step.id)}?saved=1`, 303);
    return reply.redirect(`${stepUrl(row, step.id)}${anchor}`, 303);
  });

  // --- attachments ----------------------------------------------------------------------

  async function renderAttachments(
    request: FastifyRequest,
    reply: FastifyReply,
    found: { row: CaseRow; type: CaseTypeDef },
    options: { error?: string; notice?: string; status?: number },
  ) {
    const { row, type } = found;
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    // The notice after an upload or removal comes from the session, never from the URL: a
    // link could otherwise make the portal say anything.
    const flash = takeFlash(request, row.id);
    if (flash && request.session) await deps.sessions.save(request.session);
    const notice =
      options.notice ??
      (flash?.m === 'uploaded' ? t['cases.uploaded']({ name: flash.name }) : flash?.m === 'removed' ? t['cases.removed']({ name: flash.name }) : undefined);
    const attachments = (await cases.attachments(row.id)).filter((a) => a.messageId === null);
    const params = attachmentMessageParams(maxBytes);
    const steps = stepList(type, lang, t);
    const last = type.steps[type.steps.length - 1];
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={`${t['cases.attachmentsTitle']} – ${cases.titleOf(type, row.data, lang)}`}>
        <p class="kicker">{`${type.name[lang]} · ${t['cases.stepOf']({ step: steps.length, steps: steps.length + 1 })}`}</p>
        <h1>{t['cases.attachmentsTitle']}</h1>
        <StepNav row={row} type={type} current={ATTACHMENTS_STEP} lang={lang} t={t} />
        {notice ? (
          <Notice kind="success">
            <p>{notice}</p>
          </Notice>
        ) : null}
        <ErrorSummary t={t} title={t['cases.errorSummary']} items={options.error ? [{ href: '#f-file', text: options.error }] : []}>
          <p>{t['cases.notSaved']}</p>
        </ErrorSummary>
        <p class="lead">{type.attachments.hint[lang]}</p>
        {type.attachments.required ? <p>{t['cases.attachmentsRequired']}</p> : null}
        <AttachmentTable t={t} lang={lang} row={row} attachments={attachments} csrf={ctx.csrf ?? ''} removable />
        {attachments.length < config.cases.maxAttachments ? (
          <form method="post" action={`/cases/${row.id}/attachments`} enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <div class={`field${options.error ? ' field-invalid' : ''}`}>
              <label for="f-file">{t['cases.attachmentField']}</label>
              <p class="hint" id="f-file-hint">
                {t['cases.attachmentHint']({ types: params.types, maxMb: params.maxMb, max: config.cases.maxAttachments })}
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
      </Layout>,
      options.status ?? 200,
    );
  }

  /**
   * Reads a multipart form: the CSRF token first (the hook cannot see streamed fields),
   * then at most one file, buffered up to the size limit.
   */
  async function readMultipart(request: FastifyRequest): Promise<{ fields: Record<string, string>; file?: { fileName: string; bytes: Buffer }; tooLarge: boolean }> {
    const fields: Record<string, string> = {};
    let file: { fileName: string; bytes: Buffer } | undefined;
    let tooLarge = false;
    if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'expected multipart/form-data');
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      if (fields['_csrf'] === undefined) verifyCsrf(request, deps.sessions, expectedOrigin, undefined);
      else verifyCsrf(request, deps.sessions, expectedOrigin, fields['_csrf']);
      try {
        const bytes = await part.toBuffer();
        if (part.filename !== '' || bytes.length > 0) file = { fileName: part.filename, bytes };
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') tooLarge = true;
        else throw err;
      }
    }
    verifyCsrf(request, deps.sessions, expectedOrigin, fields['_csrf']);
    return { fields, ...(file ? { file } : {}), tooLarge };
  }

  function fileProblemText(t: Messages, problem: FileProblem): string {
    const entry = t[`attachment.error.${problem}` as MessageKey] as string | ((p: Record<string, unknown>) => string);
    return typeof entry === 'function' ? entry(attachmentMessageParams(maxBytes)) : entry;
  }

  app.post<{ Params: { id: string } }>('/cases/:id/attachments', { config: { csrf: false } }, async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    const form = await readMultipart(request);
    const { t } = request;
    if (found.row.status !== 'draft') throw new AppError('bad_request', 'not a draft');
    if (form.tooLarge) return renderAttachments(request, reply, found, { error: fileProblemText(t, 'too_large'), status: 413 });
    if (!form.file) return renderAttachments(request, reply, found, { error: t['cases.attachment.error.missing'], status: 422 });
    const checked = checkAttachment({ fileName: form.file.fileName, bytes: form.file.bytes, maxBytes });
    if (!checked.ok) return renderAttachments(request, reply, found, { error: fileProblemText(t, checked.problem), status: 422 });
    try {
      await cases.addAttachment({ row: found.row, fileName: checked.fileName, mediaType: checked.mediaType, bytes: form.file.bytes, actor: found.principal.personnummer, ip: request.ip });
    } catch (err) {
      if (err instanceof CaseError && err.code === 'duplicate_attachment') return renderAttachments(request, reply, found, { error: t['cases.attachment.error.duplicate'], status: 422 });
      if (err instanceof CaseError && err.code === 'too_many_attachments') {
        return renderAttachments(request, reply, found, { error: t['cases.attachment.error.too_many']({ max: config.cases.maxAttachments }), status: 422 });
      }
      if (err instanceof CaseError && err.code === 'quota_exceeded') return renderAttachments(request, reply, found, { error: t['error.quota_exceeded'], status: 409 });
      throw err;
    }
    await putFlash(request, found.row.id, { m: 'uploaded', name: checked.fileName });
    return reply.redirect(stepUrl(found.row, ATTACHMENTS_STEP), 303);
  });

  app.post<{ Params: { id: string; aid: string } }>('/cases/:id/attachments/:aid/delete', async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    const attachment = await cases.attachment(found.row.id, request.params.aid);
    if (!attachment || attachment.messageId !== null) throw new AppError('not_found', 'no such attachment');
    try {
      await cases.removeAttachment(found.row, attachment.id, found.principal.personnummer, request.ip);
    } catch (err) {
      if (err instanceof CaseError && err.code === 'not_draft') throw new AppError('bad_request', 'not a draft');
      throw err;
    }
    await putFlash(request, found.row.id, { m: 'removed', name: attachment.fileName });
    return reply.redirect(stepUrl(found.row, ATTACHMENTS_STEP), 303);
  });

  app.get<{ Params: { id: string; aid: string } }>('/cases/:id/attachments/:aid', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    const attachment = await cases.attachment(found.row.id, request.params.aid);
    if (!attachment) throw new AppError('not_found', 'no such attachment');
    const bytes = await cases.content(attachment.sha256);
    if (!bytes) throw new AppError('not_found', 'content missing');
    await deps.audit.record({ event: 'attachment_downloaded', outcome: 'success', actor: found.principal.personnummer, subject: `case:${found.row.id}`, ip: request.ip, details: { attachment: attachment.id } });
    return reply
      .header('content-type', attachment.mediaType)
      .header('content-disposition', contentDisposition(attachment.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(bytes);
  });

  function AttachmentTable(props: { t: Messages; lang: Lang; row: CaseRow; attachments: readonly AttachmentInfo[]; csrf: string; removable: boolean }) {
    const { t, lang, row, attachments } = props;
    if (attachments.length === 0) return <p>{t['cases.noAttachments']}</p>;
    return (
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">{t['cases.attachmentsTitle']}</caption>
          <thead>
            <tr>
              <th scope="col">{t['cases.col.file']}</th>
              <th scope="col">{t['cases.col.size']}</th>
              <th scope="col">{t['cases.col.sha256']}</th>
              {props.removable ? (
                <th scope="col">
                  <span class="visually-hidden">{t['cases.col.action']}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {attachments.map((a) => (
              <tr key={a.id}>
                <td>
                  <a href={`/cases/${row.id}/attachments/${a.id}`}>{a.fileName}</a>
                </td>
                <td>{formatSize(a.size, lang)}</td>
                <td>
                  <code class="digest" data-sha256={a.sha256}>
                    {groupedDigest(a.sha256)}
                  </code>
                </td>
                {props.removable ? (
                  <td>
                    <form method="post" action={`/cases/${row.id}/attachments/${a.id}/delete`} class="inline-form">
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <button type="submit" class="button-secondary">
                        {t['cases.remove']({ name: a.fileName })}
                      </button>
                    </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  // --- review and submit -----------------------------------------------------------------

  function Summary(props: { row: CaseRow; type: CaseTypeDef; lang: Lang; t: Messages; editable: boolean }) {
    const { row, type, lang, t } = props;
    return (
      <>
        {summarySections(type, row.data, lang, t).map((section) => (
          <section key={section.step.id} aria-labelledby={`sum-${section.step.id}`} class="summary-section">
            <h2 id={`sum-${section.step.id}`}>{section.title}</h2>
            <dl class="summary">
              {section.rows.map((r) => (
                <div key={r.path} class="summary-row">
                  <dt>{r.label}</dt>
                  <dd>{r.value}</dd>
                </div>
              ))}
            </dl>
            {props.editable ? (
              <p>
                <a href={stepUrl(row, section.step.id)}>{t['cases.edit']({ step: section.title })}</a>
              </p>
            ) : null}
          </section>
        ))}
      </>
    );
  }

  async function renderReview(request: FastifyRequest, reply: FastifyReply, found: { row: CaseRow; type: CaseTypeDef; principal: Principal }, options: { changed?: boolean; status?: number } = {}) {
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
            href: e.step === ATTACHMENTS_STEP ? stepUrl(row, ATTACHMENTS_STEP) : `${stepUrl(row, e.step)}#${controlId(e.path)}`,
            text: e.step === ATTACHMENTS_STEP ? t['cases.attachmentsRequired'] : `${pathLabel(type, e.path, lang)}: ${fieldErrorText(type, type.steps.find((s) => s.id === e.step), e, lang, t)}`,
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
          <AttachmentTable t={t} lang={lang} row={row} attachments={attachments} csrf={ctx.csrf ?? ''} removable={false} />
          <p>
            <a href={stepUrl(row, ATTACHMENTS_STEP)}>{t['cases.edit']({ step: t['cases.attachmentsTitle'] })}</a>
          </p>
        </section>
        {errors.length === 0 ? (
          <form method="post" action={`/cases/${row.id}/submit`}>
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <input type="hidden" name="digest" value={current.digest} />
            <dl class="facts">
              <dt>{t['cases.digest']}</dt>
              <dd>
                <code data-digest={current.digest}>{groupedDigest(current.digest)}</code>
              </dd>
            </dl>
            <button type="submit" class="button-primary">
              {t['cases.submit']}
            </button>
          </form>
        ) : null}
      </Layout>,
      options.status ?? 200,
    );
  }

  app.get<{ Params: { id: string }; Querystring: { changed?: string } }>('/cases/:id/review', async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    if (found.row.status !== 'draft') return reply.redirect(`/cases/${found.row.id}`, 303);
    return renderReview(request, reply, found, { changed: request.query.changed === '1' });
  });

  app.post<{ Params: { id: string }; Body: { digest?: unknown } }>('/cases/:id/submit', async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    const { row, type, principal } = found;
    if (row.status !== 'draft') return reply.redirect(`/cases/${row.id}`, 303);
    const reviewed = typeof request.body.digest === 'string' ? request.body.digest : '';
    const lang = request.lang;
    const current = await cases.currentDocument(row, principal.personnummer);
    const org = current.org;
    const text = request.t['cases.signText']({
      title: cases.titleOf(type, row.data, lang),
      org: `${org.name} (${formatOrgnr(org.orgnr)})`,
      agency: site.agencyShort,
      attachments: current.attachments.filter((a) => a.messageId === null).length,
      digest: current.digest,
    });
    let signId: string;
    try {
      signId = (await cases.startSubmission({ row, principal, reviewedDigest: reviewed, text, lang })).id;
    } catch (err) {
      if (err instanceof CaseError && (err.code === 'changed' || err.code === 'incomplete')) {
        return renderReview(request, reply, found, { changed: err.code === 'changed', status: 409 });
      }
      throw err;
    }
    return reply.redirect(`/sign/${signId}`, 303);
  });

  // --- the submitted case -------------------------------------------------------------------

  async function renderCase(request: FastifyRequest, reply: FastifyReply, found: { row: CaseRow; type: CaseTypeDef; principal: Principal; access: Access }) {
    const { row, type, principal, access } = found;
    const q = request.query as { m?: string };
    // Independent reads in parallel: the page is read after every submission and message.
    const [messages, readBefore, allAttachments, org, evidence, submitter, officer] = await Promise.all([
      cases.messages(row.id),
      cases.readMessageIds(row.id, principal.personnummer).then((ids) => new Set(ids)),
      cases.attachments(row.id),
      accounts.findOrganisation(row.orgnr),
      row.evidence_id ? signing.evidence(row.evidence_id) : Promise.resolve(undefined),
      row.submitted_by ? accounts.findPerson(row.submitted_by) : Promise.resolve(undefined),
      row.officer ? accounts.findPerson(row.officer) : Promise.resolve(undefined),
    ]);
    const unreadIds = new Set<string>();
    if (access === 'member') {
      for (const m of messages) if (m.side === 'agency' && !readBefore.has(m.id)) unreadIds.add(m.id);
    }
    await cases.markRead(row.id, principal.personnummer);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const attachments = allAttachments.filter((a) => a.messageId === null);
    const people = new Map<string, string>();
    if (row.submitted_by) people.set(row.submitted_by, submitter?.name ?? formatPersonalNumber(row.submitted_by));
    if (row.officer) people.set(row.officer, officer?.name ?? formatPersonalNumber(row.officer));
    const notice =
      q.m === 'submitted' && row.case_number
        ? t['cases.submittedNotice']({ number: row.case_number })
        : q.m === 'sent'
          ? t['cases.messageSent']
          : q.m === 'status'
            ? t['cases.officer.statusChanged']
            : undefined;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={`${row.case_number ?? ''} ${cases.titleOf(type, row.data, lang)}`}>
        <p class="kicker">{t['cases.viewLead']({ number: row.case_number ?? '' })}</p>
        <h1>{cases.titleOf(type, row.data, lang)}</h1>
        {notice ? (
          <Notice kind="success">
            <p>{notice}</p>
          </Notice>
        ) : null}
        <dl class="facts">
          <dt>{t['cases.col.number']}</dt>
          <dd>{row.case_number ?? ''}</dd>
          <dt>{t['cases.facts.type']}</dt>
          <dd>{type.name[lang]}</dd>
          <dt>{t['cases.facts.organisation']}</dt>
          <dd>{org ? `${org.name} (${formatOrgnr(org.orgnr)})` : row.orgnr}</dd>
          <dt>{t['cases.facts.status']}</dt>
          <dd>{t[`cases.status.${row.status}`]}</dd>
          <dt>{t['cases.facts.submittedAt']}</dt>
          <dd>{row.submitted_at ? formatDateTime(lang, new Date(row.submitted_at), site.timeZone) : ''}</dd>
          <dt>{t['cases.facts.submittedBy']}</dt>
          <dd>{`${row.submitted_by ? (people.get(row.submitted_by) ?? '') : ''}${evidence ? ` – ${t[`method.${evidence.method}.name` as MessageKey] as string}` : ''}`}</dd>
          {row.officer ? (
            <>
              <dt>{t['cases.facts.officer']}</dt>
              <dd>{people.get(row.officer) ?? ''}</dd>
            </>
          ) : null}
        </dl>
        <p class="button-row">
          <a class="button-primary" href={`/cases/${row.id}/receipt.pdf`} download>
            {t['cases.receipt']}
          </a>
          <a class="button-secondary" href={`/cases/${row.id}/signature`}>
            {t['cases.verify']}
          </a>
        </p>
        {access === 'staff' ? <OfficerActions row={row} t={t} csrf={ctx.csrf ?? ''} /> : null}
        <section aria-labelledby="msg-h">
          <h2 id="msg-h">{t['cases.messagesTitle']}</h2>
          {messages.length === 0 ? <p>{t['cases.noMessages']}</p> : null}
          <ol class="messages">
            {messages.map((m) => (
              <li key={m.id} class={`message message-${m.side}`} data-unread={unreadIds.has(m.id) ? 'true' : undefined}>
                <p class="message-meta">
                  {unreadIds.has(m.id) ? <strong class="badge">{`${t['cases.messageNew']} `}</strong> : null}
                  {m.side === 'agency'
                    ? t['cases.messageFrom.agency']({ agency: site.agencyShort }) + (access === 'staff' && m.authorName ? ` (${m.authorName})` : '')
                    : t['cases.messageFrom.organisation']({ name: m.authorName ?? '' })}
                  {` · ${formatDateTime(lang, new Date(m.createdAt), site.timeZone)}`}
                </p>
                <p class="message-body">{m.body}</p>
                {m.attachments.map((a) => (
                  <p key={a.id}>
                    <a href={`/cases/${row.id}/attachments/${a.id}`}>{a.fileName}</a>
                    {` (${formatSize(a.size, lang)}, SHA-256 `}
                    <code>{a.sha256}</code>)
                  </p>
                ))}
              </li>
            ))}
          </ol>
          {row.status === 'closed' ? (
            <p>{t['cases.messageClosed']}</p>
          ) : (
            <MessageForm row={row} t={t} csrf={ctx.csrf ?? ''} />
          )}
        </section>
        <section aria-labelledby="details-h">
          <h2 id="details-h">{t['cases.details']}</h2>
          <Summary row={row} type={type} lang={lang} t={t} editable={false} />
          <h2>{t['cases.attachmentsTitle']}</h2>
          <AttachmentTable t={t} lang={lang} row={row} attachments={attachments} csrf={ctx.csrf ?? ''} removable={false} />
        </section>
        {access === 'member' ? (
          <form method="post" action="/cases">
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <input type="hidden" name="copy" value={row.id} />
            <button type="submit" class="button-secondary">
              {t['cases.copyThis']}
            </button>
          </form>
        ) : null}
      </Layout>,
    );
  }

  function MessageForm(props: { row: CaseRow; t: Messages; csrf: string }) {
    const { t } = props;
    return (
      <form method="post" action={`/cases/${props.row.id}/messages`} enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <p class="hint" id="msg-hint">
          {t['cases.messageHint']}
        </p>
        <div class="field">
          <label for="f-body">{t['cases.messageField']}</label>
          <textarea id="f-body" name="body" rows={5} aria-describedby="msg-hint"></textarea>
        </div>
        <div class="field">
          <label for="f-file">{t['cases.messageFile']}</label>
          <input type="file" id="f-file" name="file" />
        </div>
        <button type="submit" class="button-primary">
          {t['cases.messageSend']}
        </button>
      </form>
    );
  }

  function OfficerActions(props: { row: CaseRow; t: Messages; csrf: string }) {
    const { row, t } = props;
    if (row.status === 'closed') return null;
    return (
      <section aria-labelledby="officer-h" class="officer-actions">
        <h2 id="officer-h">{t['cases.officer.actions']}</h2>
        <div class="button-row">
          {row.status === 'submitted' ? (
            <form method="post" action={`/cases/${row.id}/status`} class="inline-form">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <input type="hidden" name="status" value="in_progress" />
              <button type="submit" class="button-secondary">
                {t['cases.officer.take']}
              </button>
            </form>
          ) : null}
          <form method="post" action={`/cases/${row.id}/status`} class="inline-form">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <input type="hidden" name="status" value="closed" />
            <button type="submit" class="button-secondary">
              {t['cases.officer.close']}
            </button>
          </form>
        </div>
      </section>
    );
  }

  app.post<{ Params: { id: string } }>('/cases/:id/messages', { config: { csrf: false } }, async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    const form = await readMultipart(request);
    const { row, principal, access } = found;
    const { t } = request;
    if (row.status === 'draft') throw new AppError('bad_request', 'drafts take no messages');
    if (row.status === 'closed') throw new AppError('bad_request', 'closed');
    if (access === 'staff' && !principal.staff.includes('case_officer')) throw new AppError('forbidden', 'only case officers reply');
    const bodySpec: FieldSpec = { type: 'textarea', required: true, maxLength: 5000 };
    const body = parseFieldValue(bodySpec, form.fields['body'], request.lang);
    const problems: string[] = [];
    if (!body.ok) problems.push(problemText(t, bodySpec, body.problem, request.lang));
    let file: { fileName: string; mediaType: string; bytes: Buffer } | undefined;
    if (form.tooLarge) problems.push(fileProblemText(t, 'too_large'));
    else if (form.file) {
      const checked = checkAttachment({ fileName: form.file.fileName, bytes: form.file.bytes, maxBytes });
      if (!checked.ok) problems.push(fileProblemText(t, checked.problem));
      else file = { fileName: checked.fileName, mediaType: checked.mediaType, bytes: form.file.bytes };
    }
    if (problems.length > 0 || !body.ok) {
      const ctx = await pageContext(deps, request, reply);
      return sendHtml(
        reply,
        <Layout ctx={ctx} title={t['cases.messagesTitle']}>
          <h1>{t['cases.messagesTitle']}</h1>
          <ErrorSummary t={t} title={t['cases.errorSummary']} items={problems.map((p, i) => ({ href: i === 0 && !body.ok ? '#f-body' : '#f-file', text: p }))}>
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
    try {
      await cases.postMessage({ row, side: access === 'staff' ? 'agency' : 'organisation', author: principal.personnummer, body: body.value, ...(file ? { file } : {}), ip: request.ip });
    } catch (err) {
      if (err instanceof CaseError && err.code === 'closed') throw new AppError('bad_request', 'closed');
      if (err instanceof CaseError && (err.code === 'duplicate_attachment' || err.code === 'too_many_attachments')) throw new AppError('bad_request', err.code);
      throw err;
    }
    return reply.redirect(`/cases/${row.id}?m=sent#msg-h`, 303);
  });

  app.post<{ Params: { id: string }; Body: { status?: unknown } }>('/cases/:id/status', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    if (found.access !== 'staff' || !found.principal.staff.includes('case_officer')) throw new AppError('forbidden', 'only case officers change status');
    const status = request.body.status;
    if (status !== 'in_progress' && status !== 'closed') throw new AppError('bad_request', 'unknown status');
    try {
      await cases.setStatus(found.row, status, found.principal.personnummer, request.ip);
    } catch (err) {
      if (err instanceof CaseError) throw new AppError('bad_request', err.message);
      throw err;
    }
    return reply.redirect(`/cases/${found.row.id}?m=status`, 303);
  });

  app.post<{ Params: { id: string } }>('/cases/:id/delete', async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    try {
      await cases.deleteDraft(found.row, found.principal.personnummer, request.ip);
    } catch (err) {
      if (err instanceof CaseError) throw new AppError('bad_request', err.message);
      throw err;
    }
    return reply.redirect('/cases', 303);
  });

  app.get<{ Params: { id: string } }>('/cases/:id/receipt.pdf', async (request, reply) => {
    const found = await caseFor(request, request.params.id);
    const { row, type } = found;
    if (row.status === 'draft' || !row.evidence_id || !row.case_number) throw new AppError('not_found', 'no receipt for a draft');
    const evidence = await signing.evidence(row.evidence_id);
    if (!evidence) throw new AppError('not_found', 'evidence missing');
    const { t, lang } = request;
    const org = await accounts.findOrganisation(row.orgnr);
    const attachments = (await cases.attachments(row.id)).filter((a) => a.messageId === null);
    const input: ReceiptInput = {
      lang,
      agencyName: site.agency[lang],
      siteName: t['site.name'],
      caseNumber: row.case_number,
      caseTypeName: type.name[lang],
      organisation: { name: org?.name ?? row.orgnr, orgnr: formatOrgnr(row.orgnr) },
      submittedAt: formatDateTime(lang, new Date(row.submitted_at ?? evidence.signed_at), site.timeZone),
      sections: summarySections(type, row.data, lang, t).map((s) => ({ title: s.title, rows: s.rows.map((r) => ({ label: r.label, value: r.value })) })),
      attachments: attachments.map((a) => ({ name: a.fileName, mediaType: a.mediaType, size: formatSize(a.size, lang), sha256: a.sha256 })),
      signature: {
        signerName: evidence.signer_name ?? '',
        signerId: formatPersonalNumber(evidence.signer_personnummer),
        method: t[`method.${evidence.method}.name` as MessageKey] as string,
        signedAt: formatDateTime(lang, new Date(evidence.signed_at), site.timeZone),
        digest: evidence.digest,
        verifyUrl: new URL(`/cases/${row.id}/signature`, config.http.publicUrl).toString(),
      },
      createdAt: new Date(evidence.signed_at),
    };
    // Only now, access decided: the same receipt for the same content, rendered once.
    const key = receiptKey({ caseId: row.id, evidenceId: row.evidence_id, lang, content: input });
    const pdf = await deps.receipts.get(key, () => renderReceiptPdf(input, t));
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', contentDisposition(`${lang === 'sv' ? 'kvitto' : 'receipt'}-${row.case_number}.pdf`))
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
        <EvidenceFacts evidence={evidence} t={t} lang={lang} timeZone={site.timeZone}>
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

/** The label of a field path for error summaries: "Product 2 – Quantity". */
function pathLabel(type: CaseTypeDef, path: string, lang: Lang): string {
  const [first = '', index, sub] = path.split('.');
  for (const step of type.steps) {
    for (const f of step.fields) {
      if (f.id !== first) continue;
      if (f.type === 'group') {
        if (index === undefined || sub === undefined) return f.label[lang];
        const g = f.fields.find((x) => x.id === sub);
        return `${f.itemLabel[lang]} ${Number(index) + 1} – ${g?.label[lang] ?? sub}`;
      }
      return f.label[lang];
    }
  }
  return path;
}

function fieldErrorText(type: CaseTypeDef, step: StepDef | undefined, error: FieldError, lang: Lang, t: Messages): string {
  const [first = '', , sub] = error.path.split('.');
  let group: GroupField | undefined;
  let field: ScalarField | undefined;
  for (const s of step ? [step] : type.steps) {
    for (const f of s.fields) {
      if (f.id !== first) continue;
      if (f.type === 'group') {
        group = f;
        field = sub ? f.fields.find((g) => g.id === sub) : undefined;
      } else field = f;
    }
  }
  if (error.problem === 'group_min') return t['cases.group_min']({ min: group?.min ?? 1 });
  if (error.problem === 'group_max') return t['cases.group_max']({ max: group?.max ?? 1 });
  return problemText(t, field ? fieldSpec(field) : { type: 'text', required: true }, error.problem, lang);
}

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name; no quotes or line breaks get through. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'file';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
