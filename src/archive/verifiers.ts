/**
 * The independent checks `verify-package` runs on a timestamp token and on a receipt's seal,
 * each telling apart the faults a person needs named: a timestamp over other data, or by an
 * authority nobody trusts; a receipt changed after sealing, or sealed with a certificate that
 * does not chain to a trusted seal root.
 */
import { X509Certificate } from 'node:crypto';
import { verifySealedPdf } from '../platform/pades.js';
import { verifyTimestampToken } from '../platform/tsa.js';
import type { PackageVerifiers } from './verify.js';

const subjectOf = (der: Uint8Array | undefined): string => {
  if (!der) return 'unknown';
  try {
    return new X509Certificate(der).subject.replace(/\n/g, ', ');
  } catch {
    return 'unreadable';
  }
};

export const packageVerifiers: PackageVerifiers = {
  timestamp(tokenDer, data, roots) {
    const result = verifyTimestampToken(tokenDer, data, roots);
    if (result.ok)
      return Promise.resolve({
        ok: true,
        ...(result.genTime ? { genTime: result.genTime } : {}),
        detail: 'RFC 3161, chain to a trusted TSA root',
      });
    const failed = Object.entries(result.checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    const why = !result.checks.imprint
      ? 'the timestamp is over other data than the evidence'
      : !result.checks.chain
        ? 'the timestamp is not from a trusted time-stamping authority'
        : `the timestamp does not verify (${failed.join(', ')})`;
    return Promise.resolve({ ok: false, detail: `${why}${result.detail ? `: ${result.detail}` : ''}` });
  },

  async seal(pdf, roots) {
    const buffer = Buffer.from(pdf);
    const intact = await verifySealedPdf(buffer);
    if (!intact.valid)
      return {
        ok: false,
        detail: `the receipt was changed after sealing, or its seal is broken: ${intact.detail ?? 'does not verify'}`,
      };
    const trusted = await verifySealedPdf(buffer, roots);
    if (!trusted.valid)
      return {
        ok: false,
        detail: `sealed by a certificate that does not chain to a trusted seal root (${subjectOf(intact.certificate)})`,
      };
    return {
      ok: true,
      detail: `PAdES seal intact, ${trusted.timestamped ? 'with its signature timestamp (B-T)' : 'without a signature timestamp (B-B)'}, by ${subjectOf(intact.certificate)}`,
    };
  },
};
