/**
 * Following the session's BankID order: the waiting page (/bankid/wait), its script's
 * status (/bankid/status) and the QR of this second (/bankid/qr.svg), and cancelling it
 * (/bankid/cancel), which leads back to where the person chose BankID. Switching flow and
 * renewing a QR order start a new order, so they are in start-routes.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { pageContext, sendHtml } from '../web/render.js';
import { renewable, TEST_PAGE_PATH, type BankIdRoutesDeps, type OrderAccess } from './route-context.js';
import { NoOrderPage, statusText, WaitPage } from './views/wait-page.js';

export function waitRoutes(app: FastifyInstance, deps: BankIdRoutesDeps, access: OrderAccess): void {
  const { config, sessions, bankid } = deps;
  const { flowOf, currentOrder } = access;

  app.get<{ Querystring: { switched?: string } }>('/bankid/wait', async (request, reply) => {
    const current = await currentOrder(request);
    // Without an order the page has no form: no anonymous session is made for a cookieless caller.
    const ctx = await pageContext(deps, request, reply, { forms: current !== undefined });
    if (!current) return sendHtml(reply, <NoOrderPage ctx={ctx} />, 404);
    const { flow, order, view } = current;
    if (view.state === 'complete') return reply.redirect('/bankid/complete', 303);
    const returnUrl = `${config.http.publicUrl}/bankid/wait`;
    const launch = {
      userAgent: request.headers['user-agent'],
      returnUrl,
      override: config.bankid?.launchUrl,
    };
    return sendHtml(
      reply,
      <WaitPage
        ctx={ctx}
        flow={flow}
        order={order}
        view={view}
        launch={launch}
        switched={request.query.switched === '1'}
      />,
    );
  });

  /**
   * For the waiting page's script: state and message, never the orderRef or QR secret.
   * `launched=1`: the person has used the launch link on this page. `renew`: the QR order ran
   * out unscanned and the script may replace it (POST /bankid/renew).
   */
  app.get<{ Querystring: { launched?: string } }>(
    '/bankid/status',
    { config: { touchSession: false } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const current = await currentOrder(request);
      if (!current) return reply.status(404).send({ state: 'none' });
      const { flow, order, view } = current;
      return reply.send({
        state: view.state,
        message: statusText(request.t, flow, order, view, {
          launched: request.query.launched === '1',
          script: true,
        }),
        qr: view.qr !== null,
        // What the QR image shows this second (derived, time-limited; never the secret).
        qrData: view.qr,
        renew: view.state === 'failed' && renewable(flow, order),
        next: view.state === 'complete' ? '/bankid/complete' : null,
      });
    },
  );

  app.get('/bankid/qr.svg', { config: { touchSession: false } }, async (request, reply) => {
    const flow = flowOf(request);
    const current = flow ? await bankid.peek(flow.orderId) : undefined;
    if (!current?.qr) return reply.status(404).header('cache-control', 'no-store').send();
    // One byte-mode segment and level L, as the page's script draws it (static/qr.js): the
    // same symbol with and without the script.
    const svg = await QRCode.toString([{ data: Buffer.from(current.qr, 'utf8'), mode: 'byte' }], { type: 'svg', errorCorrectionLevel: 'L', margin: 4 });
    return reply.header('content-type', 'image/svg+xml').header('cache-control', 'no-store').send(svg);
  });

  app.post('/bankid/cancel', async (request, reply: FastifyReply) => {
    const flow = flowOf(request);
    if (flow && request.session) {
      await bankid.cancel(flow.orderId);
      delete request.session.data.flows?.['bankid'];
      await sessions.save(request.session);
    }
    if (flow?.kind === 'test') return reply.redirect(`${TEST_PAGE_PATH}?m=cancelled`, 303);
    if (flow?.kind === 'sign' && flow.signRequestId)
      return reply.redirect(`/sign/${flow.signRequestId}`, 303);
    return reply.redirect('/login/bankid?m=cancelled', 303);
  });
}
