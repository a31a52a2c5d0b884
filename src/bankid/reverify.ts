/**
 * Re-verification of stored BankID signature evidence, for `signing`: the completion data
 * is checked again (signature, certificate chain to the BankID roots, the OCSP answer, the
 * visible and non-visible data as sent), and the non-visible data must end with the
 * document's digest, which binds the signature to exactly the document that was stored.
 */
import type { ParsedCertificate } from '../platform/pki.js';
import type { MethodReverifier } from '../signing/service.js';
import type { CompletionData } from './rp-client.js';
import { verifyBankIdCompletion } from './verify.js';

export function bankIdReverifier(roots: readonly ParsedCertificate[]): MethodReverifier {
  return {
    reverify: (evidence) => {
      const proof = JSON.parse(evidence.evidence) as {
        completionData: CompletionData;
        userVisibleData: string | null;
        userNonVisibleData: string | null;
      };
      const result = verifyBankIdCompletion({
        completion: proof.completionData,
        expectedVisibleData: proof.userVisibleData ?? undefined,
        expectedNonVisibleData: proof.userNonVisibleData ?? undefined,
        roots,
        at: new Date(evidence.signed_at),
      });
      const bound = proof.userNonVisibleData !== null && Buffer.from(proof.userNonVisibleData, 'base64').toString('utf8').endsWith(`sha256=${evidence.digest}`);
      return Promise.resolve(
        result.ok
          ? { ok: bound && result.personnummer === evidence.signer_personnummer, checks: { signature: true, chain: true, ocsp: true, signer: result.personnummer === evidence.signer_personnummer, bound } }
          : { ok: false, code: result.code, checks: { signature: false }, detail: result.detail },
      );
    },
  };
}
