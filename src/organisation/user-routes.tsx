/**
 * "Hantera användare" (/organisation/users*): who can act for the organisation, and its
 * admins' requests to add or remove a user, which the agency handles on its admin side.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parsePersonalNumber } from '../identity/personnummer.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { RegisterError } from './register.js';
import { parseForm, unprefix, USER_FIELDS, type OrgAccess, type OrgRoutesDeps } from './route-context.js';
import { UsersPage, type UsersPageState } from './views/users-page.js';

export function userRoutes(app: FastifyInstance, deps: OrgRoutesDeps, access: OrgAccess): void {
  const { register, clock } = deps;
  const { acting } = access;

  async function renderUsers(
    request: FastifyRequest,
    reply: FastifyReply,
    options: UsersPageState & { status?: number } = {},
  ) {
    const { status, ...state } = options;
    const org = await acting(request);
    const ctx = await pageContext(deps, request, reply);
    const members = await register.members(org.orgnr);
    const pending = await register.pendingRequests(org.orgnr);
    return sendHtml(
      reply,
      <UsersPage ctx={ctx} org={org} members={members} pending={pending} {...state} />,
      status ?? 200,
    );
  }

  app.get<{ Querystring: { requested?: string } }>('/organisation/users', async (request, reply) =>
    renderUsers(request, reply, { requested: request.query.requested === '1' }),
  );

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
    if (!pn.ok && !parsed.errors.has('user-personnummer'))
      parsed.errors.set('user-personnummer', t['orgUsers.error.personnummer']);
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
        return renderUsers(request, reply, {
          ...(action === 'add' ? { parsed } : {}),
          error: t[err.messageKey],
          status: err.status,
        });
      }
      throw err;
    }
    return reply.redirect('/organisation/users?requested=1', 303);
  });
}
