/**
 * A PAdES baseline electronic seal on a PDF (ETSI EN 319 142-1): a detached CMS SignedData
 * (SubFilter ETSI.CAdES.detached) over the file's byte ranges. Signed attributes:
 * content-type, message-digest and signing-certificate-v2 (RFC 5035); no signing-time (PAdES
 * puts the time in the signature dictionary's /M). The seal certificate and its chain
 * without the root travel in the CMS. With a timestamper the signature-time-stamp unsigned
 * attribute makes it B-T; `addSignatureTimestamp` adds one later to a sealed file without
 * touching the signed bytes. `@signpdf/*` writes the placeholder and the byte ranges.
 */
import { createHash, sign as cryptoSign } from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ensurePkijsEngine, toArrayBuffer } from './pki.js';
import type { SealKey } from './seal-key.js';

export const PADES_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

/** Gets a DER TimeStampToken (a ContentInfo) over the SignerInfo's signature value. */
export type Timestamper = (signatureValue: Uint8Array) => Promise<Uint8Array>;

/** Room for the CMS in the PDF, in bytes (hex doubles it): the seal, its chain and a later timestamp token. */
export const SIGNATURE_ROOM = 20 * 1024;

export interface SealOptions {
  /** /M of the signature dictionary: real time, which validators compare with certificates. */
  signingTime: Date;
  reason: string;
  name: string;
  location: string;
  contactInfo: string;
  timestamper?: Timestamper | undefined;
}

export class PadesError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PadesError';
  }
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function attribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** SigningCertificateV2 with one ESSCertIDv2: SHA-256 (the default, so omitted) and issuerSerial. */
function signingCertificateV2(certDer: Uint8Array): asn1js.Sequence {
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(certDer));
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })],
      }),
      new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView.slice() }),
    ],
  });
  const essCertId = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(certDer)) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] });
}

/** DER SET OF: the members in the order of their encodings. */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) }));
  return encoded.sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.a);
}

function signatureAlgorithm(key: SealKey): { oid: string; params?: asn1js.BaseBlock } {
  const type = key.privateKey.asymmetricKeyType;
  if (type === 'rsa') return { oid: PADES_OID.sha256WithRsa, params: new asn1js.Null() };
  if (type === 'ec') return { oid: PADES_OID.ecdsaWithSha256 };
  throw new PadesError(`unsupported seal key type ${String(type)}`);
}

function timestampAttribute(token: Uint8Array): pkijs.Attribute {
  const parsed = asn1js.fromBER(toArrayBuffer(token));
  if (parsed.offset === -1) throw new PadesError('the timestamp token is not DER');
  return attribute(PADES_OID.signatureTimeStampToken, parsed.result);
}

/** The detached CMS SignedData (a DER ContentInfo) over `content`. */
export async function buildSealCms(content: Uint8Array, key: SealKey, timestamper?: Timestamper): Promise<Uint8Array> {
  ensurePkijsEngine();
  const certificate = pkijs.Certificate.fromBER(toArrayBuffer(key.certificate));
  const signedAttributes = derSorted([
    attribute(PADES_OID.contentType, new asn1js.ObjectIdentifier({ value: PADES_OID.data })),
    attribute(PADES_OID.messageDigest, new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(content)) })),
    attribute(PADES_OID.signingCertificateV2, signingCertificateV2(key.certificate)),
  ]);
  const toSign = new Uint8Array(new asn1js.Set({ value: signedAttributes.map((a) => a.toSchema()) }).toBER(false));
  const signature = new Uint8Array(cryptoSign('sha256', toSign, key.privateKey));
  const algorithm = signatureAlgorithm(key);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: PADES_OID.sha256 }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: algorithm.oid,
      ...(algorithm.params ? { algorithmParams: algorithm.params } : {}),
    }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  if (timestamper) {
    const token = await timestamper(signature);
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [timestampAttribute(token)] });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: PADES_OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: PADES_OID.data }),
    certificates: [key.certificate, ...key.chain].map((der) => pkijs.Certificate.fromBER(toArrayBuffer(der))),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: PADES_OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** @signpdf's signer port: gets the bytes outside /Contents and answers with our CMS. */
class CmsSigner extends Signer {
  private readonly key: SealKey;
  private readonly timestamper: Timestamper | undefined;

  constructor(key: SealKey, timestamper: Timestamper | undefined) {
    super();
    this.key = key;
    this.timestamper = timestamper;
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return Buffer.from(await buildSealCms(pdfBuffer, this.key, this.timestamper));
  }
}

/** Seals `pdf` (one incremental update: the signature field and its dictionary). */
export async function sealPdf(pdf: Buffer, key: SealKey, options: SealOptions): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: options.reason,
    contactInfo: options.contactInfo,
    name: options.name,
    location: options.location,
    signingTime: options.signingTime,
    signatureLength: SIGNATURE_ROOM,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
  });
  repairTextStrings(withPlaceholder, Math.max(0, pdf.length - 2));
  return new SignPdf().sign(withPlaceholder, new CmsSigner(key, options.timestamper));
}

/** A UTF-16BE byte-order mark as @signpdf/placeholder-plain writes it: each byte UTF-8 encoded again. */
const MANGLED_BOM = Buffer.from([0x28, 0xc3, 0xbe, 0xc3, 0xbf]);

/**
 * @signpdf/placeholder-plain (3.3) writes a text string with characters beyond ASCII (the
 * agency's name: "för") as UTF-16BE bytes held in a JS string, then UTF-8 encodes that string,
 * so every byte from 0x80 comes out as two. Each such literal string in the update it appended
 * (from `from` on) is put back to its UTF-16BE bytes, in place: the repaired string is shorter,
 * and the rest of its room becomes spaces after it (whitespace in the dictionary), so no
 * offset of the cross-reference table moves.
 */
function repairTextStrings(pdf: Buffer, from: number): void {
  for (let start = pdf.indexOf(MANGLED_BOM, from); start !== -1; start = pdf.indexOf(MANGLED_BOM, start + 1)) {
    let end = start + 1;
    // UTF-8 continuation bytes are never ASCII: the first unescaped ")" ends the string.
    while (end < pdf.length && pdf[end] !== 0x29) end += pdf[end] === 0x5c ? 2 : 1;
    if (end >= pdf.length) throw new PadesError('unterminated string in the signature dictionary');
    const bytes = Buffer.from(pdf.subarray(start + 1, end).toString('utf8'), 'latin1');
    const repaired = Buffer.concat([Buffer.from('('), bytes, Buffer.from(')')]);
    repaired.copy(pdf, start);
    pdf.fill(0x20, start + repaired.length, end + 1);
  }
}

/** Where the signature sits in a sealed PDF: the byte range, the hex room and the CMS in it. */
export interface SignatureSlot {
  byteRange: [number, number, number, number];
  /** The signed bytes: everything outside the /Contents hex string. */
  signedContent: Buffer;
  /** The DER CMS, without the zero padding. */
  cms: Uint8Array;
}

export function signatureSlot(pdf: Buffer): SignatureSlot {
  const text = pdf.toString('latin1');
  const matches = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = matches.at(-1);
  if (!last) throw new PadesError('no signature in the PDF');
  const range = [1, 2, 3, 4].map((i) => Number(last[i])) as [number, number, number, number];
  const [start, firstLength, second, secondLength] = range;
  if (start !== 0 || second + secondLength !== pdf.length || pdf[firstLength] !== 0x3c || pdf[second - 1] !== 0x3e)
    throw new PadesError('the signature does not cover the whole file');
  const hex = text.slice(firstLength + 1, second - 1);
  const bytes = Buffer.from(hex, 'hex');
  const parsed = asn1js.fromBER(toArrayBuffer(bytes));
  if (parsed.offset === -1) throw new PadesError('the signature is not DER');
  return {
    byteRange: range,
    signedContent: Buffer.concat([pdf.subarray(0, firstLength), pdf.subarray(second)]),
    cms: new Uint8Array(bytes.subarray(0, parsed.offset)),
  };
}

function signedDataOf(cms: Uint8Array): pkijs.SignedData {
  const info = pkijs.ContentInfo.fromBER(toArrayBuffer(cms));
  if (info.contentType !== PADES_OID.signedData) throw new PadesError('not a CMS SignedData');
  return new pkijs.SignedData({ schema: info.content });
}

function hasTimestamp(signerInfo: pkijs.SignerInfo): boolean {
  return (signerInfo.unsignedAttrs?.attributes ?? []).some((a) => a.type === PADES_OID.signatureTimeStampToken);
}

/**
 * Adds a signature timestamp to a sealed PDF whose CMS has none: the same SignerInfo (signed
 * attributes and signature unchanged) gains the unsigned attribute, and the new CMS goes into
 * the same /Contents room, zero padded, so the byte ranges and the seal stay valid.
 */
export async function addSignatureTimestamp(sealedPdf: Buffer, timestamper: Timestamper): Promise<Buffer> {
  ensurePkijsEngine();
  const slot = signatureSlot(sealedPdf);
  const signedData = signedDataOf(slot.cms);
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw new PadesError('the CMS has no signer');
  if (hasTimestamp(signerInfo)) throw new PadesError('the seal already has a timestamp');
  const token = await timestamper(signerInfo.signature.valueBlock.valueHexView.slice());
  signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [timestampAttribute(token)] });
  const cms = new Uint8Array(
    new pkijs.ContentInfo({ contentType: PADES_OID.signedData, content: signedData.toSchema(true) }).toSchema().toBER(false),
  );
  const [, firstLength, second] = slot.byteRange;
  const room = (second - firstLength - 2) / 2;
  if (cms.length > room) throw new PadesError(`the timestamped CMS (${cms.length} bytes) exceeds the room (${room})`);
  const hex = Buffer.from(cms).toString('hex').padEnd(room * 2, '0');
  const out = Buffer.from(sealedPdf);
  out.write(hex, firstLength + 1, 'latin1');
  // Re-encoding must not have changed what was signed: check before handing it out.
  const check = await verifySealedPdf(out);
  if (!check.valid || !check.timestamped) throw new PadesError('the timestamped seal does not verify');
  return out;
}

/**
 * The certificates a sealed PDF's CMS carries, the seal certificate first; none when the PDF
 * has no readable seal.
 */
export function sealCertificates(pdf: Buffer): Uint8Array[] {
  try {
    ensurePkijsEngine();
    const signedData = signedDataOf(signatureSlot(pdf).cms);
    const signerInfo = signedData.signerInfos[0];
    const certs = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    const isSigner = (c: pkijs.Certificate) =>
      signerInfo?.sid instanceof pkijs.IssuerAndSerialNumber && c.serialNumber.isEqual(signerInfo.sid.serialNumber) && c.issuer.isEqual(signerInfo.sid.issuer);
    return [...certs.filter(isSigner), ...certs.filter((c) => !isSigner(c))].map((c) => new Uint8Array(c.toSchema().toBER(false)));
  } catch {
    return [];
  }
}

export interface SealCheck {
  /** Signature, message digest and signing-certificate-v2 all match (and the chain, when roots are given). */
  valid: boolean;
  timestamped: boolean;
  /** The seal certificate (DER), when found. */
  certificate?: Uint8Array;
  detail?: string;
}

/** Checks the (last) seal of a PDF in-process; with `trustedRoots`, its chain up to one of them too. */
export async function verifySealedPdf(pdf: Buffer, trustedRoots: readonly Uint8Array[] = []): Promise<SealCheck> {
  ensurePkijsEngine();
  let slot: SignatureSlot;
  let signedData: pkijs.SignedData;
  try {
    slot = signatureSlot(pdf);
    signedData = signedDataOf(slot.cms);
  } catch (err) {
    return { valid: false, timestamped: false, detail: err instanceof Error ? err.message : 'unreadable' };
  }
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) return { valid: false, timestamped: false, detail: 'no signer' };
  const timestamped = hasTimestamp(signerInfo);
  const certs = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const signer = certs.find(
    (c) =>
      signerInfo.sid instanceof pkijs.IssuerAndSerialNumber &&
      c.serialNumber.isEqual(signerInfo.sid.serialNumber) &&
      c.issuer.isEqual(signerInfo.sid.issuer),
  );
  if (!signer) return { valid: false, timestamped, detail: 'seal certificate missing' };
  const certificate = new Uint8Array(signer.toSchema().toBER(false));
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  if (attributes.some((a) => a.type === PADES_OID.signingTime))
    return { valid: false, timestamped, certificate, detail: 'signing-time attribute present' };
  const essHash: unknown = attributes.find((a) => a.type === PADES_OID.signingCertificateV2)?.values[0];
  const certHash = essHash instanceof asn1js.Sequence ? firstCertHash(essHash) : undefined;
  if (!certHash || !Buffer.from(certHash).equals(Buffer.from(sha256(certificate))))
    return { valid: false, timestamped, certificate, detail: 'signing-certificate-v2 does not match' };
  try {
    const result: { signatureVerified?: boolean | null; signerCertificateVerified?: boolean | null } = await signedData.verify({
      signer: 0,
      data: toArrayBuffer(slot.signedContent),
      checkChain: trustedRoots.length > 0,
      trustedCerts: trustedRoots.map((der) => pkijs.Certificate.fromBER(toArrayBuffer(der))),
      extendedMode: true,
    });
    const ok = result.signatureVerified === true && (trustedRoots.length === 0 || result.signerCertificateVerified === true);
    return { valid: ok, timestamped, certificate, ...(ok ? {} : { detail: 'signature or chain does not verify' }) };
  } catch (err) {
    const message = err instanceof Error ? err.message : (err as { message?: string }).message;
    return { valid: false, timestamped, certificate, detail: message ?? 'signature does not verify' };
  }
}

function firstCertHash(signingCertificate: asn1js.Sequence): Uint8Array | undefined {
  const certs = signingCertificate.valueBlock.value[0];
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  const hash = first instanceof asn1js.Sequence ? first.valueBlock.value[0] : undefined;
  return hash instanceof asn1js.OctetString ? hash.valueBlock.valueHexView.slice() : undefined;
}
