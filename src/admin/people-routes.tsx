/** People and organisations: search, add, change, (de)activate, memberships. All changes audited. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseOrgnr } from '../accounts/orgnr.js';
import { isCanonicalPersonalNumber } from '../identity/personnummer.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { createPeopleAdmin, parsePeopleQuery } from './people.js';
import type { AdminDeps } from './route-context.js';
import { actorOf } from './route-context.js';
import { field, text, type FieldError, type FormBody } from './validate.js';
import {
  EMPTY_FORM,
  NewPersonPage,
  OrganisationPage,
  OrganisationsPage,
  PeopleSearchPage,
  PersonPage,
  type FormState,
  type OrganisationDone,
  type PersonDone,
} from './views/people-pages.js';

const PERSON_DONE: readonly PersonDone[] = [
  'added',
  'saved',
  'deactivated',
  'reactivated',
  'membershipAdded',
  'membershipRemoved',
];
const ORG_DONE: readonly OrganisationDone[] = ['added', 'renamed', 'deactivated', 'reactivated'];

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

function formOf(body: FormBody, names: readonly string[], errors: FormState['errors']): FormState {
  return { values: Object.fromEntries(names.map((n) => [n, field(body, n)])), errors };
}

/** The canonical number in the path, or 404: the path is never echoed back or logged unscrubbed. */
function personParam(raw: string): string {
  if (!isCanonicalPersonalNumber(raw)) throw new AppError('not_found', 'no such person');
  return raw;
}

function orgParam(raw: string): string {
  const parsed = parseOrgnr(raw);
  if (!parsed.ok || parsed.value !== raw) throw new AppError('not_found', 'no such organisation');
  return raw;
}

export function peopleRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { accounts, clock } = deps;
  const admin = createPeopleAdmin(deps);

  // --- People ---------------------------------------------------------------------------

  app.get<{ Querystring: { q?: string } }>('/admin/people', async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q : '';
    const query = parsePeopleQuery(q, clock.now());
    let error: FieldError | undefined;
    let results;
    if (query.kind === 'invalid') error = { key: query.key };
    else if (query.kind === 'personnummer' || query.kind === 'prefix')
      results = await accounts.searchPeople({ personnummerPrefix: query.value });
    else if (query.kind === 'name') results = await accounts.searchPeople({ name: query.value });
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <PeopleSearchPage ctx={ctx} q={q} error={error} results={results} />,
      error ? 400 : 200,
    );
  });

  app.get('/admin/people/new', async (request, reply) => {
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(reply, <NewPersonPage ctx={ctx} form={EMPTY_FORM} />);
  });

  app.post<{ Body: FormBody }>('/admin/people', async (request, reply) => {
    const result = await admin.addPerson(request.body, actorOf(request));
    if (result.ok) return reply.redirect(`/admin/people/${result.value}?done=added`, 303);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <NewPersonPage
        ctx={ctx}
        form={formOf(request.body, ['personnummer', 'name', 'email', 'phone'], result.errors)}
      />,
      400,
    );
  });

  async function renderPerson(
    request: FastifyRequest,
    reply: FastifyReply,
    pnr: string,
    forms: { details?: FormState; membership?: FormState; done?: PersonDone | undefined } = {},
  ) {
    const person = await accounts.findPerson(pnr);
    if (!person) throw new AppError('not_found', 'no such person');
    const [memberships, staff] = await Promise.all([accounts.allMemberships(pnr), accounts.staffRoles(pnr)]);
    const details = forms.details ?? {
      values: { name: person.name, email: person.email ?? '', phone: person.phone ?? '' },
      errors: {},
    };
    const refused = forms.details !== undefined || forms.membership !== undefined;
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <PersonPage
        ctx={ctx}
        person={person}
        memberships={memberships}
        staff={staff}
        details={details}
        membership={forms.membership ?? EMPTY_FORM}
        done={forms.done}
      />,
      refused ? 400 : 200,
    );
  }

  app.get<{ Params: { pnr: string }; Querystring: { done?: string } }>(
    '/admin/people/:pnr',
    async (request, reply) =>
      renderPerson(request, reply, personParam(request.params.pnr), {
        done: pick(request.query.done, PERSON_DONE),
      }),
  );

  app.post<{ Params: { pnr: string }; Body: FormBody }>('/admin/people/:pnr', async (request, reply) => {
    const pnr = personParam(request.params.pnr);
    if (!(await accounts.findPerson(pnr))) throw new AppError('not_found', 'no such person');
    const result = await admin.updatePerson(pnr, request.body, actorOf(request));
    if (result.ok) return reply.redirect(`/admin/people/${pnr}?done=saved`, 303);
    return renderPerson(request, reply, pnr, {
      details: formOf(request.body, ['name', 'email', 'phone'], result.errors),
    });
  });

  app.post<{ Params: { pnr: string }; Body: FormBody }>(
    '/admin/people/:pnr/active',
    async (request, reply) => {
      const pnr = personParam(request.params.pnr);
      const active = field(request.body, 'active');
      if (active !== '0' && active !== '1') throw new AppError('bad_request', 'active must be 0 or 1');
      if (!(await admin.setPersonActive(pnr, active === '1', actorOf(request))))
        throw new AppError('not_found', 'no such person');
      return reply.redirect(
        `/admin/people/${pnr}?done=${active === '1' ? 'reactivated' : 'deactivated'}`,
        303,
      );
    },
  );

  app.post<{ Params: { pnr: string }; Body: FormBody }>(
    '/admin/people/:pnr/memberships',
    async (request, reply) => {
      const pnr = personParam(request.params.pnr);
      if (!(await accounts.findPerson(pnr))) throw new AppError('not_found', 'no such person');
      const result = await admin.addMembership(pnr, request.body, actorOf(request));
      if (result.ok) return reply.redirect(`/admin/people/${pnr}?done=membershipAdded`, 303);
      return renderPerson(request, reply, pnr, {
        membership: formOf(request.body, ['orgnr', 'role'], result.errors),
      });
    },
  );

  app.post<{ Params: { pnr: string; orgnr: string } }>(
    '/admin/people/:pnr/memberships/:orgnr/remove',
    async (request, reply) => {
      const pnr = personParam(request.params.pnr);
      const orgnr = orgParam(request.params.orgnr);
      if (!(await admin.removeMembership(pnr, orgnr, actorOf(request))))
        throw new AppError('not_found', 'no such membership');
      return reply.redirect(`/admin/people/${pnr}?done=membershipRemoved`, 303);
    },
  );

  // --- Organisations --------------------------------------------------------------------

  async function renderOrganisations(
    request: FastifyRequest,
    reply: FastifyReply,
    q: string,
    add: FormState,
    done: 'added' | undefined,
  ) {
    let error: FieldError | undefined;
    let organisations: Awaited<ReturnType<typeof accounts.searchOrganisations>> = [];
    const checked = text(q, { max: 100, required: false });
    if (!checked.ok) error = { key: 'admin.orgs.error.query' };
    else {
      const compact = checked.value.replace(/[\s-]/g, '');
      organisations = await accounts.searchOrganisations(
        checked.value === ''
          ? undefined
          : /^\d+$/.test(compact)
            ? { orgnrPrefix: compact.replace(/^16(?=\d{10}$)/, '') }
            : { name: checked.value },
      );
    }
    const refused = error !== undefined || Object.keys(add.errors).length > 0;
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <OrganisationsPage ctx={ctx} q={q} error={error} organisations={organisations} add={add} done={done} />,
      refused ? 400 : 200,
    );
  }

  app.get<{ Querystring: { q?: string; done?: string } }>('/admin/organisations', async (request, reply) =>
    renderOrganisations(
      request,
      reply,
      typeof request.query.q === 'string' ? request.query.q : '',
      EMPTY_FORM,
      request.query.done === 'added' ? 'added' : undefined,
    ),
  );

  app.post<{ Body: FormBody }>('/admin/organisations', async (request, reply) => {
    const result = await admin.addOrganisation(request.body, actorOf(request));
    if (result.ok) return reply.redirect(`/admin/organisations/${result.value}?done=added`, 303);
    return renderOrganisations(
      request,
      reply,
      '',
      formOf(request.body, ['orgnr', 'name'], result.errors),
      undefined,
    );
  });

  async function renderOrganisation(
    request: FastifyRequest,
    reply: FastifyReply,
    orgnr: string,
    rename: FormState,
    done: OrganisationDone | undefined,
  ) {
    const organisation = await accounts.findOrganisation(orgnr);
    if (!organisation) throw new AppError('not_found', 'no such organisation');
    const members = await accounts.members(orgnr);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(
      reply,
      <OrganisationPage
        ctx={ctx}
        organisation={organisation}
        members={members}
        rename={rename}
        done={done}
      />,
      Object.keys(rename.errors).length > 0 ? 400 : 200,
    );
  }

  app.get<{ Params: { orgnr: string }; Querystring: { done?: string } }>(
    '/admin/organisations/:orgnr',
    async (request, reply) =>
      renderOrganisation(
        request,
        reply,
        orgParam(request.params.orgnr),
        EMPTY_FORM,
        pick(request.query.done, ORG_DONE),
      ),
  );

  app.post<{ Params: { orgnr: string }; Body: FormBody }>(
    '/admin/organisations/:orgnr',
    async (request, reply) => {
      const orgnr = orgParam(request.params.orgnr);
      if (!(await accounts.findOrganisation(orgnr))) throw new AppError('not_found', 'no such organisation');
      const result = await admin.renameOrganisation(orgnr, request.body, actorOf(request));
      if (result.ok) return reply.redirect(`/admin/organisations/${orgnr}?done=renamed`, 303);
      return renderOrganisation(
        request,
        reply,
        orgnr,
        formOf(request.body, ['name'], result.errors),
        undefined,
      );
    },
  );

  app.post<{ Params: { orgnr: string }; Body: FormBody }>(
    '/admin/organisations/:orgnr/active',
    async (request, reply) => {
      const orgnr = orgParam(request.params.orgnr);
      const active = field(request.body, 'active');
      if (active !== '0' && active !== '1') throw new AppError('bad_request', 'active must be 0 or 1');
      if (!(await admin.setOrganisationActive(orgnr, active === '1', actorOf(request))))
        throw new AppError('not_found', 'no such organisation');
      return reply.redirect(
        `/admin/organisations/${orgnr}?done=${active === '1' ? 'reactivated' : 'deactivated'}`,
        303,
      );
    },
  );
}
