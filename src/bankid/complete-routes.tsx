/**
 * Finishing the session's BankID order (/bankid/complete): the order is taken once, and a
 * completed login goes through completeLogin, a completed signature through
 * signing.complete (a rejection through signatureFailed). Anything else waits.
 */
import type { FastifyInstance } from 'fastify';
import { completeLogin } from '../login/routes.js';
import { requirePrincipal } from '../web/guard.js';
import { signatureFailed } from '../signing/failure.js';
import { SigningError } from '../signing/service.js';
import { TEST_RESULT_PATH, type BankIdRoutesDeps, type OrderAccess } from './route-context.js';

export function completeRoutes(app: FastifyInstance, deps: BankIdRoutesDeps, access: OrderAccess): void {
  const { sessions, signing, bankid } = deps;
  const { flowOf } = access;

  app.get('/bankid/complete', async (request, reply) => {
    const flow = flowOf(request);
    // A self-test is finished by its own page, which takes the order; it never logs in or signs.
    if (flow?.kind === 'test') return reply.redirect(TEST_RESULT_PATH, 303);
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
          certificate: {
            issuer: result.certificate.issuer,
            serial: result.certificate.serial,
            notAfter: new Date(result.certificate.notAfter),
          },
          reference: `bankid:${order.orderRef}`,
          // BankID asks relying parties to keep the completion data (signature and OCSP).
          proof: { completionData: result.completion },
        },
      });
    }
    if (order.kind !== 'sign') return reply.redirect('/bankid/wait', 303);
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
      const outcome = await signatureFailed(deps, {
        request: signRequest,
        method: 'bankid',
        ip: request.ip,
        failure: { kind: 'rejected', error: err },
      });
      return reply.redirect(outcome.page, 303);
    }
    // Signed: straight on to what the signature was for (a case's confirmation).
    return reply.redirect(signRequest.returnPath, 303);
  });
}
