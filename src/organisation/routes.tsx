/**
 * The organisation's own pages: the register of contacts and products, and "Hantera
 * användare" — who can act for the organisation, and its admins' requests to add or remove
 * users (handled by the agency). Always for the organisation the person acts for now.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/service.js';
import { formatOrgnr } from '../accounts/orgnr.js';
import { formatPersonalNumber, parsePersonalNumber } from '../identity/personnummer.js';
import type { Principal } from '../identity/sessions.js';
import type { Clock } from '../platform/clock.js';
import { requirePrincipal } from '../login/routes.js';
import { AppError } from '../web/errors.js';
import type { Lang, Messages } from '../platform/i18n/index.js';
import { Layout, Notice } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { countryName, parseFieldValue } from '../cases/formats.js';
import { RegisterError, type Register } from './register.js';
import { ErrorSummary, problemText, ScalarInput } from '../cases/views/fields.js';
import { fieldSpec, type ScalarField } from '../cases/types.js';
import type { ComponentChildren } from 'preact';
import { TableScroll } from '../web/table-scroll.js';

export interface OrgRoutesDeps extends ViewDeps {
  clock: Clock;
  accounts: Accounts;
  register: Register;
}

const L = (sv: string, en: string) => ({ sv, en });
const field = (id: string, type: ScalarField['type'], label: { sv: string; en: string }, required: boolean, extra: Partial<ScalarField> = {}): ScalarField => ({
  id,
  type,
  label,
  hint: undefined,
  required,
  maxLength: undefined,
  min: undefined,
  max: undefined,
  options: undefined,
  ...extra,
});

const CONTACT_FIELDS: readonly ScalarField[] = [
  field('name', 'text', L('Namn', 'Name'), true),
  field('address', 'textarea', L('Adress', 'Address'), true, { maxLength: 500 }),
  field('country', 'country', L('Land', 'Country'), true),
];
const PRODUCT_FIELDS: readonly ScalarField[] = [
  field('description', 'text', L('Beskrivning', 'Description'), true),
  field('classification', 'text', L('Klassning (ML-kategori eller kontrollnummer i bilaga I)', 'Classification (ML category or Annex I entry)'), true, {
    maxLength: 30,
    hint: L('Till exempel ML4 eller 5A002.a.', 'For example ML4 or 5A002.a.'),
  }),
];
const USER_FIELDS: readonly ScalarField[] = [
  field('personnummer', 'text', L('Personnummer', 'Personal identity number'), true, { maxLength: 20, hint: L('ÅÅÅÅMMDD-NNNN, personnummer eller samordningsnummer.', 'YYYYMMDD-NNNN, personal identity number or coordination number.') }),
  field('name', 'text', L('Namn', 'Name'), true),
  field('email', 'email', L('E-postadress', 'E-mail address'), true),
  field('phone', 'phone', L('Telefonnummer', 'Phone number'), false),
  field('role', 'select', L('Roll', 'Role'), true, {
    options: [
      { value: 'user', label: L('Användare', 'User') },
      { value: 'org_admin', label: L('Administratör för organisationen', 'Administrator of the organisation') },
    ],
  }),
];

interface Parsed {
  values: Record<string, string>;
  errors: Map<string, string>;
}

function parseForm(fields: readonly ScalarField[], body: Record<string, unknown>, lang: Lang, t: Messages, prefix: string): Parsed {
  const values: Record<string, string> = {};
  const errors = new Map<string, string>();
  for (const f of fields) {
    const raw = typeof body[f.id] === 'string' ? (body[f.id] as string) : undefined;
    const spec = fieldSpec(f);
    const r = parseFieldValue(spec, raw, lang);
    if (r.ok) values[f.id] = r.value;
    else {
      values[f.id] = raw ?? '';
      errors.set(`${prefix}${f.id}`, problemText(t, spec, r.problem, lang));
    }
  }
  return { values, errors };
}

export async function orgRoutes(app: FastifyInstance, deps: OrgRoutesDeps): Promise<void> {
  const { accounts, register, clock } = deps;

  async function acting(request: FastifyRequest): Promise<{ principal: Principal; orgnr: string; orgName: string; isAdmin: boolean }> {
    const { principal } = requirePrincipal(request);
    if (!principal.orgnr) throw new AppError('forbidden', 'no acting organisation');
    const m = (await accounts.memberships(principal.personnummer)).find((x) => x.orgnr === principal.orgnr);
    if (!m) throw new AppError('forbidden', 'not a member');
    return { principal, orgnr: m.orgnr, orgName: m.orgName, isAdmin: m.role === 'org_admin' };
  }

  async function renderRegister(request: FastifyRequest, reply: FastifyReply, options: { form?: 'contact' | 'product'; parsed?: Parsed; saved?: boolean; status?: number } = {}) {
    const org = await acting(request);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const contacts = await register.contacts(org.orgnr);
    const products = await register.products(org.orgnr);
    const errors = options.parsed?.errors ?? new Map<string, string>();
    const valueOf = (form: 'contact' | 'product', id: string) => (options.form === form ? (options.parsed?.values[id] ?? '') : '');
    const summary = [...errors.entries()].map(([path, text]) => ({ href: `#f-${path}`, text }));
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['register.title']}>
        <h1>{t['register.title']}</h1>
        <p class="lead">{`${t['register.lead']} ${org.orgName} (${formatOrgnr(org.orgnr)})`}</p>
        {options.saved ? (
          <Notice kind="success">
            <p>{t['register.saved']}</p>
          </Notice>
        ) : null}
        <ErrorSummary t={t} title={t['cases.errorSummary']} items={summary}>
          <p>{t['cases.notSaved']}</p>
        </ErrorSummary>
        <RegisterSection
          kind="contact"
          heading={t['register.contacts']}
          columns={[t['register.col.name'], t['register.col.address'], t['register.col.country']]}
          rows={contacts.map((c) => ({ id: c.id, name: c.name, cells: [c.name, <span class="pre">{c.address}</span>, countryName(c.country, lang)] }))}
          fields={CONTACT_FIELDS}
          addLabel={t['register.addContact']}
          valueOf={(id) => valueOf('contact', id)}
          errors={errors}
          csrf={ctx.csrf ?? ''}
          lang={lang}
          t={t}
        />
        <RegisterSection
          kind="product"
          heading={t['register.products']}
          columns={[t['register.col.description'], t['register.col.classification']]}
          rows={products.map((p) => ({ id: p.id, name: p.description, cells: [p.description, p.classification] }))}
          fields={PRODUCT_FIELDS}
          addLabel={t['register.addProduct']}
          valueOf={(id) => valueOf('product', id)}
          errors={errors}
          csrf={ctx.csrf ?? ''}
          lang={lang}
          t={t}
        />
      </Layout>,
      options.status ?? 200,
    );
  }

  app.get<{ Querystring: { saved?: string } }>('/register', async (request, reply) => renderRegister(request, reply, { saved: request.query.saved === '1' }));

  app.post<{ Body: Record<string, unknown> }>('/register/contacts', async (request, reply) => {
    const org = await acting(request);
    const parsed = parseForm(CONTACT_FIELDS, unprefix(request.body, 'contact-'), request.lang, request.t, 'contact-');
    if (parsed.errors.size > 0) return renderRegister(request, reply, { form: 'contact', parsed, status: 422 });
    await register.addContact(org.orgnr, { name: parsed.values['name'] ?? '', address: parsed.values['address'] ?? '', country: parsed.values['country'] ?? '' }, org.principal.personnummer);
    return reply.redirect('/register?saved=1', 303);
  });

  app.post<{ Body: Record<string, unknown> }>('/register/products', async (request, reply) => {
    const org = await acting(request);
    const body = unprefix(request.body, 'product-');
    const parsed = parseForm(PRODUCT_FIELDS, body, request.lang, request.t, 'product-');
    const raw = parsed.values['classification'] ?? '';
    const ml = parseFieldValue({ type: 'ml_category', required: true }, raw, request.lang);
    const annex = parseFieldValue({ type: 'annex1_entry', required: true }, raw, request.lang);
    const classification = ml.ok ? ml.value : annex.ok ? annex.value : undefined;
    if (!parsed.errors.has('product-classification') && classification === undefined) parsed.errors.set('product-classification', request.t['register.error.classification']);
    if (parsed.errors.size > 0) return renderRegister(request, reply, { form: 'product', parsed, status: 422 });
    await register.addProduct(org.orgnr, { description: parsed.values['description'] ?? '', classification: classification ?? '' }, org.principal.personnummer);
    return reply.redirect('/register?saved=1', 303);
  });

  app.post<{ Params: { kind: string; id: string } }>('/register/:kind/:id/delete', async (request, reply) => {
    const org = await acting(request);
    const kind = request.params.kind;
    if (kind !== 'contact' && kind !== 'product') throw new AppError('not_found', 'no such register');
    if (!(await register.remove(kind, org.orgnr, request.params.id, org.principal.personnummer))) throw new AppError('not_found', 'no such entry');
    return reply.redirect('/register?saved=1', 303);
  });

  // --- Hantera användare ------------------------------------------------------------------

  async function renderUsers(request: FastifyRequest, reply: FastifyReply, options: { parsed?: Parsed; requested?: boolean; error?: string; status?: number } = {}) {
    const org = await acting(request);
    const ctx = await pageContext(deps, request, reply);
    const { t, lang } = ctx;
    const members = await register.members(org.orgnr);
    const pending = await register.pendingRequests(org.orgnr);
    const errors = options.parsed?.errors ?? new Map<string, string>();
    const summary = [...errors.entries()].map(([path, text]) => ({ href: `#f-${path}`, text }));
    if (options.error) summary.push({ href: '#f-user-personnummer', text: options.error });
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={t['orgUsers.title']}>
        <h1>{t['orgUsers.title']}</h1>
        <p class="lead">{t['orgUsers.lead']({ org: `${org.orgName} (${formatOrgnr(org.orgnr)})` })}</p>
        {options.requested ? (
          <Notice kind="success">
            <p>{t['orgUsers.requested']}</p>
          </Notice>
        ) : null}
        <ErrorSummary t={t} title={t['cases.errorSummary']} items={summary}>
          <p>{t['cases.notSaved']}</p>
        </ErrorSummary>
        <TableScroll label={t['orgUsers.title']}>
          <table>
            <caption class="visually-hidden">{t['orgUsers.title']}</caption>
            <thead>
              <tr>
                <th scope="col">{t['orgUsers.col.name']}</th>
                <th scope="col">{t['orgUsers.col.personnummer']}</th>
                <th scope="col">{t['orgUsers.col.role']}</th>
                {org.isAdmin ? (
                  <th scope="col">
                    <span class="visually-hidden">{t['cases.col.action']}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.personnummer}>
                  <td>{m.name}</td>
                  <td>{formatPersonalNumber(m.personnummer)}</td>
                  <td>{t[`start.role.${m.role}`]}</td>
                  {org.isAdmin ? (
                    <td>
                      {m.personnummer !== org.principal.personnummer ? (
                        <form method="post" action="/organisation/users/requests" class="inline-form">
                          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
                          <input type="hidden" name="action" value="remove" />
                          <input type="hidden" name="personnummer" value={m.personnummer} />
                          <input type="hidden" name="name" value={m.name} />
                          <input type="hidden" name="role" value={m.role} />
                          <button type="submit" class="button-secondary">
                            {t['orgUsers.requestRemove']({ name: m.name })}
                          </button>
                        </form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <h2>{t['orgUsers.pendingHeading']}</h2>
        {pending.length === 0 ? (
          <p>{t['orgUsers.noPending']}</p>
        ) : (
          <ul>
            {pending.map((p) => (
              <li key={p.id}>{`${p.action === 'add' ? t['orgUsers.action.add'] : t['orgUsers.action.remove']}: ${p.name} (${formatPersonalNumber(p.personnummer)})`}</li>
            ))}
          </ul>
        )}
        {org.isAdmin ? (
          <section aria-labelledby="add-h">
            <h2 id="add-h">{t['orgUsers.addHeading']}</h2>
            <p>{t['orgUsers.addLead']}</p>
            <form method="post" action="/organisation/users/requests" novalidate>
              <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
              <input type="hidden" name="action" value="add" />
              {USER_FIELDS.map((f) => (
                <ScalarInput key={f.id} field={{ ...f, id: `user-${f.id}` }} path={`user-${f.id}`} value={options.parsed?.values[f.id] ?? ''} error={errors.get(`user-${f.id}`)} lang={lang} t={t} />
              ))}
              <button type="submit" class="button-primary">
                {t['orgUsers.submit']}
              </button>
            </form>
          </section>
        ) : (
          <p>{t['orgUsers.notAdmin']}</p>
        )}
      </Layout>,
      options.status ?? 200,
    );
  }

  app.get<{ Querystring: { requested?: string } }>('/organisation/users', async (request, reply) => renderUsers(request, reply, { requested: request.query.requested === '1' }));

  app.post<{ Body: Record<string, unknown> }>('/organisation/users/requests', async (request, reply) => {
    const org = await acting(request);
    if (!org.isAdmin) throw new AppError('forbidden', 'only organisation admins request user changes');
    const body = request.body ?? {};
    const action = body['action'];
    if (action !== 'add' && action !== 'remove') throw new AppError('bad_request', 'unknown action');
    const { t, lang } = request;
    const source = action === 'add' ? unprefix(body, 'user-') : { ...body, email: 'x@example.invalid' };
    const parsed = parseForm(USER_FIELDS, source, lang, t, 'user-');
    const pn = parsePersonalNumber(parsed.values['personnummer'] ?? '', clock.now());
    if (!pn.ok && !parsed.errors.has('user-personnummer')) parsed.errors.set('user-personnummer', t['orgUsers.error.personnummer']);
    if (parsed.errors.size > 0 || !pn.ok) {
      if (action === 'remove') throw new AppError('bad_request', 'malformed removal request');
      return renderUsers(request, reply, { parsed, status: 422 });
    }
    try {
      await register.requestMembership({
        orgnr: org.orgnr,
        action,
        personnummer: pn.value.value,
        name: parsed.values['name'] ?? '',
        email: action === 'add' ? (parsed.values['email'] ?? null) : null,
        phone: action === 'add' ? parsed.values['phone'] || null : null,
        role: parsed.values['role'] === 'org_admin' ? 'org_admin' : 'user',
        requestedBy: org.principal.personnummer,
        ip: request.ip,
      });
    } catch (err) {
      if (err instanceof RegisterError) {
        // Shown next to the form, which keeps what was typed: the error's own text and status.
        return renderUsers(request, reply, { ...(action === 'add' ? { parsed } : {}), error: t[err.messageKey], status: err.status });
      }
      throw err;
    }
    return reply.redirect('/organisation/users?requested=1', 303);
  });
}

/** The fields of one of several forms on a page, whose names carry the form's prefix. */
function unprefix(body: Record<string, unknown> | undefined, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body ?? {}).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** One register (contacts or products): its table with a remove button per row, and the form that adds one. */
function RegisterSection(props: {
  kind: 'contact' | 'product';
  heading: string;
  columns: readonly string[];
  rows: readonly { id: string; name: string; cells: readonly ComponentChildren[] }[];
  fields: readonly ScalarField[];
  addLabel: string;
  valueOf: (id: string) => string;
  errors: ReadonlyMap<string, string>;
  csrf: string;
  lang: Lang;
  t: Messages;
}) {
  const { kind, t } = props;
  const headingId = `${kind}s-h`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{props.heading}</h2>
      {props.rows.length === 0 ? (
        <p>{t['register.empty']}</p>
      ) : (
        <TableScroll labelledBy={headingId}>
          <table aria-labelledby={headingId}>
            <thead>
              <tr>
                {props.columns.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">{t['cases.col.action']}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={row.id}>
                  {row.cells.map((cell, i) => (
                    <td key={i}>{cell}</td>
                  ))}
                  <td>
                    <form method="post" action={`/register/${kind}/${row.id}/delete`} class="inline-form">
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <button type="submit" class="button-secondary">
                        {t['register.delete']({ name: row.name })}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <form method="post" action={`/register/${kind}s`} novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <fieldset>
          <legend>{props.addLabel}</legend>
          {props.fields.map((f) => (
            <ScalarInput
              key={f.id}
              field={{ ...f, id: `${kind}-${f.id}` }}
              path={`${kind}-${f.id}`}
              value={props.valueOf(f.id)}
              error={props.errors.get(`${kind}-${f.id}`)}
              lang={props.lang}
              t={t}
            />
          ))}
          <button type="submit" class="button-secondary">
            {props.addLabel}
          </button>
        </fieldset>
      </form>
    </section>
  );
}
