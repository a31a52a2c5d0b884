/**
 * Signing with the card. The portal hands the user's card-signing client (Net iD) a job
 * through a single-use bridge address: the client reads what to sign and posts back a CMS
 * SignedData made with the card's signing key, or says why it could not (no signing
 * certificate, cancelled). The bridge is authenticated by its unguessable token, not by
 * cookies, because the client is another program than the browser.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { RolloutPlan } from '../login/plan.js';
import { requirePrincipal } from '../web/guard.js';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../web/errors.js';
import { Layout } from '../web/layout.js';
import { pageContext, sendHtml, type ViewDeps } from '../web/render.js';
import type { TtlStore } from '../platform/store/port.js';
import { signatureFailed, type DeclinedCode } from '../signing/failure.js';
import { SignedText } from '../signing/views/sign-page.js';
import { SigningError, type Signing } from '../signing/service.js';
import type { SignMethod } from '../signing/sign-methods.js';
import { verifyCardSignature } from './cms.js';
import type { CardLogin } from './service.js';
import { bridgeKey, netIdLaunchUrl, type BridgeJob, type CardSignTest } from './sign-test.js';
import { NetIdSteps } from './views/net-id-steps.js';


/** What Net iD may answer instead of a signature. */
const CLIENT_ERRORS: readonly DeclinedCode[] = ['no_signing_certificate', 'cancelled'];

export async function cardSignRoutes(
  app: FastifyInstance,
  deps: ViewDeps & {
    config: Config;
    clock: Clock;
    store: TtlStore;
    audit: AuditLog;
    plan: RolloutPlan;
    signing: Signing;
    cardLogin: CardLogin;
    ocsp: Parameters<typeof verifyCardSignature>[0]['ocsp'];
    /** The self-test's jobs, which the same bridge serves (sign-test.ts). */
    signTest?: CardSignTest | undefined;
  },
): Promise<void> {
  const { config, clock, store, audit, plan, signing, cardLogin, signTest } = deps;

  app.post<{ Params: { id: string } }>('/sign/:id/card', (request, reply) =>
    beginCardSigning(deps, request, reply, request.params.id),
  );

  app.get<{ Params: { token: string } }>('/sign/bridge/:token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const job = /^[A-Za-z0-9_-]{43}$/.test(request.params.token) ? await store.find<BridgeJob>(bridgeKey(request.params.token)) : undefined;
    if (job?.testId !== undefined) {
      // A self-test: the same job shape as a signature, and back to the test's result.
      const test = signTest ? await signTest.find(job.testId) : undefined;
      if (!signTest || !test || test.outcome) return reply.status(404).send({ error: 'not_found' });
      return reply.send({
        version: 1,
        text: test.text,
        digestAlgorithm: 'SHA-256',
        digest: test.digest,
        document: Buffer.from(test.document, 'utf8').toString('base64'),
        format: 'cms-signed-data',
        returnUrl: `${config.http.publicUrl}${signTest.resultPath}?test=${job.testId}`,
      });
    }
    const signRequest = job?.requestId !== undefined ? await signing.find(job.requestId) : undefined;
    if (!signRequest || signRequest.state !== 'pending') return reply.status(404).send({ error: 'not_found' });
    return reply.send({
      version: 1,
      text: signRequest.text,
      digestAlgorithm: 'SHA-256',
      digest: signRequest.digest,
      document: Buffer.from(signRequest.document, 'utf8').toString('base64'),
      format: 'cms-signed-data',
      returnUrl: `${config.http.publicUrl}/sign/${signRequest.id}`,
    });
  });

  app.post<{ Params: { token: string }; Body: { cms?: unknown; error?: unknown } }>(
    '/sign/bridge/:token',
    { config: { csrf: false }, bodyLimit: 512 * 1024 },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const tokenShaped = /^[A-Za-z0-9_-]{43}$/.test(request.params.token);
      const body = request.body as { cms?: unknown; error?: unknown } | null | undefined;
      const clientError = CLIENT_ERRORS.find((e) => e === body?.error);
      if (!clientError && (typeof body?.cms !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(body.cms))) {
        // A malformed answer does not spend the bridge: Net iD may still send the real one.
        const exists = tokenShaped && (await store.find<BridgeJob>(bridgeKey(request.params.token))) !== undefined;
        return exists ? reply.status(400).send({ error: 'bad_request' }) : reply.status(404).send({ error: 'not_found' });
      }
      const job = tokenShaped ? await store.consume<BridgeJob>(bridgeKey(request.params.token)) : undefined;
      if (job?.testId !== undefined) {
        // A self-test's answer is checked and told to its session; it signs nothing for anyone.
        const answer = clientError ? { error: clientError } : { cms: String(body?.cms) };
        const outcome = signTest ? await signTest.answer(job.testId, answer, request.ip) : undefined;
        if (!outcome) return reply.status(404).send({ error: 'not_found' });
        return outcome.ok ? reply.send({ status: 'completed' }) : clientError ? reply.send({ status: 'noted' }) : reply.status(422).send({ error: outcome.code });
      }
      const signRequest = job?.requestId !== undefined ? await signing.find(job.requestId) : undefined;
      if (!signRequest) return reply.status(404).send({ error: 'not_found' });
      if (signRequest.state !== 'pending') return reply.status(409).send({ error: 'already_completed' });
      const failed = { signing, audit };
      const context = { request: signRequest, method: 'card', ip: request.ip };
      if (clientError) {
        await signatureFailed(failed, { ...context, failure: { kind: 'declined', code: clientError } });
        return reply.send({ status: 'noted' });
      }
      if (typeof body?.cms !== 'string') return reply.status(400).send({ error: 'bad_request' });
      const result = await verifyCardSignature({
        cmsDer: new Uint8Array(Buffer.from(body.cms, 'base64')),
        document: signRequest.document,
        digest: signRequest.digest,
        personnummer: signRequest.personnummer,
        at: clock.now(),
        profiles: cardLogin.profiles,
        isMethodEnabled: (profile) => plan.isEnabled(profile.method),
        ocsp: deps.ocsp,
      }).catch((err: unknown) => {
        // A structure the parser did not foresee is a malformed signature, told as such.
        request.log.warn({ err }, 'card signature could not be read');
        return { ok: false as const, code: 'cms_malformed' as const, detail: (err as Error).message };
      });
      if (!result.ok) {
        const outcome = await signatureFailed(failed, { ...context, failure: { kind: 'refused', code: result.code, detail: result.detail } });
        return reply.status(outcome.status).send({ error: outcome.code });
      }
      let evidenceId: string;
      try {
        const evidence = await signing.complete(signRequest, {
          method: result.card.profile.method,
          signerPersonnummer: result.card.personnummer,
          signerName: result.card.subjectName,
          signedAt: clock.now(),
          evidence: { ...result.evidence },
        });
        evidenceId = evidence.id;
      } catch (err) {
        if (!(err instanceof SigningError)) throw err;
        // The feature refused the signature (e.g. the case changed after review): the
        // evidence was not kept; the sign page tells the person why.
        const outcome = await signatureFailed(failed, { ...context, failure: { kind: 'rejected', error: err } });
        return reply.status(outcome.status).send({ error: outcome.code });
      }
      return reply.send({ status: 'completed', evidenceId });
    },
  );
}

type CardSignDeps = Parameters<typeof cardSignRoutes>[1];

/**
 * Starts signing request `signRequestId` with the card: a single-use bridge for Net iD and
 * the page that opens it. The card's start button (cardSignMethod) and POST /sign/:id/card.
 */
async function beginCardSigning(
  deps: CardSignDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  signRequestId: string,
): Promise<FastifyReply> {
  const { config, store, plan, signing, cardLogin } = deps;
  const signerUrl = config.card.signerUrl;
  const { principal } = requirePrincipal(request);
  const signRequest = await signing.findFor(signRequestId, principal.personnummer);
  if (signRequest.state !== 'pending') return reply.redirect(`/sign/${signRequest.id}`, 303);
  const enabled = await Promise.all(cardLogin.methods().map((m) => plan.isEnabled(m)));
  if (!signerUrl || !enabled.some(Boolean)) throw new AppError('method_not_enabled', 'card signing unavailable');
  const token = randomBytes(32).toString('base64url');
  await store.upsert(bridgeKey(token), { requestId: signRequest.id } satisfies BridgeJob, 15 * 60);
  const launch = netIdLaunchUrl(config, token) ?? '';
  const ctx = await pageContext(deps, request, reply);
  const { t } = ctx;
  return sendHtml(
    reply,
    <Layout ctx={ctx} title={t['sign.card.title']}>
      <h1>{t['sign.card.title']}</h1>
      <SignedText t={t} text={signRequest.text} digest={signRequest.digest} headingId="what-heading" />
      <NetIdSteps t={t} launch={launch} checkHref={`/sign/${signRequest.id}`} checkLabel={t['sign.card.check']} />
    </Layout>,
  );
}

/** The card as a way to sign (signing's SignMethod port), available while a card method is enabled. */
export function cardSignMethod(deps: CardSignDeps): SignMethod {
  return {
    id: 'card',
    label: 'sign.method.card',
    note: 'sign.cardNeeds',
    options: [{ id: 'card', label: 'sign.withCard' }],
    isAvailable: async () =>
      Boolean(deps.config.card.signerUrl) &&
      (await Promise.all(deps.cardLogin.methods().map((m) => deps.plan.isEnabled(m)))).some(Boolean),
    begin: (request, reply, signRequestId) => beginCardSigning(deps, request, reply, signRequestId),
  };
}
