/**
 * completionData.ocspResponse: a DER OCSPResponse (RFC 6960) about the user's certificate,
 * made at completion time: BasicOCSPResponse signed (sha256WithRSAEncryption) by the delegated
 * responder of the customer CA, responderID byKey, the responder certificate in `certs`, one
 * SingleResponse (CertID with SHA-1, thisUpdate = producedAt, no nextUpdate: it is evidence of
 * the status at signing time, not a cacheable answer) and a nonce extension binding it to the
 * signature. The nonce is SHA-1 of the `completionData.signature` base64 text, as the raw
 * 20 bytes in extnValue, extension marked critical — the layout pybankid's verifier
 * (bankid/experimental/verify.py) reads from real responses (shared/reference/bankid.md §9 (6)).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, keyIdentifier, type Signer } from '../test-pki/certificates.js';
import { digest, sha256WithRsa, signSha256Rsa, toArrayBuffer, wholeSeconds } from '../test-pki/crypto.js';

export interface UserOcspInput {
  userCert: Signer;
  /** The CA that issued userCert (its name and key go into the CertID). */
  issuer: Signer;
  /** Signs the response. */
  responder: Signer;
  status: 'good' | { revokedAt: Date };
  now: Date;
  /** Raw nonce bytes (normally SHA-1 of the signature's base64 text). */
  nonce: Uint8Array;
}

/** SHA-1 of the signature string: what binds the OCSP response to completionData.signature. */
export function ocspNonceFor(signatureBase64: string): Uint8Array {
  return digest('sha1', new TextEncoder().encode(signatureBase64));
}

function certStatus(status: UserOcspInput['status']): asn1js.BaseBlock {
  if (status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  // revoked [1] IMPLICIT RevokedInfo { revocationTime, [0] EXPLICIT CRLReason keyCompromise(1) }
  return new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 1 },
    value: [
      new asn1js.GeneralizedTime({ valueDate: wholeSeconds(status.revokedAt) }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: 1 })] }),
    ],
  });
}

export async function createUserOcspResponse(input: UserOcspInput): Promise<Uint8Array> {
  const now = wholeSeconds(input.now);
  const issuerCert = input.issuer.certificate;
  const certID = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.3.14.3.2.26', algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({
      valueHex: toArrayBuffer(digest('sha1', new Uint8Array(issuerCert.subject.toSchema().toBER(false)))),
    }),
    issuerKeyHash: new asn1js.OctetString({
      valueHex: toArrayBuffer(digest('sha1', issuerCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)),
    }),
    serialNumber: new asn1js.Integer({
      valueHex: toArrayBuffer(input.userCert.certificate.serialNumber.valueBlock.valueHexView),
    }),
  });
  const tbsResponseData = new pkijs.ResponseData({
    responderID: new asn1js.OctetString({
      valueHex: toArrayBuffer(keyIdentifier(input.responder.certificate.subjectPublicKeyInfo)),
    }),
    producedAt: now,
    responses: [new pkijs.SingleResponse({ certID, certStatus: certStatus(input.status), thisUpdate: now })],
    responseExtensions: [
      new pkijs.Extension({ extnID: OID.ocspNonce, critical: true, extnValue: toArrayBuffer(input.nonce) }),
    ],
  });
  // pkijs types ResponseData.toSchema() as any; it is the ResponseData SEQUENCE.
  tbsResponseData.tbsView = new Uint8Array((tbsResponseData.toSchema(true) as asn1js.Sequence).toBER(false));
  const signature = await signSha256Rsa(input.responder.privateKey, toArrayBuffer(tbsResponseData.tbsView));
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData,
    signatureAlgorithm: sha256WithRsa(),
    signature: new asn1js.BitString({ valueHex: toArrayBuffer(signature) }),
    certs: [input.responder.certificate],
  });
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: OID.ocspBasic,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}
