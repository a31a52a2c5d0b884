/**
 * The parts of stored signature evidence that the archival package also keeps as files of
 * their own: the signer's certificate chain and the OCSP answer. Card evidence stores both
 * (`chain`, `ocsp`, base64 DER); BankID's completion data has the chain in the XML
 * signature's KeyInfo and the answer in `ocspResponse`. Evidence that cannot be read gives
 * nothing, not an error: the package is still made, and its check says what is missing.
 */
import { derToPem } from '../platform/pki.js';

export interface EvidenceParts {
  /** The signer's certificate first, then its issuers, DER. */
  chain: Uint8Array[];
  ocsp: Uint8Array | undefined;
}

const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

export function evidenceParts(method: string, evidenceJson: string): EvidenceParts {
  let proof: unknown;
  try {
    proof = JSON.parse(evidenceJson);
  } catch {
    return { chain: [], ocsp: undefined };
  }
  if (typeof proof !== 'object' || proof === null) return { chain: [], ocsp: undefined };
  const p = proof as Record<string, unknown>;
  if (method === 'bankid') {
    const completion = p['completionData'] as Record<string, unknown> | undefined;
    const signature = typeof completion?.['signature'] === 'string' ? completion['signature'] : '';
    const ocsp =
      typeof completion?.['ocspResponse'] === 'string' ? fromBase64(completion['ocspResponse']) : undefined;
    return { chain: keyInfoCertificates(Buffer.from(signature, 'base64').toString('utf8')), ocsp };
  }
  const chain = Array.isArray(p['chain'])
    ? p['chain'].filter((c): c is string => typeof c === 'string').map(fromBase64)
    : [];
  const ocsp = typeof p['ocsp'] === 'string' ? fromBase64(p['ocsp']) : undefined;
  return { chain, ocsp };
}

/** The X509Certificate elements of an XML signature, in order (a bounded, linear scan). */
function keyInfoCertificates(xml: string): Uint8Array[] {
  const found: Uint8Array[] = [];
  const pattern =
    /<(?:[A-Za-z0-9_]+:)?X509Certificate>([A-Za-z0-9+/=\s]{1,20000})<\/(?:[A-Za-z0-9_]+:)?X509Certificate>/g;
  for (const match of xml.matchAll(pattern)) {
    if (found.length >= 10) break;
    found.push(fromBase64((match[1] ?? '').replace(/\s+/g, '')));
  }
  return found;
}

export function pemBundle(certificates: readonly Uint8Array[]): string {
  return certificates.map((der) => derToPem(der)).join('');
}
