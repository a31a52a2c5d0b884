/**
 * Choosing and starting a BankID order: the choice "this device / another device" (RFA20)
 * for a login (/login/bankid), and /bankid/start, which starts the order at BankID and ties
 * it to the session. One order per session. A signature chooses its device on the review
 * and sign pages (sign-method.ts) and starts through the same `createOrderStarter`. From
 * the waiting page, /bankid/switch changes to the other flow for the same purpose, and
 * /bankid/renew (the page's script) replaces a QR order whose start window ran out.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml } from '../web/render.js';
import { platformOf } from './launch.js';
import { renewable, type BankIdFlow, type BankIdRoutesDeps, type OrderAccess } from './route-context.js';
import type { Flow } from './rfa.js';
import { BankIdError } from './rp-client.js';
import type { BankIdOrder } from './service.js';
import { ChoicePage } from './views/choice-page.js';

const DEVICE_COOKIE = 'kw_device';
/** After a switch the waiting page puts the focus on what to do next in the new flow. */
const WAIT_AFTER_SWITCH = '/bankid/wait?switched=1';

export function startRoutes(app: FastifyInstance, deps: BankIdRoutesDeps, access: OrderAccess): void {
  const { config, plan, bankid } = deps;
  const { flowOf } = access;
  const startOrder = createOrderStarter(deps, access);
  const beginOrder = createOrderBeginner(deps, access);
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

  /**
   * From the waiting page, the other flow without cancelling first (no JavaScript needed):
   * the session's order is cancelled at BankID and a new one started for the same login or
   * the same sign request, which the session, not the form, names.
   */
  app.post<{ Body: { flow?: unknown } }>(
    '/bankid/switch',
    { config: { rateLimit: loginRateLimit } },
    async (request, reply) => {
      const flow = request.body.flow === 'qr' ? 'qr' : request.body.flow === 'autostart' ? 'autostart' : undefined;
      if (!flow) throw new AppError('bad_request', 'flow missing');
      const current = flowOf(request);
      if (!current) return reply.redirect('/bankid/wait', 303);
      const order = await bankid.find(current.orderId);
      // Done already (approved as the person pressed): finish it rather than throw it away.
      if (order?.state === 'complete') return reply.redirect('/bankid/complete', 303);
      // Pressed twice, or from an old tab: that flow is running already.
      if (order?.state === 'pending' && current.flow === flow) return reply.redirect(WAIT_AFTER_SWITCH, 303);
      return startOrder(request, reply, {
        kind: current.kind,
        flow,
        signRequestId: current.signRequestId,
        next: WAIT_AFTER_SWITCH,
      });
    },
  );

  /**
   * For the waiting page's script: a QR order that ran out unscanned (startFailed) is
   * replaced by a new one for the same purpose, at most QR_RENEWALS times in a row.
   * Anything else is 409 (the script then reloads the page, which shows why and "Try again").
   */
  app.post('/bankid/renew', { config: { rateLimit: loginRateLimit } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const current = flowOf(request);
    const order = current ? await bankid.find(current.orderId) : undefined;
    if (!current || !order) return reply.status(404).send({ state: 'none' });
    if (!renewable(current, order)) return reply.status(409).send({ state: order.state });
    const result = await beginOrder(request, reply, {
      kind: current.kind,
      flow: 'qr',
      signRequestId: current.signRequestId,
      renewals: (current.renewals ?? 0) + 1,
    });
    if ('notPending' in result) return reply.status(409).send({ state: 'none', next: `/sign/${result.notPending}` });
    if ('refused' in result) return reply.status(result.refused.status).send({ state: 'failed' });
    return reply.send({ state: 'pending', message: request.t['bankid.qrRenewed'] });
  });
}

/**
 * Starts the session's BankID order for a login, a self-test (kind 'test', which no route
 * turns into a login or a signature) or for sign request `signRequestId` and answers with
 * the waiting page's address (or `next`), or with the choice and BankID's reason when
 * BankID refused to start. Used by /bankid/start, /bankid/switch and by signing's start
 * buttons (bankIdSignMethod), so all start an order the same way.
 */
export function createOrderStarter(deps: BankIdRoutesDeps, access: Pick<OrderAccess, 'flowOf'>) {
  const beginOrder = createOrderBeginner(deps, access);

  return async function startOrder(
    request: FastifyRequest,
    reply: FastifyReply,
    input: { kind: 'auth' | 'sign' | 'test'; flow: Flow; signRequestId: string | null; next?: string },
  ): Promise<FastifyReply> {
    const { kind } = input;
    const result = await beginOrder(request, reply, input);
    if ('notPending' in result) return reply.redirect(`/sign/${result.notPending}`, 303);
    if ('refused' in result) {
      const err = result.refused;
      // Told next to the choice, so the person can choose again: the error's own status and text.
      const ctx = await pageContext(deps, request, reply, { forms: true });
      const message = ctx.t[err.messageKey];
      return sendHtml(
        reply,
        <ChoicePage
          ctx={ctx}
          title={kind === 'auth' ? ctx.t['bankid.title'] : kind === 'test' ? ctx.t['bankid.testTitle'] : ctx.t['bankid.signTitle']}
          kind={kind}
          signRequestId={result.signRequestId ?? undefined}
          message={message}
        />,
        err.status,
      );
    }
    return reply.redirect(input.next ?? '/bankid/wait', 303);
  };
}

/**
 * What starting an order comes to, for the caller to answer: the new flow of the session,
 * BankID's refusal, or the sign request's id when it is no longer pending (nothing started).
 */
type Begun = { started: BankIdFlow } | { refused: BankIdError; signRequestId: string | null } | { notPending: string };

/** The start of an order itself, shared by createOrderStarter and /bankid/renew (which answers JSON). */
function createOrderBeginner(deps: BankIdRoutesDeps, access: Pick<OrderAccess, 'flowOf'>) {
  const { config, sessions, plan, signing, bankid } = deps;
  const { flowOf } = access;

  return async function beginOrder(
    request: FastifyRequest,
    reply: FastifyReply,
    input: { kind: 'auth' | 'sign' | 'test'; flow: Flow; signRequestId: string | null; renewals?: number },
  ): Promise<Begun> {
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
      if (signRequest.state !== 'pending') return { notPending: signRequest.id };
      text = signRequest.text;
      nonVisible = `kundwebben-sign:v1;request=${signRequest.id};sha256=${signRequest.digest}`;
      personnummer = principal.personnummer;
      signRequestId = signRequest.id;
    }
    // One order per session: a new start cancels a pending previous one at BankID first (an
    // order bound to a personnummer would refuse the new one); a finished one (failed, say)
    // is forgotten only once the new one runs, so a refused start leaves it shown.
    const previous = flowOf(request);
    const previousOrder = previous ? await bankid.find(previous.orderId) : undefined;
    if (previous && (!previousOrder || previousOrder.state === 'pending')) await bankid.cancel(previous.orderId);
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
      return { refused: err, signRequestId };
    }
    if (previous && previousOrder && previousOrder.state !== 'pending') await bankid.cancel(previous.orderId);
    const started: BankIdFlow = {
      orderId: order.id,
      kind,
      flow,
      signRequestId,
      ...(input.renewals ? { renewals: input.renewals } : {}),
    };
    session.data.flows = { ...session.data.flows, bankid: started };
    await sessions.save(session);
    return { started };
  };
}
