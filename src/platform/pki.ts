/**
 * Shared helpers over pkijs/asn1js and node:crypto for certificates: parsing, extensions
 * (key usage, EKU, policies, AIA), subject attributes, and signature checks.
 */
import { X509Certificate, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

let engineReady = false;
/** pkijs uses WebCrypto; Node 20 has it on globalThis. */
export function ensurePkijsEngine(): void {
  if (engineReady) return;
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: globalThis.crypto }));
  engineReady = true;
}

export const OID = {
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  certificatePolicies: '2.5.29.32',
  basicConstraints: '2.5.29.19',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspAccessMethod: '1.3.6.1.5.5.7.48.1',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  subjectSerialNumber: '2.5.4.5',
  commonName: '2.5.4.3',
  givenName: '2.5.4.42',
  surname: '2.5.4.4',
} as const;

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

/** A certificate parsed both ways: node:crypto for checks, pkijs for structure. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly pkijs: pkijs.Certificate;
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Parses DER bytes; throws on anything that is not exactly one certificate. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const x509 = new X509Certificate(der);
  // node:crypto decodes the key only when asked: a certificate whose key does not decode
  // would otherwise throw later, out of checks that trust it parsed (found by fuzzing).
  if (x509.publicKey.type !== 'public') throw new Error('certificate key is not a public key');
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new Error('certificate is not a single DER object');
  return { der, x509, pkijs: new pkijs.Certificate({ schema: asn1.result }) };
}

/** Every certificate in a PEM text, in order. */
export function pemToDerList(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    out.push(new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trim();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** Key usage bits; undefined when the certificate has no KeyUsage extension. */
export function keyUsage(cert: ParsedCertificate): Set<KeyUsage> | undefined {
  const ext = extension(cert.pkijs, OID.keyUsage);
  if (!ext) return undefined;
  const parsed = asn1js.fromBER(ext.extnValue.getValue());
  if (!(parsed.result instanceof asn1js.BitString)) return new Set();
  const bytes = new Uint8Array(parsed.result.valueBlock.valueHexView);
  const out = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3] ?? 0;
    if (byte & (0x80 >> (bit & 7))) out.add(name);
  });
  return out;
}

export function extendedKeyUsage(cert: ParsedCertificate): string[] {
  const ext = extension(cert.pkijs, OID.extKeyUsage);
  const parsed = ext?.parsedValue as pkijs.ExtKeyUsage | undefined;
  return parsed?.keyPurposes ?? [];
}

export function certificatePolicies(cert: ParsedCertificate): string[] {
  const ext = extension(cert.pkijs, OID.certificatePolicies);
  const parsed = ext?.parsedValue as pkijs.CertificatePolicies | undefined;
  return parsed?.certificatePolicies.map((p) => p.policyIdentifier) ?? [];
}

/**
 * BasicConstraints (RFC 5280 §4.2.1.9): whether the certificate is a CA and its
 * pathLenConstraint (undefined: none given, or too large to be a limit). A certificate
 * without the extension, or with one that does not decode, is not a CA.
 */
export function basicConstraints(cert: ParsedCertificate): { ca: boolean; pathLen: number | undefined } {
  const parsed: unknown = extension(cert.pkijs, OID.basicConstraints)?.parsedValue;
  if (!(parsed instanceof pkijs.BasicConstraints)) return { ca: false, pathLen: undefined };
  return { ca: parsed.cA, pathLen: typeof parsed.pathLenConstraint === 'number' ? parsed.pathLenConstraint : undefined };
}

/** OCSP responder URLs from the AuthorityInfoAccess extension. */
export function ocspUrls(cert: ParsedCertificate): string[] {
  const ext = extension(cert.pkijs, OID.authorityInfoAccess);
  const parsed = ext?.parsedValue as pkijs.InfoAccess | undefined;
  return (parsed?.accessDescriptions ?? [])
    .filter((d) => d.accessMethod === OID.ocspAccessMethod && d.accessLocation.type === 6)
    .map((d) => String(d.accessLocation.value));
}

/** The values of one subject attribute (e.g. serialNumber 2.5.4.5). */
export function subjectAttribute(cert: ParsedCertificate, oid: string): string[] {
  return cert.pkijs.subject.typesAndValues
    .filter((tv) => tv.type === oid)
    .map((tv) => String((tv.value as { valueBlock: { value: unknown } }).valueBlock.value));
}

export function serialHex(cert: ParsedCertificate): string {
  return cert.x509.serialNumber.toLowerCase();
}

/** Whether `cert` is signed by `issuer` and names it as issuer. */
export function isIssuedBy(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return cert.x509.checkIssued(issuer.x509) && cert.x509.verify(issuer.x509.publicKey);
}

/** Hash of a signature algorithm (RSA PKCS#1 v1.5 and ECDSA), by OID. */
export const SIGNATURE_HASH: Readonly<Record<string, string | undefined>> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** Verifies a signature over `data` by the key of `signer` with the given algorithm OID. */
export function verifySignature(signer: X509Certificate, algorithmOid: string, data: Uint8Array, signature: Uint8Array): boolean {
  const hash = SIGNATURE_HASH[algorithmOid];
  if (!hash) return false;
  try {
    return cryptoVerify(hash, data, signer.publicKey, signature);
  } catch {
    return false;
  }
}
