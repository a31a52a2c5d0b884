/**
 * The sign page (what is signed, its digest, and the ways the person can sign now), the
 * result page, and the evidence page that re-verifies a stored signature. The pages are in
 * views/; the ways to sign are given as SignMethods (sign-methods.ts).
 */
import type { FastifyInstance } from 'fastify';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import type { Signing } from './service.js';
import type { SignMethod } from './sign-methods.js';
import { EvidencePage } from './views/evidence.js';
import { SignDonePage, SignPage } from './views/sign-page.js';

export async function signingRoutes(
  app: FastifyInstance,
  deps: ViewDeps & { signing: Signing; signMethods: readonly SignMethod[] },
): Promise<void> {
  const { signing } = deps;

  app.get<{ Params: { id: string } }>('/sign/:id', async (request, reply) => {
    const { principal } = requirePrincipal(request);
    const signRequest = await signing.findFor(request.params.id, principal.personnummer);
    const ctx = await pageContext(deps, request, reply);
    if (signRequest.state === 'completed' && signRequest.evidenceId) {
      const evidence = await signing.evidence(signRequest.evidenceId);
      return sendHtml(
        reply,
        <SignDonePage
          ctx={ctx}
          signRequest={signRequest}
          evidenceId={signRequest.evidenceId}
          evidence={evidence}
        />,
      );
    }
    const methods: SignMethod[] = [];
    for (const m of deps.signMethods) if (await m.isAvailable()) methods.push(m);
    return sendHtml(reply, <SignPage ctx={ctx} signRequest={signRequest} methods={methods} />);
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
      });
    }
    const ctx = await pageContext(deps, request, reply);
    return sendHtml(reply, <EvidencePage ctx={ctx} evidence={evidence} result={result} />);
  });
}
