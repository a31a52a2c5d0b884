/**
 * The organisation's register of contacts and products (/register*): the page, adding a
 * contact or a product (a refused form comes back with its problems, 422), and removing one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { parseFieldValue } from '../cases/formats.js';
import {
  CONTACT_FIELDS,
  parseForm,
  PRODUCT_FIELDS,
  unprefix,
  type OrgAccess,
  type OrgRoutesDeps,
} from './route-context.js';
import { RegisterPage, type RegisterPageState } from './views/register-page.js';

export function registerRoutes(app: FastifyInstance, deps: OrgRoutesDeps, access: OrgAccess): void {
  const { register } = deps;
  const { acting } = access;

  async function renderRegister(
    request: FastifyRequest,
    reply: FastifyReply,
    options: RegisterPageState & { status?: number } = {},
  ) {
    const { status, ...state } = options;
    const org = await acting(request);
    const ctx = await pageContext(deps, request, reply);
    const contacts = await register.contacts(org.orgnr);
    const products = await register.products(org.orgnr);
    return sendHtml(
      reply,
      <RegisterPage ctx={ctx} org={org} contacts={contacts} products={products} {...state} />,
      status ?? 200,
    );
  }

  app.get<{ Querystring: { saved?: string } }>('/register', async (request, reply) =>
    renderRegister(request, reply, { saved: request.query.saved === '1' }),
  );

  app.post<{ Body: Record<string, unknown> }>('/register/contacts', async (request, reply) => {
    const org = await acting(request);
    const parsed = parseForm(
      CONTACT_FIELDS,
      unprefix(request.body, 'contact-'),
      request.lang,
      request.t,
      'contact-',
    );
    if (parsed.errors.size > 0)
      return renderRegister(request, reply, { form: 'contact', parsed, status: 422 });
    await register.addContact(
      org.orgnr,
      {
        name: parsed.values['name'] ?? '',
        address: parsed.values['address'] ?? '',
        country: parsed.values['country'] ?? '',
      },
      org.principal.personnummer,
    );
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
    if (!parsed.errors.has('product-classification') && classification === undefined)
      parsed.errors.set('product-classification', request.t['register.error.classification']);
    if (parsed.errors.size > 0)
      return renderRegister(request, reply, { form: 'product', parsed, status: 422 });
    await register.addProduct(
      org.orgnr,
      { description: parsed.values['description'] ?? '', classification: classification ?? '' },
      org.principal.personnummer,
    );
    return reply.redirect('/register?saved=1', 303);
  });

  app.post<{ Params: { kind: string; id: string } }>('/register/:kind/:id/delete', async (request, reply) => {
    const org = await acting(request);
    const kind = request.params.kind;
    if (kind !== 'contact' && kind !== 'product') throw new AppError('not_found', 'no such register');
    if (!(await register.remove(kind, org.orgnr, request.params.id, org.principal.personnummer)))
      throw new AppError('not_found', 'no such entry');
    return reply.redirect('/register?saved=1', 303);
  });
}
