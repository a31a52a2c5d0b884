/**
 * Choosing and starting a BankID order: the choice "this device / another device" (RFA20)
 * for a login (/login/bankid), and /bankid/start, which starts the order at BankID and ties
 * it to the session. One order per session. A signature chooses its device on the review
 * and sign pages (sign-method.ts) and starts through the same `createOrderStarter`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { platformOf } from './launch.js';
import type { BankIdFlow, BankIdRoutesDeps, OrderAccess } from './route-context.js';
import type { Flow } from './rfa.js';
import { BankIdError } from './rp-client.js';
import type { BankIdOrder } from './service.js';
import { ChoicePage } from './views/choice-page.js';

const DEVICE_COOKIE = 'kw_device';

export function startRoutes(app: FastifyInstance, deps: BankIdRoutesDeps, access: OrderAccess): void {
  const { config, plan } = deps;
  const startOrder = createOrderStarter(deps, access);
  const loginRateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  async function requireEnabled(): Promise<void> {
    if (!(await plan.isEnabled('bankid')))
      throw new AppError('method_not_enabled', 'BankID is not enabled by the plan');
  }

  app.get<{ Querystring: { m?: string } }>(
    '/login/bankid',
    { config: { rateLimit: loginRateLimit } },
    async (request, reply) => {
      await requireEnabled();
      const ctx = await pageContext(deps, request, reply, { forms: true });
      const message = request.query.m === 'cancelled' ? ctx.t['bankid.cancelled'] : undefined;
      return sendHtml(
        reply,
        <ChoicePage ctx={ctx} title={ctx.t['bankid.title']} kind="auth" message={message} />,
      );
    },
  );

  app.post<{ Body: { kind?: unknown; flow?: unknown; sign?: unknown } }>(
    '/bankid/start',
    { config: { rateLimit: loginRateLimit } },
    async (request, reply) => {
      const body = request.body;
      const kind = body.kind === 'sign' ? 'sign' : body.kind === 'auth' ? 'auth' : body.kind === 'test' ? 'test' : undefined;
      const flow = body.flow === 'qr' ? 'qr' : body.flow === 'autostart' ? 'autostart' : undefined;
      if (!kind || !flow) throw new AppError('bad_request', 'kind or flow missing');
      if (kind === 'sign' && typeof body.sign !== 'string') throw new AppError('bad_request', 'sign request missing');
      return startOrder(request, reply, { kind, flow, signRequestId: typeof body.sign === 'string' ? body.sign : null });
    },
  );
}

/**
 * Starts the session's BankID order for a login, a self-test (kind 'test', which no route
 * turns into a login or a signature) or for sign request `signRequestId` and
 * answers with the waiting page's address, or with the choice and BankID's reason when
 * BankID refused to start. Used by /bankid/start and by signing's start buttons
 * (bankIdSignMethod), so both start an order the same way.
 */
export function createOrderStarter(deps: BankIdRoutesDeps, access: Pick<OrderAccess, 'flowOf'>) {
  const { config, sessions, plan, signing, bankid } = deps;
  const { flowOf } = access;

  return async function startOrder(
    request: FastifyRequest,
    reply: FastifyReply,
    input: { kind: 'auth' | 'sign' | 'test'; flow: Flow; signRequestId: string | null },
  ): Promise<FastifyReply> {
    const { kind, flow } = input;
    // A self-test works before BankID's start date too: it is how a person checks in advance.
    if (kind !== 'test' && !(await plan.isEnabled('bankid'))) throw new AppError('method_not_enabled', 'BankID is not enabled by the plan');
    const session = request.session;
    if (!session) throw new AppError('csrf', 'no session');
    let text: string | undefined;
    let nonVisible: string | undefined;
    let personnummer: string | undefined;
    let signRequestId: string | null = null;
    if (kind === 'sign') {
      const { principal } = requirePrincipal(request);
      const signRequest = await signing.findFor(input.signRequestId ?? '', principal.personnummer);
      if (signRequest.state !== 'pending') return reply.redirect(`/sign/${signRequest.id}`, 303);
      text = signRequest.text;
      nonVisible = `kundwebben-sign:v1;request=${signRequest.id};sha256=${signRequest.digest}`;
      personnummer = principal.personnummer;
      signRequestId = signRequest.id;
    }
    // One order per session: a new start cancels the previous one at BankID.
    const previous = flowOf(request);
    if (previous) await bankid.cancel(previous.orderId);
    let deviceId = request.cookies[DEVICE_COOKIE];
    if (!deviceId || !/^[A-Za-z0-9_-]{22,64}$/.test(deviceId)) {
      deviceId = randomBytes(18).toString('base64url');
      reply.setCookie(DEVICE_COOKIE, deviceId, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.session.secureCookie,
        maxAge: 400 * 24 * 3600,
      });
    }
    let order: BankIdOrder;
    try {
      order = await bankid.start({
        kind,
        flow,
        endUserIp: request.ip,
        userAgent: request.headers['user-agent'],
        deviceId,
        mobile: platformOf(request.headers['user-agent']).mobile,
        ...(personnummer ? { personnummer } : {}),
        ...(text !== undefined ? { text } : {}),
        ...(nonVisible !== undefined ? { nonVisible } : {}),
        ...(signRequestId ? { signRequestId } : {}),
      });
    } catch (err) {
      if (!(err instanceof BankIdError)) throw err;
      request.log.warn(
        { code: err.code, detail: err.detail, status: err.httpStatus },
        'BankID refused to start an order',
      );
      // Told next to the choice, so the person can choose again: the error's own status and text.
      const ctx = await pageContext(deps, request, reply, { forms: true });
      const message = ctx.t[err.messageKey];
      return sendHtml(
        reply,
        <ChoicePage
          ctx={ctx}
          title={kind === 'auth' ? ctx.t['bankid.title'] : kind === 'test' ? ctx.t['bankid.testTitle'] : ctx.t['bankid.signTitle']}
          kind={kind}
          signRequestId={signRequestId ?? undefined}
          message={message}
        />,
        err.status,
      );
    }
    session.data.flows = {
      ...session.data.flows,
      bankid: { orderId: order.id, kind, flow, signRequestId } satisfies BankIdFlow,
    };
    await sessions.save(session);
    return reply.redirect('/bankid/wait', 303);
  };
}
