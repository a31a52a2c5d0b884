/**
 * BankID in the browser: the choice "this device / another device" (RFA20), starting an
 * order, the waiting page with the animated QR or the launch link and the status messages,
 * cancel and try again, and finishing a login or a signature. Everything is tied to the
 * session; the browser never sees an orderRef or the QR secret.
 */
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/service.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Config } from '../config/config.js';
import type { Clock } from '../platform/clock.js';
import type { SessionManager } from '../identity/sessions.js';
import type { RolloutPlan } from '../login/plan.js';
import { completeLogin, requirePrincipal } from '../login/routes.js';
import type { LoginService } from '../login/service.js';
import { AppError } from '../web/errors.js';
import type { Messages } from '../platform/i18n/index.js';
import { Layout, Notice, type PageContext } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import { signatureFailed } from '../signing/failure.js';
import { SigningError, type Signing } from '../signing/service.js';
import { launchUrl, platformOf } from './launch.js';
import type { Flow } from './rfa.js';
import { BankIdError } from './rp-client.js';
import type { BankIdOrder, BankIdService } from './service.js';

interface BankIdFlow {
  orderId: string;
  kind: 'auth' | 'sign';
  flow: Flow;
  signRequestId: string | null;
}

const DEVICE_COOKIE = 'kw_device';

export interface BankIdRoutesDeps extends ViewDeps {
  config: Config;
  sessions: SessionManager;
  login: LoginService;
  plan: RolloutPlan;
  signing: Signing;
  bankid: BankIdService;
  clock: Clock;
  audit: AuditLog;
}

function flowOf(request: FastifyRequest): BankIdFlow | undefined {
  return request.session?.data.flows?.['bankid'] as BankIdFlow | undefined;
}

function refusalText(t: Messages, order: Pick<BankIdOrder, 'refusal' | 'rfa'>): string {
  if (order.refusal === 'risk' || order.refusal === 'device' || order.refusal === 'verification') {
    return t[`bankid.refusal.${order.refusal}`];
  }
  return t[`bankid.${order.rfa}`];
}

export async function bankIdRoutes(app: FastifyInstance, deps: BankIdRoutesDeps): Promise<void> {
  const { config, sessions, plan, signing, bankid } = deps;
  const loginRateLimit = { max: config.rateLimit.loginPerMinute, timeWindow: '1 minute' };

  function choicePage(ctx: PageContext, input: { title: string; kind: 'auth' | 'sign'; signRequestId?: string; message?: string }) {
    const { t } = ctx;
    const form = (flow: Flow, label: string) => (
      <form method="post" action="/bankid/start" class="method-card">
        <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
        <input type="hidden" name="kind" value={input.kind} />
        <input type="hidden" name="flow" value={flow} />
        {input.signRequestId ? <input type="hidden" name="sign" value={input.signRequestId} /> : null}
        <button type="submit" class="button-primary">
          {label}
        </button>
      </form>
    );
    return (
      <Layout ctx={ctx} title={input.title}>
        <h1>{input.title}</h1>
        {input.message ? (
          <Notice kind="error">
            <p>{input.message}</p>
          </Notice>
        ) : null}
        <p class="lead">{t['bankid.RFA20']}</p>
        <p>{t['bankid.choose']}</p>
        {form('autostart', t['bankid.thisDevice'])}
        {form('qr', t['bankid.otherDevice'])}
        <p>
          <a href={input.kind === 'auth' ? '/login' : `/sign/${input.signRequestId ?? ''}`}>{t['bankid.cancel']}</a>
        </p>
      </Layout>
    );
  }

  async function requireEnabled(): Promise<void> {
    if (!(await plan.isEnabled('bankid'))) throw new AppError('method_not_enabled', 'BankID is not enabled by the plan');
  }

  app.get<{ Querystring: { m?: string } }>('/login/bankid', { config: { rateLimit: loginRateLimit } }, async (request, reply) => {
    await requireEnabled();
    const ctx = await pageContext(deps, request, reply, { forms: true });
    const message = request.query.m === 'cancelled' ? ctx.t['bankid.cancelled'] : undefined;
    return sendHtml(reply, choicePage(ctx, { title: ctx.t['bankid.title'], kind: 'auth', ...(message ? { message } : {}) }));
  });

  app.post<{ Params: { id: string } }>('/sign/:id/bankid', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    await requireEnabled();
    const signRequest = await signing.findFor(request.params.id, principal.personnummer);
    if (signRequest.state !== 'pending') return reply.redirect(`/sign/${request.params.id}`, 303);
    const ctx = await pageContext(deps, request, reply, { forms: true });
    return sendHtml(reply, choicePage(ctx, { title: ctx.t['bankid.signTitle'], kind: 'sign', signRequestId: request.params.id }));
  });

  app.post<{ Body: { kind?: unknown; flow?: unknown; sign?: unknown } }>(
    '/bankid/start',
    { config: { rateLimit: loginRateLimit } },
    async (request, reply) => {
      await requireEnabled();
      const body = request.body;
      const kind = body.kind === 'sign' ? 'sign' : body.kind === 'auth' ? 'auth' : undefined;
      const flow = body.flow === 'qr' ? 'qr' : body.flow === 'autostart' ? 'autostart' : undefined;
      if (!kind || !flow) throw new AppError('bad_request', 'kind or flow missing');
      const session = request.session;
      if (!session) throw new AppError('csrf', 'no session');
      let text: string | undefined;
      let nonVisible: string | undefined;
      let personnummer: string | undefined;
      let signRequestId: string | null = null;
      if (kind === 'sign') {
        const { principal } = requirePrincipal(request);
        if (typeof body.sign !== 'string') throw new AppError('bad_request', 'sign request missing');
        const signRequest = await signing.findFor(body.sign, principal.personnummer);
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
        reply.setCookie(DEVICE_COOKIE, deviceId, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.session.secureCookie, maxAge: 400 * 24 * 3600 });
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
        request.log.warn({ code: err.code, detail: err.detail, status: err.httpStatus }, 'BankID refused to start an order');
        // Told next to the choice, so the person can choose again: the error's own status and text.
        const ctx = await pageContext(deps, request, reply, { forms: true });
        const message = ctx.t[err.messageKey];
        return sendHtml(
          reply,
          choicePage(ctx, {
            title: kind === 'auth' ? ctx.t['bankid.title'] : ctx.t['bankid.signTitle'],
            kind,
            ...(signRequestId ? { signRequestId } : {}),
            message,
          }),
          err.status,
        );
      }
      session.data.flows = { ...session.data.flows, bankid: { orderId: order.id, kind, flow, signRequestId } satisfies BankIdFlow };
      await sessions.save(session);
      return reply.redirect('/bankid/wait', 303);
    },
  );

  async function currentOrder(request: FastifyRequest) {
    const flow = flowOf(request);
    const polled = flow ? await bankid.poll(flow.orderId) : undefined;
    return flow && polled ? { flow, ...polled } : undefined;
  }

  app.get('/bankid/wait', async (request, reply) => {
    const current = await currentOrder(request);
    // Without an order the page has no form: no anonymous session is made for a cookieless caller.
    const ctx = await pageContext(deps, request, reply, { forms: current !== undefined });
    const { t } = ctx;
    if (!current) {
      return sendHtml(
        reply,
        <Layout ctx={ctx} title={t['bankid.title']}>
          <h1>{t['bankid.title']}</h1>
          <Notice kind="error">
            <p>{t['bankid.expiredOrder']}</p>
          </Notice>
          <p>
            <a href="/login">{t['layout.nav.login']}</a>
          </p>
        </Layout>,
        404,
      );
    }
    const { flow, order, view } = current;
    if (view.state === 'complete') return reply.redirect('/bankid/complete', 303);
    const title = flow.kind === 'auth' ? t['bankid.title'] : t['bankid.signTitle'];
    const returnUrl = `${config.http.publicUrl}/bankid/wait`;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={title}>
        <h1>{title}</h1>
        <div id="bankid" data-state={view.state} data-flow={flow.flow}>
          {view.state === 'failed' ? (
            <>
              <Notice kind="error">
                <p id="bankid-status">{refusalText(t, order)}</p>
              </Notice>
              <form method="post" action="/bankid/start">
                <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
                <input type="hidden" name="kind" value={flow.kind} />
                <input type="hidden" name="flow" value={flow.flow} />
                {flow.signRequestId ? <input type="hidden" name="sign" value={flow.signRequestId} /> : null}
                <button type="submit" class="button-primary">
                  {t['bankid.retry']}
                </button>
              </form>
            </>
          ) : (
            <>
              <p class="bankid-status" role="status" aria-live="polite" id="bankid-status">
                {t[`bankid.${view.rfa}`]}
              </p>
              {flow.flow === 'qr' ? (
                <section aria-labelledby="qr-heading" id="bankid-qr-section" hidden={view.qr === null}>
                  <h2 id="qr-heading">{t['bankid.qrHeading']}</h2>
                  <ol class="steps">
                    <li>{t['bankid.qrStep1']}</li>
                    <li>{t['bankid.qrStep2']}</li>
                    <li>{t['bankid.qrStep3']}</li>
                  </ol>
                  <img id="bankid-qr" class="bankid-qr" src="/bankid/qr.svg" alt={t['bankid.qrAlt']} width={240} height={240} />
                </section>
              ) : (
                <p>
                  <a class="button-primary" id="bankid-launch" href={launchUrl({ autoStartToken: order.autoStartToken, userAgent: request.headers['user-agent'], returnUrl, override: config.bankid?.launchUrl })}>
                    {t['bankid.launch']}
                  </a>
                </p>
              )}
              {flow.flow === 'autostart' ? <p>{t['bankid.launchHint']}</p> : null}
              <p class="no-js-hint">
                {t['bankid.noJs']} <a href="/bankid/wait">{t['bankid.update']}</a>
              </p>
            </>
          )}
          <form method="post" action="/bankid/cancel">
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <button type="submit" class="button-secondary">
              {t['bankid.cancel']}
            </button>
          </form>
        </div>
        <script src="/static/bankid.js" defer></script>
      </Layout>,
    );
  });

  /** For the waiting page's script: state and message, never the orderRef or QR secret. */
  app.get('/bankid/status', { config: { touchSession: false } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const current = await currentOrder(request);
    if (!current) return reply.status(404).send({ state: 'none' });
    const { order, view } = current;
    return reply.send({
      state: view.state,
      message: view.state === 'failed' ? refusalText(request.t, order) : request.t[`bankid.${view.rfa}`],
      qr: view.qr !== null,
      // What the QR image shows this second (derived, time-limited; never the secret).
      qrData: view.qr,
      next: view.state === 'complete' ? '/bankid/complete' : null,
    });
  });

  app.get('/bankid/qr.svg', { config: { touchSession: false } }, async (request, reply) => {
    const flow = flowOf(request);
    const current = flow ? await bankid.peek(flow.orderId) : undefined;
    if (!current?.qr) return reply.status(404).header('cache-control', 'no-store').send();
    const svg = await QRCode.toString(current.qr, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
    return reply.header('content-type', 'image/svg+xml').header('cache-control', 'no-store').send(svg);
  });

  app.get('/bankid/complete', async (request, reply) => {
    const flow = flowOf(request);
    const order = flow ? await bankid.takeCompleted(flow.orderId) : undefined;
    const session = request.session;
    if (!flow || !order?.result) {
      // Not complete (yet): a pending or failed order stays with the session and the waiting
      // page shows it, so a link to this URL from anywhere changes nothing. Only an order that
      // no longer exists (expired, cancelled) lets the flow go.
      if (session && flow && !(await bankid.peek(flow.orderId))) {
        delete session.data.flows?.['bankid'];
        await sessions.save(session);
      }
      return reply.redirect('/bankid/wait', 303);
    }
    if (session) {
      delete session.data.flows?.['bankid'];
      await sessions.save(session);
    }
    const result = order.result;
    if (order.kind === 'auth') {
      return completeLogin(deps, request, reply, {
        personnummer: result.personnummer,
        method: 'bankid',
        evidence: {
          certificate: { issuer: result.certificate.issuer, serial: result.certificate.serial, notAfter: new Date(result.certificate.notAfter) },
          reference: `bankid:${order.orderRef}`,
          // BankID asks relying parties to keep the completion data (signature and OCSP).
          proof: { completionData: result.completion },
        },
      });
    }
    const { principal } = requirePrincipal(request);
    const signRequest = await signing.findFor(order.signRequestId ?? '', principal.personnummer);
    try {
      await signing.complete(signRequest, {
        method: 'bankid',
        signerPersonnummer: result.personnummer,
        signerName: result.name,
        signedAt: deps.clock.now(),
        evidence: {
          format: 'bankid-v6',
          orderRef: order.orderRef,
          completionData: result.completion,
          userVisibleData: order.visibleData ?? null,
          userNonVisibleData: order.nonVisibleData ?? null,
        },
      });
    } catch (err) {
      if (!(err instanceof SigningError)) throw err;
      const outcome = await signatureFailed(deps, { request: signRequest, method: 'bankid', ip: request.ip, failure: { kind: 'rejected', error: err } });
      return reply.redirect(outcome.page, 303);
    }
    return reply.redirect(`/sign/${signRequest.id}`, 303);
  });

  app.post('/bankid/cancel', async (request, reply: FastifyReply) => {
    const flow = flowOf(request);
    if (flow && request.session) {
      await bankid.cancel(flow.orderId);
      delete request.session.data.flows?.['bankid'];
      await sessions.save(request.session);
    }
    if (flow?.kind === 'sign' && flow.signRequestId) return reply.redirect(`/sign/${flow.signRequestId}`, 303);
    return reply.redirect('/login/bankid?m=cancelled', 303);
  });
}
