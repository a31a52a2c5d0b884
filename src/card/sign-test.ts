/**
 * The card signing self-test (selftest/): a signature over a short random text through the
 * same Net iD bridge as a real signature, checked as one (CMS, the signing certificate's
 * path, key usage and revocation asked now), but it is no sign request: nothing is signed
 * for anyone, no evidence is kept, no purpose runs. A test job is bound to the anonymous
 * session's state, its bridge is single-use, and its outcome is taken once by that session.
 */
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { MethodId } from '../identity/methods.js';
import type { Clock } from '../platform/clock.js';
import type { TtlStore } from '../platform/store/port.js';
import { canonicalJson, sha256Hex } from '../signing/canonical.js';
import { verifyCardSignature, type CardSignatureError } from './cms.js';
import type { OcspClient } from './ocsp.js';
import type { CardLogin } from './service.js';

export type SignTestCode = CardSignatureError | 'no_signing_certificate' | 'cancelled';

export interface SignTestOutcome {
  ok: boolean;
  code: SignTestCode | null;
  method: MethodId | null;
  validFrom: string | null;
  validTo: string | null;
  revocation: 'good' | 'revoked' | null;
}

export interface SignTestJob {
  state: string;
  text: string;
  document: string;
  digest: string;
  outcome?: SignTestOutcome;
}

const JOB_SECONDS = 15 * 60;

/**
 * The address that opens the card-signing client (Net iD) on bridge `bridgeToken`, or
 * undefined when no signer is configured. A real signature and a self-test open it alike.
 */
export function netIdLaunchUrl(config: Pick<Config, 'card' | 'http'>, bridgeToken: string): string | undefined {
  const signerUrl = config.card.signerUrl;
  if (!signerUrl) return undefined;
  const bridge = `${config.http.publicUrl}/sign/bridge/${bridgeToken}`;
  return `${signerUrl}${signerUrl.includes('?') ? '&' : '?'}bridge=${encodeURIComponent(bridge)}`;
}

/** The Net iD bridge's jobs (sign-routes.tsx): a real sign request's, or a self-test's. */
export const bridgeKey = (token: string) => `signbridge:${token}`;
export type BridgeJob = { requestId: string; testId?: undefined } | { testId: string; requestId?: undefined };
const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function createCardSignTest(deps: {
  config: Config;
  clock: Clock;
  store: TtlStore;
  audit: AuditLog;
  cardLogin: CardLogin;
  ocsp: OcspClient;
}) {
  const { config, clock, store, audit, cardLogin } = deps;
  const jobKey = (id: string) => `signtest:${id}`;


  return {
    /** Where the test's result is shown (the bridge's `returnUrl`). */
    resultPath: '/testa-e-legitimation/underskrift/resultat',

    /**
     * A new test job for session state `state` and its single-use bridge for Net iD: the
     * address to open Net iD with (undefined when no signer is configured).
     */
    async begin(state: string, text: (code: string) => string): Promise<{ id: string; job: SignTestJob; launch: string | undefined }> {
      const id = randomBytes(24).toString('base64url');
      const code = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').toUpperCase();
      const document = canonicalJson({ purpose: 'eid_selftest', test: id, code, at: clock.now().toISOString() });
      const job: SignTestJob = { state, text: text(code), document, digest: sha256Hex(document) };
      await store.upsert(jobKey(id), job, JOB_SECONDS);
      const token = randomBytes(32).toString('base64url');
      await store.upsert(bridgeKey(token), { testId: id } satisfies BridgeJob, JOB_SECONDS);
      return { id, job, launch: netIdLaunchUrl(config, token) };
    },

    async find(id: string): Promise<SignTestJob | undefined> {
      return ID_PATTERN.test(id) ? store.find<SignTestJob>(jobKey(id)) : undefined;
    },

    /** Checks what Net iD answered for test `id` and keeps the outcome for its session. */
    async answer(id: string, answer: { cms: string } | { error: 'no_signing_certificate' | 'cancelled' }, ip: string | null): Promise<SignTestOutcome | undefined> {
      const job = await this.find(id);
      if (!job || job.outcome) return undefined;
      let outcome: SignTestOutcome;
      if ('error' in answer) {
        outcome = { ok: false, code: answer.error, method: null, validFrom: null, validTo: null, revocation: null };
      } else {
        const result = await verifyCardSignature({
          cmsDer: new Uint8Array(Buffer.from(answer.cms, 'base64')),
          document: job.document,
          digest: job.digest,
          personnummer: null,
          at: clock.now(),
          profiles: cardLogin.profiles,
          // The test says whether the card can sign; whether its method works yet, the login part says.
          isMethodEnabled: async () => true,
          ocsp: deps.ocsp,
        }).catch((err: unknown) => ({ ok: false as const, code: 'cms_malformed' as const, detail: (err as Error).message }));
        outcome = result.ok
          ? {
              ok: true,
              code: null,
              method: result.card.profile.method,
              validFrom: new Date(result.card.certificate.x509.validFrom).toISOString(),
              validTo: result.card.notAfter.toISOString(),
              revocation: 'good',
            }
          : { ok: false, code: result.code, method: null, validFrom: null, validTo: null, revocation: result.code === 'revoked' ? 'revoked' : null };
      }
      await store.upsert(jobKey(id), { ...job, outcome }, JOB_SECONDS);
      await audit.record({
        event: 'eid_selftest',
        outcome: outcome.ok ? 'success' : 'failure',
        actor: null,
        subject: outcome.method ?? 'card',
        ip,
        details: { usage: 'sign', ...(outcome.code ? { reason: outcome.code } : {}) },
      });
      return outcome;
    },

    /**
     * The outcome of test `id` for the session holding `state`: taken once when there is one,
     * 'pending' while Net iD has not answered, undefined when unknown or not this session's.
     */
    async take(id: string | undefined, state: string | undefined): Promise<SignTestOutcome | 'pending' | undefined> {
      if (!id || !state) return undefined;
      const job = await this.find(id);
      if (!job || job.state !== state) return undefined;
      if (!job.outcome) return 'pending';
      const taken = await store.consume<SignTestJob>(jobKey(id));
      return taken?.outcome;
    },

  };
}

export type CardSignTest = ReturnType<typeof createCardSignTest>;
