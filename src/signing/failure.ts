/**
 * A signature that did not complete, whatever the method: the one place that decides what
 * is noted on the sign request, what is audited, what a signing client that asked for JSON
 * is told, and what the sign page then shows. The BankID and card sign routes call
 * `signatureFailed`; the sign page calls `shownRefusal`. Neither method decides by itself.
 */
import type { AuditLog } from '../audit/service.js';
import { signingSv } from './messages.js';
import type { SigningError, SignRequest, Signing } from './service.js';

/** The sign page's texts of refusals: `sign.error.<code>`. */
type RefusalKey = Extract<keyof typeof signingSv, `sign.error.${string}`>;

/** The refusal codes that have a text of their own; any other code is shown with `sign.error.other`. */
export type RefusalCode = RefusalKey extends `sign.error.${infer Code}` ? Code : never;

/** What the signer's own client says when it did not sign (Net iD: no certificate, cancelled). */
export type DeclinedCode = Extract<RefusalCode, 'no_signing_certificate' | 'cancelled'>;

export type SignatureFailure =
  /** The signer's client did not sign: nothing was refused, so nothing is audited. */
  | { kind: 'declined'; code: DeclinedCode }
  /** The method's own check refused the proof (card: the CMS, the certificate, OCSP). */
  | { kind: 'refused'; code: string; detail: string }
  /** `signing.complete` or the purpose's handler refused the verified signature. */
  | { kind: 'rejected'; error: SigningError };

export interface SignatureOutcome {
  /** What is noted on the request, and what a signing client is told (`{ error: code }`). */
  readonly code: string;
  /** The status for a signing client that asked for JSON (Net iD's bridge). */
  readonly status: number;
  /** Where a browser goes next: the sign page, which shows the refusal. */
  readonly page: string;
}

/** The purpose's refusals that are audited as a failed signature (not a lapse or a repeat). */
const AUDITED_REJECTIONS: ReadonlySet<SigningError['code']> = new Set(['digest_changed', 'not_member', 'not_yours']);

function outcomeOf(failure: SignatureFailure): { code: string; status: number; audit: Record<string, unknown> | undefined } {
  switch (failure.kind) {
    case 'declined':
      return { code: failure.code, status: 200, audit: undefined };
    case 'refused':
      return { code: failure.code, status: 422, audit: { reason: failure.code, detail: failure.detail } };
    case 'rejected': {
      const { error } = failure;
      // Signed, but not by the person asked: told as the card's wrong-person refusal is.
      const code = error.code === 'not_yours' ? 'wrong_person' : error.code;
      return { code, status: error.status, audit: AUDITED_REJECTIONS.has(error.code) ? { reason: code } : undefined };
    }
  }
}

/**
 * Notes why the signature of `request` failed (the sign page shows it), audits a refused or
 * rejected signature as `signature_failed` with the method and the reason, and says what to
 * answer. `method` is the method family as audited and counted: "bankid", "card".
 */
export async function signatureFailed(
  deps: { signing: Pick<Signing, 'noteError'>; audit: Pick<AuditLog, 'record'> },
  input: { request: SignRequest; method: string; ip: string; failure: SignatureFailure },
): Promise<SignatureOutcome> {
  const { request } = input;
  const outcome = outcomeOf(input.failure);
  await deps.signing.noteError(request, outcome.code);
  if (outcome.audit) {
    await deps.audit.record({
      event: 'signature_failed',
      outcome: 'failure',
      actor: request.personnummer,
      subject: `${request.purpose}:${request.subject}`,
      ip: input.ip,
      details: { method: input.method, ...outcome.audit },
    });
  }
  return { code: outcome.code, status: outcome.status, page: `/sign/${request.id}` };
}

const REFUSAL_KEYS: ReadonlySet<string> = new Set(Object.keys(signingSv).filter((key) => key.startsWith('sign.error.')));

function isRefusalKey(key: string): key is RefusalKey {
  return REFUSAL_KEYS.has(key);
}

/**
 * What the sign page shows for the request's last refusal: its text (or the general one for
 * a code without a text of its own), and whether signing again can help at all (not when the
 * case changed after review or the signer no longer acts for the organisation).
 */
export function shownRefusal(lastError: string | undefined): { message: RefusalKey; final: boolean } | undefined {
  if (lastError === undefined || lastError === '') return undefined;
  const key = `sign.error.${lastError}`;
  return { message: isRefusalKey(key) ? key : 'sign.error.other', final: lastError === 'digest_changed' || lastError === 'not_member' };
}
