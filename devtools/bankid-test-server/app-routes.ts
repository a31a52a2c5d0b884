/**
 * The test app over plain HTTP on its own loopback port (a browser has no RP certificate, so
 * it cannot use the mTLS listener):
 *
 * HTML (forms, no script): GET / · POST /scan · POST /open · GET /autostart?autostarttoken=…&redirect=…
 * (also GET /?autostarttoken=…&redirect=…, the shape of https://app.bankid.com/?autostarttoken=…) ·
 * GET and POST /order/:orderRef
 *
 * JSON for tests (errors: `{ error, message }` with 4xx):
 *   POST /api/scan      { qr | autoStartToken, personnummer? }        → { orderRef, status, hintCode }
 *   POST /api/open      { orderRef, personnummer }                    (push: phone / personal-number orders)
 *   POST /api/start     { orderRef, hintCode? }                       (default userSign)
 *   POST /api/complete  { orderRef, personnummer, authMethod?, deviceIp?, risk?, mrtd?, forgery? }
 *   POST /api/cancel    { orderRef }                                  (userCancel)
 *   POST /api/fail      { orderRef, hintCode }
 *   GET  /api/orders/:orderRef · GET /api/orders?personnummer=…
 *   GET  /api/faults · POST /api/faults { endpoints?, nextOrder?, nextCompletion? } · POST /api/faults/reset
 *   POST /api/revoke    { personnummer }                              (the person's BankID is blocked)
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { COMPLETION_FORGERIES, type CompletionForgery } from './completion.js';
import { TestAppError, isFailedHint, isPendingHint, outcomeOf, type BankIdTestApp, type CompleteInput } from './app-service.js';
import { homePage, orderPage, resultPage } from './app-views.js';
import { applyFaultPatch, resetFaults, type BankIdFaults } from './faults.js';
import { decodeUserVisibleData } from './markdown.js';
import type { Order, OrderBook, Risk } from './orders.js';
import type { BankIdTestPki } from './pki.js';
import { animatedQrString } from './qr.js';

export interface AppRoutesDeps {
  testApp: BankIdTestApp;
  book: OrderBook;
  faults: BankIdFaults;
  pki: BankIdTestPki;
  /** The server clock, epoch ms (QR time). */
  now: () => number;
}

type Body = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Only http(s) URLs are followed back (no javascript:, and "null" means none, as in BankID's launch URL). */
function safeReturnUrl(url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** v6 returnUrl from the order wins over the launch URL's redirect (shared/reference/bankid.md §5). */
const returnToOf = (order: Order) => safeReturnUrl(order.request.returnUrl ?? order.redirect);

export function orderSummary(order: Order) {
  return {
    ...outcomeOf(order),
    kind: order.kind,
    rp: order.rp.identity,
    personalNumber: order.person,
    pickedUpVia: order.pickedUpVia,
    requirement: order.request.requirement,
    userVisibleData: decodeUserVisibleData(order.request.userVisibleData),
    userVisibleDataFormat: order.request.userVisibleDataFormat ?? 'plaintext',
    returnUrl: order.request.returnUrl ?? null,
    redirect: order.redirect,
  };
}

function sendAppError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof TestAppError) return reply.code(err.status).send({ error: err.code, message: err.message });
  throw err;
}

export async function registerAppRoutes(app: FastifyInstance, deps: AppRoutesDeps): Promise<void> {
  const { testApp, book, faults, pki } = deps;
  await app.register(formbody);
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(body);

  const pushed = () =>
    testApp.people.flatMap((person) => book.pendingFor(person.personnummer).map((order) => ({ order, person })));

  const home = (reply: FastifyReply, status = 200, extra: { error?: string; code?: string; selected?: string } = {}) =>
    html(reply, status, homePage({ people: testApp.people, pushed: pushed(), onScreen: book.awaitingScan(), ...extra }));

  /** Where an order ended up, as a page. */
  const finished = (reply: FastifyReply, order: Order | undefined) => {
    if (!order) return html(reply, 404, resultPage({ title: 'Beställningen finns inte', message: 'Beställningen har gått ut eller avslutats.', returnTo: null, failed: true }));
    const returnTo = returnToOf(order);
    if (order.status === 'complete')
      return html(reply, 200, resultPage({ title: 'Klart', message: 'Du kan gå tillbaka till tjänsten.', returnTo }));
    return html(reply, 200, resultPage({ title: 'Avbrutet', message: `Beställningen avbröts (${order.failedHint ?? 'failed'}).`, returnTo, failed: true }));
  };

  /** The launch URL: `/autostart?autostarttoken=…&redirect=…`, or `/?autostarttoken=…` like https://app.bankid.com/. */
  const launch = async (reply: FastifyReply, token: string, redirect: string | undefined) => {
    try {
      const outcome = testApp.scan({
        autoStartToken: token,
        ...(redirect !== undefined && redirect !== 'null' ? { redirect } : {}),
      });
      return await reply.redirect(`/order/${outcome.orderRef}`, 303);
    } catch (err) {
      if (err instanceof TestAppError) return home(reply, err.status, { error: err.userMessage });
      throw err;
    }
  };

  app.get<{ Querystring: { autostarttoken?: string; redirect?: string } }>('/', async (request, reply) =>
    request.query.autostarttoken === undefined
      ? home(reply)
      : launch(reply, request.query.autostarttoken, request.query.redirect),
  );

  /** "Points the camera" at an order's QR code: reads the animated code showing this second. */
  app.post<{ Body: Body | undefined }>('/camera', async (request, reply) => {
    const order = book.get(str(request.body?.orderRef) ?? '');
    const personnummer = str(request.body?.personnummer);
    if (!order?.tokens) return home(reply, 404, { error: 'QR-koden visas inte längre.' });
    const qrTime = Math.max(0, Math.floor((deps.now() - order.createdAt) / 1000));
    try {
      const outcome = testApp.scan({
        qr: animatedQrString(order.tokens.qrStartToken, order.tokens.qrStartSecret, qrTime),
        ...(personnummer ? { personnummer } : {}),
      });
      return await reply.redirect(`/order/${outcome.orderRef}${personnummer ? `?person=${personnummer}` : ''}`, 303);
    } catch (err) {
      if (err instanceof TestAppError) return home(reply, err.status, { error: err.userMessage });
      throw err;
    }
  });

  app.post<{ Body: Body | undefined }>('/scan', async (request, reply) => {
    const code = str(request.body?.code)?.trim() ?? '';
    const personnummer = str(request.body?.personnummer);
    try {
      const outcome = testApp.scan(code.startsWith('bankid.') ? { qr: code, ...(personnummer ? { personnummer } : {}) } : { autoStartToken: code, ...(personnummer ? { personnummer } : {}) });
      return await reply.redirect(`/order/${outcome.orderRef}${personnummer ? `?person=${personnummer}` : ''}`, 303);
    } catch (err) {
      if (err instanceof TestAppError)
        return home(reply, err.status, { error: err.userMessage, code, ...(personnummer ? { selected: personnummer } : {}) });
      throw err;
    }
  });

  app.post<{ Body: Body | undefined }>('/open', async (request, reply) => {
    const orderRef = str(request.body?.orderRef) ?? '';
    const personnummer = str(request.body?.personnummer) ?? '';
    try {
      testApp.open(orderRef, personnummer);
      return await reply.redirect(`/order/${orderRef}?person=${personnummer}`, 303);
    } catch (err) {
      if (err instanceof TestAppError) return home(reply, err.status, { error: err.userMessage });
      throw err;
    }
  });

  app.get<{ Querystring: { autostarttoken?: string; redirect?: string } }>('/autostart', async (request, reply) =>
    launch(reply, request.query.autostarttoken ?? '', request.query.redirect),
  );

  app.get<{ Params: { orderRef: string }; Querystring: { person?: string } }>('/order/:orderRef', async (request, reply) => {
    const order = book.get(request.params.orderRef);
    if (order?.status !== 'pending') return finished(reply, order);
    return html(reply, 200, orderPage({ order, people: testApp.people, selected: request.query.person ?? null }));
  });

  app.post<{ Params: { orderRef: string }; Body: Body | undefined }>('/order/:orderRef', async (request, reply) => {
    const { orderRef } = request.params;
    const body = request.body ?? {};
    const personnummer = str(body.personnummer) ?? '';
    try {
      if (body.action === 'cancel') testApp.cancel(orderRef);
      else
        await testApp.complete({
          orderRef,
          personnummer,
          authMethod: body.authMethod === 'biometric' ? 'biometric' : 'pin',
          deviceIp: request.ip,
          mrtd: body.mrtd === 'passed',
        });
      return await finished(reply, book.get(orderRef));
    } catch (err) {
      if (!(err instanceof TestAppError)) throw err;
      const order = book.get(orderRef);
      if (order?.status !== 'pending') return finished(reply, order);
      return html(reply, err.status, orderPage({ order, people: testApp.people, selected: personnummer, error: err.userMessage }));
    }
  });

  // ---- JSON API -------------------------------------------------------------------------

  app.post<{ Body: Body | undefined }>('/api/scan', async (request, reply) => {
    const body = request.body ?? {};
    const qr = str(body.qr);
    const autoStartToken = str(body.autoStartToken);
    const personnummer = str(body.personnummer);
    if ((qr === undefined) === (autoStartToken === undefined))
      return reply.code(400).send({ error: 'malformed', message: 'give exactly one of qr and autoStartToken' });
    try {
      return testApp.scan({
        ...(qr === undefined ? {} : { qr }),
        ...(autoStartToken === undefined ? {} : { autoStartToken }),
        ...(personnummer === undefined ? {} : { personnummer }),
      });
    } catch (err) {
      return sendAppError(reply, err);
    }
  });

  app.post<{ Body: Body | undefined }>('/api/open', async (request, reply) => {
    try {
      return testApp.open(str(request.body?.orderRef) ?? '', str(request.body?.personnummer) ?? '');
    } catch (err) {
      return sendAppError(reply, err);
    }
  });

  app.post<{ Body: Body | undefined }>('/api/start', async (request, reply) => {
    const hintCode = request.body?.hintCode;
    if (hintCode !== undefined && !isPendingHint(hintCode))
      return reply.code(400).send({ error: 'malformed', message: 'hintCode must be a pending hintCode' });
    try {
      return testApp.start(str(request.body?.orderRef) ?? '', hintCode);
    } catch (err) {
      return sendAppError(reply, err);
    }
  });

  app.post<{ Body: Body | undefined }>('/api/complete', async (request, reply) => {
    const body = request.body ?? {};
    const orderRef = str(body.orderRef);
    const personnummer = str(body.personnummer);
    if (orderRef === undefined || personnummer === undefined)
      return reply.code(400).send({ error: 'malformed', message: 'orderRef and personnummer are required' });
    const input: CompleteInput = { orderRef, personnummer, deviceIp: str(body.deviceIp) ?? request.ip };
    if (body.authMethod !== undefined) {
      if (body.authMethod !== 'pin' && body.authMethod !== 'biometric')
        return reply.code(400).send({ error: 'malformed', message: 'authMethod must be pin or biometric' });
      input.authMethod = body.authMethod;
    }
    if (body.risk !== undefined) {
      if (!['low', 'moderate', 'high'].includes(body.risk as string))
        return reply.code(400).send({ error: 'malformed', message: 'risk must be low, moderate or high' });
      input.risk = body.risk as Risk;
    }
    if (body.mrtd !== undefined) {
      if (typeof body.mrtd !== 'boolean') return reply.code(400).send({ error: 'malformed', message: 'mrtd must be a boolean' });
      input.mrtd = body.mrtd;
    }
    if (body.forgery !== undefined) {
      if (!COMPLETION_FORGERIES.includes(body.forgery as CompletionForgery))
        return reply.code(400).send({ error: 'malformed', message: `forgery must be one of ${COMPLETION_FORGERIES.join(', ')}` });
      input.forgery = body.forgery as CompletionForgery;
    }
    try {
      return await testApp.complete(input);
    } catch (err) {
      return sendAppError(reply, err);
    }
  });

  app.post<{ Body: Body | undefined }>('/api/cancel', async (request, reply) => {
    try {
      return testApp.cancel(str(request.body?.orderRef) ?? '');
    } catch (err) {
      return sendAppError(reply, err);
    }
  });

  app.post<{ Body: Body | undefined }>('/api/fail', async (request, reply) => {
    const hintCode = request.body?.hintCode;
    if (!isFailedHint(hintCode))
      return reply.code(400).send({ error: 'malformed', message: 'hintCode must be a failed hintCode' });
    try {
      return testApp.fail(str(request.body?.orderRef) ?? '', hintCode);
    } catch (err) {
      return sendAppError(reply, err);
    }
  });

  app.get<{ Params: { orderRef: string } }>('/api/orders/:orderRef', async (request, reply) => {
    const order = book.get(request.params.orderRef);
    return order ? orderSummary(order) : reply.code(404).send({ error: 'unknown_order', message: 'no such order' });
  });

  app.get<{ Querystring: { personnummer?: string } }>('/api/orders', async (request) => {
    const personnummer = request.query.personnummer ?? '';
    return book.pendingFor(personnummer).map(orderSummary);
  });

  app.get('/api/faults', async () => faults);

  app.post<{ Body: unknown }>('/api/faults', async (request, reply) => {
    const problem = applyFaultPatch(faults, request.body);
    return problem === null ? faults : reply.code(400).send({ error: 'malformed', message: problem });
  });

  app.post('/api/faults/reset', async () => {
    resetFaults(faults);
    return faults;
  });

  app.post<{ Body: Body | undefined }>('/api/revoke', async (request, reply) => {
    const personnummer = str(request.body?.personnummer) ?? '';
    if (!pki.user(personnummer)) return reply.code(404).send({ error: 'unknown_person', message: 'no BankID for that person' });
    pki.revokeUser(personnummer);
    return { personnummer, revoked: true };
  });

  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    return reply.code(status).send({ error: status === 500 ? 'internal' : 'malformed', message: error.message });
  });
}
