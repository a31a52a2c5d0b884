/**
 * What the card does when the user enters the signing code: a CMS SignedData (RFC 5652)
 * over the document, with the signed attributes contentType, messageDigest and
 * signingTime, signed by the card's signing key, carrying the signing certificate. The
 * document is enveloped (eContent) unless `detached` is asked for.
 */
import { createHash, sign as cryptoSign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function pemBody(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

export function createCmsSignature(input: {
  document: Uint8Array;
  certificatePem: string;
  privateKeyPem: string;
  signingTime: Date;
  detached?: boolean;
  /** For tests: sign this digest instead of the document's (a digest-substitution attack). */
  digestOverride?: Uint8Array;
}): Uint8Array {
  const certAsn1 = asn1js.fromBER(toArrayBuffer(pemBody(input.certificatePem)));
  const certificate = new pkijs.Certificate({ schema: certAsn1.result });
  const digest = input.digestOverride ?? new Uint8Array(createHash('sha256').update(input.document).digest());
  const attribute = (type: string, value: asn1js.AsnType) => new pkijs.Attribute({ type, values: [value] });
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      attribute('1.2.840.113549.1.9.3', new asn1js.ObjectIdentifier({ value: ID_DATA })),
      attribute('1.2.840.113549.1.9.5', new asn1js.UTCTime({ valueDate: input.signingTime })),
      attribute('1.2.840.113549.1.9.4', new asn1js.OctetString({ valueHex: toArrayBuffer(digest) })),
    ],
  });
  // The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4).
  const attrsDer = new Uint8Array(new asn1js.Set({ value: signedAttrs.attributes.map((a) => a.toSchema()) }).toBER());
  const signature = cryptoSign('sha256', attrsDer, input.privateKeyPem);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(new Uint8Array(signature)) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: ID_DATA,
      ...(input.detached ? {} : { eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(input.document) }) }),
    }),
    certificates: [certificate],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER());
}
