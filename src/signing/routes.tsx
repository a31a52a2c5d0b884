/**
 * The sign page (what is signed, its digest, and the ways the person can sign now), the
 * start of a method chosen there, and the evidence page that re-verifies a stored
 * signature. A completed request leads straight to where its purpose continues (a case's
 * confirmation). The pages are in views/; the ways to sign are given as SignMethods
 * (sign-methods.ts).
 */
import type { FastifyInstance } from 'fastify';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import type { Signing } from './service.js';
import { availableMethods, beginChosen, type SignMethod } from './sign-methods.js';
import { EvidencePage } from './views/evidence.js';
import { SignPage } from './views/sign-page.js';

export async function signingRoutes(
  app: FastifyInstance,
  deps: ViewDeps & { signing: Signing; signMethods: readonly SignMethod[] },
): Promise<void> {
  const { signing } = deps;

  app.get<{ Params: { id: string } }>('/sign/:id', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const signRequest = await signing.findFor(request.params.id, principal.personnummer);
    // Signed: the purpose's own page says what happened and what comes next.
    if (signRequest.state === 'completed') return reply.redirect(signRequest.returnPath, 303);
    const ctx = await pageContext(deps, request, reply);
    const methods = await availableMethods(deps.signMethods);
    return sendHtml(reply, <SignPage ctx={ctx} signRequest={signRequest} methods={methods} />);
  });

  app.post<{ Params: { id: string }; Body: { choice?: unknown } }>('/sign/:id/start', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const signRequest = await signing.findFor(request.params.id, principal.personnummer);
    if (signRequest.state !== 'pending') return reply.redirect(`/sign/${signRequest.id}`, 303);
    const started = await beginChosen(deps.signMethods, request.body.choice, request, reply, signRequest.id);
    return started ? started.answered : reply.redirect(`/sign/${signRequest.id}`, 303);
  });

  app.get<{ Params: { id: string } }>(
    '/sign/:id/status',
    { config: { touchSession: false } },
    async (request, reply) => {
      const { principal } = requirePrincipal(request);
      const signRequest = await signing.findFor(request.params.id, principal.personnummer);
      return reply
        .header('cache-control', 'no-store')
        .send({ state: signRequest.state, error: signRequest.lastError ?? null });
    },
  );

  app.get<{ Params: { id: string } }>('/signatures/:id', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const evidence = await signing.evidence(request.params.id);
    if (!evidence) throw new AppError('not_found', 'no such evidence');
    if (evidence.signer_personnummer !== principal.personnummer && principal.staff.length === 0) {
      throw new AppError('forbidden', 'evidence of another person');
    }
    const result = await signing.reverify(evidence);
    if (request.headers.accept?.includes('application/json')) {
      return reply.header('cache-control', 'no-store').send({
        id: evidence.id,
        method: evidence.method,
        signedAt: evidence.signed_at,
        digest: evidence.digest,
        valid: result.ok,
        checks: result.checks,
        ...(result.code ? { code: result.code } : {}),
        ...(result.timestamp ? { timestamp: result.timestamp } : {}),
      });
    }
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(reply, <EvidencePage ctx={ctx} evidence={evidence} result={result} />);
  });
}
