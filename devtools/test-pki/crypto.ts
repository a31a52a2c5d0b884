/**
 * Key material and byte helpers shared by the test PKI: RSA keys through WebCrypto,
 * PEM/DER, digests, serial numbers.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Clock } from '../../src/platform/clock.js';
import { TestPkiError } from './errors.js';

/**
 * pkijs keeps one process-wide crypto engine. Point it at Node's WebCrypto once, when this
 * module is first loaded; every other file of the test PKI imports this one.
 */
const engine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: globalThis.crypto });
pkijs.setEngine(engine.name, engine);

/** RSA 2048 with SHA-256: what the issuers' CAs and cards use. */
const RSA_KEY: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/** A fresh, extractable key pair (extractable so the private key can go into PEM and PKCS#12). */
export function generateKeyPair(): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(RSA_KEY, true, ['sign', 'verify']);
}

/**
 * sha256WithRSAEncryption with the explicit NULL parameters RFC 4055 §5 requires and real
 * CAs write (pkijs would leave them out).
 */
export function sha256WithRsa(): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({
    algorithmId: '1.2.840.113549.1.1.11',
    algorithmParams: new asn1js.Null(),
  });
}

/** An RSASSA-PKCS1-v1_5 SHA-256 signature (the key's hash is SHA-256, see RSA_KEY). */
export async function signSha256Rsa(privateKey: CryptoKey, data: ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, data));
}

export async function exportPkcs8(privateKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', privateKey));
}

export function importPkcs8(der: Uint8Array): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('pkcs8', toArrayBuffer(der), RSA_KEY, true, ['sign']);
}

/** A copy of exactly the bytes of `view` (WebCrypto and asn1js want an ArrayBuffer). */
export function toArrayBuffer(view: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(view.byteLength);
  new Uint8Array(copy).set(view);
  return copy;
}

export function toPem(der: Uint8Array, label: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The first PEM block with this label, as DER; throws when there is none. */
export function fromPem(pem: string, label: 'CERTIFICATE' | 'PRIVATE KEY'): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match?.[1]) throw new Error(`no ${label} PEM block`);
  return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

export function digest(algorithm: 'sha1' | 'sha256' | 'sha384' | 'sha512', data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(algorithm).update(data).digest());
}

/**
 * 16 random bytes read as a positive, minimally encoded INTEGER: the top bit is cleared
 * (positive) and the next one set (no leading zero byte), which leaves 126 random bits.
 */
export function randomSerial(): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;
  return serial;
}

/**
 * Serial numbers as the PKI keys them: lower-case hex without separators or leading zero
 * bytes, so Node's `X509Certificate.serialNumber` (upper case) and pkijs bytes both match.
 */
export function normalizeSerialHex(serialHex: string): string {
  const hex = serialHex.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex))
    throw new TestPkiError('invalid_input', `not a hex serial number: ${serialHex}`);
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return even.replace(/^(00)+(?=..)/, '');
}

export function bytesToHex(bytes: Uint8Array): string {
  return normalizeSerialHex(Buffer.from(bytes).toString('hex'));
}

/** Certificates and OCSP carry whole seconds; keeping Dates whole avoids fractional GeneralizedTime. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export const DAY_MS = 24 * 3600 * 1000;
export const YEAR_MS = 365 * DAY_MS;

/**
 * The instants a test certificate must be valid at (DESIGN §3a): the clock of the portal the
 * PKI serves, which tests pin and demos may move, and real time, which every TLS handshake and
 * OpenSSL check uses. `earliest` and `latest` are the smaller and the larger of the two.
 */
export interface ValiditySpan {
  readonly earliest: Date;
  readonly latest: Date;
}

export function spanOf(clock: Clock): ValiditySpan {
  const a = clock.now().getTime();
  const b = Date.now();
  return { earliest: new Date(Math.min(a, b)), latest: new Date(Math.max(a, b)) };
}

/** A validity window from `beforeMs` ahead of the span's start to `afterMs` past its end. */
export function windowAround(span: ValiditySpan, beforeMs: number, afterMs: number): { notBefore: Date; notAfter: Date } {
  return {
    notBefore: wholeSeconds(new Date(span.earliest.getTime() - beforeMs)),
    notAfter: wholeSeconds(new Date(span.latest.getTime() + afterMs)),
  };
}

/** Reused on disk only while valid over the whole span and `marginMs` beyond it (a demo runs for days). */
export const REUSE_MARGIN_MS = 7 * DAY_MS;

export function coversSpan(
  validity: { readonly validFrom: string | Date; readonly validTo: string | Date },
  span: ValiditySpan,
  marginMs = REUSE_MARGIN_MS,
): boolean {
  return (
    new Date(validity.validFrom).getTime() <= span.earliest.getTime() &&
    new Date(validity.validTo).getTime() > span.latest.getTime() + marginMs
  );
}
