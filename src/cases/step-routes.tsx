/**
 * The steps of a draft: each step's form (fields, rows to add and remove, filling from the
 * organisation's register), saving, moving between steps, and a conflict when the draft
 * changed meanwhile. The attachments step is drawn by attachment-routes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../web/errors.js';
import { Layout, Notice } from '../web/layout.js';
import { pageContext, sendHtml } from '../web/render.js';
import { renderAttachments } from './attachment-routes.js';
import { parseFieldValue } from './formats.js';
import type { CaseAccess, CaseRoutesDeps } from './route-context.js';
import { CaseError, type CaseRow, type FieldError } from './service.js';
import { ATTACHMENTS_STEP, type CaseData, type CaseTypeDef, type GroupField, type StepDef } from './types.js';
import { controlId, ErrorSummary, FieldInput } from './views/fields.js';
import { errorMap, pathLabel, STEP_FORM, stepList, StepNav, stepUrl } from './views/steps.js';

export function stepRoutes(app: FastifyInstance, deps: CaseRoutesDeps, access: CaseAccess): void {
  const { cases, register } = deps;
  const { draftFor } = access;
  app.get<{
    Params: { id: string; step: string };
    Querystring: { saved?: string; changed?: string; m?: string; name?: string };
  }>('/cases/:id/steps/:step', async (request, reply) => {
    const found = await draftFor(request, request.params.id);
    if (found.row.status !== 'draft') return reply.redirect(`/cases/${found.row.id}`, 303);
    const ctx = { t: request.t };
    if (request.params.step === ATTACHMENTS_STEP) return renderAttachments(deps, request, reply, found, {});
    const step = found.type.steps.find((s) => s.id === request.params.step);
    if (!step) throw new AppError('not_found', 'no such step');
    return renderStep(deps, request, reply, found, step, {
      ...(request.query.saved === '1' ? { notice: ctx.t['cases.saved'] } : {}),
      changed: request.query.changed === '1',
    });
  });

  app.post<{ Params: { id: string; step: string }; Body: Record<string, unknown> }>(
    '/cases/:id/steps/:step',
    async (request, reply) => {
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
        return renderStep(deps, request, reply, found, step, { data, errors: parsed.errors, status: 422 });
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
                const parsedClass = parseFieldValue(
                  { type: g.type, required: false },
                  product.classification,
                  request.lang,
                );
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
        if (!contact || (role !== 'consignee' && role !== 'end_user'))
          throw new AppError('bad_request', 'no such contact or role');
        data[`${role}_name`] = contact.name;
        data[`${role}_address`] = contact.address;
        data[`${role}_country`] = contact.country;
        anchor = `#${controlId(`${role}_name`)}`;
      }
      try {
        await cases.saveDraft(row, data, principal.personnummer);
      } catch (err) {
        if (err instanceof CaseError && err.code === 'changed')
          return reply.redirect(`${stepUrl(row, step.id)}?changed=1`, 303);
        throw err;
      }
      const steps = stepList(type, request.lang, request.t);
      const index = steps.findIndex((s) => s.id === step.id);
      if (action === 'next')
        return reply.redirect(stepUrl(row, steps[index + 1]?.id ?? ATTACHMENTS_STEP), 303);
      if (action === 'prev')
        return reply.redirect(stepUrl(row, steps[Math.max(0, index - 1)]?.id ?? step.id), 303);
      if (action === 'save') return reply.redirect(`${stepUrl(row, step.id)}?saved=1`, 303);
      // A step link or "Granska och underteckna" pressed on a step: saved, then there.
      const goto = /^goto:([a-z0-9_]+)$/.exec(action)?.[1];
      if (goto === 'review') return reply.redirect(`/cases/${row.id}/review`, 303);
      if (goto && steps.some((s) => s.id === goto)) return reply.redirect(stepUrl(row, goto), 303);
      return reply.redirect(`${stepUrl(row, step.id)}${anchor}`, 303);
    },
  );
}

async function renderStep(
  deps: CaseRoutesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  found: { row: CaseRow; type: CaseTypeDef },
  step: StepDef,
  options: {
    data?: CaseData;
    errors?: readonly FieldError[];
    notice?: string;
    status?: number;
    changed?: boolean;
  } = {},
) {
  const { cases, register } = deps;
  const { row, type } = found;
  const ctx = await pageContext(deps, request, reply);
  const { t, lang } = ctx;
  const data = options.data ?? row.data;
  const errors = options.errors ?? [];
  const messages = errorMap(type, step, errors, lang, t);
  const steps = stepList(type, lang, t);
  const index = steps.findIndex((s) => s.id === step.id);
  const contacts = step.register === 'contacts' ? await register.contacts(row.orgnr) : [];
  const productGroup = step.fields.find(
    (f): f is GroupField =>
      f.type === 'group' && f.fields.some((g) => g.type === 'ml_category' || g.type === 'annex1_entry'),
  );
  const products = productGroup ? await register.products(row.orgnr) : [];
  const title = `${step.title[lang]} – ${cases.titleOf(type, row.data, lang)}`;
  return sendHtml(
    reply,
    <Layout ctx={ctx} title={title}>
      <p class="kicker">{`${type.name[lang]} · ${t['cases.stepOf']({ step: index + 1, steps: steps.length + 1 })}`}</p>
      <h1>{step.title[lang]}</h1>
      {/* Enter in a text field presses the form's first submit button in document order
          (HTML implicit submission). That must be "Nästa steg", not a step of the step list
          above, "Fyll i" (which would replace typed data with a register entry) or
          "Föregående steg": so a copy of it comes first, out of sight and out of the tab
          order; people use the visible buttons. */}
      <button
        type="submit"
        form={STEP_FORM}
        name="_action"
        value="next"
        class="default-submit"
        tabIndex={-1}
        aria-hidden="true"
      >
        {t['cases.next']}
      </button>
      <StepNav row={row} type={type} current={step.id} lang={lang} t={t} form={STEP_FORM} />
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
      <ErrorSummary
        t={t}
        title={t['cases.errorSummary']}
        items={errors.map((e) => ({
          href: `#${controlId(e.path)}`,
          text: `${pathLabel(type, e.path, lang)}: ${messages.get(e.path) ?? ''}`,
        }))}
      >
        <p>{t['cases.notSaved']}</p>
      </ErrorSummary>
      {step.intro ? <p class="lead">{step.intro[lang]}</p> : null}
      <p class="hint">{t['cases.requiredNote']}</p>
      <form method="post" action={stepUrl(row, step.id)} id={STEP_FORM} novalidate>
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
            <button
              type="submit"
              name="_action"
              value={`addproduct:${productGroup.id}`}
              class="button-secondary"
            >
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
