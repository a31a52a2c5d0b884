/**
 * RFC 6960 OCSP answers from the test PKI's register, as DER: a BasicOCSPResponse signed
 * (sha256WithRSAEncryption) by the issuer's delegated responder, responderID byKey, the
 * responder certificate in `certs`, one SingleResponse per request echoing its CertID, and
 * the request's nonce echoed. Faults make answers that a careful client must refuse.
 */
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, keyIdentifier, type Signer } from './certificates.js';
import {
  bytesToHex,
  digest,
  randomSerial,
  sha256WithRsa,
  signSha256Rsa,
  toArrayBuffer,
  wholeSeconds,
} from './crypto.js';
import {
  isIssuerIssued,
  lookAlikeOf,
  stateOf,
  type IssuerState,
  type PkiState,
  type Revocation,
  type TestPki,
} from './pki.js';

/**
 * - `ok`: correct answers
 * - `down`: connections are closed without an answer (HTTP server only)
 * - `slow`: correct answers after `delayMs` (HTTP server only)
 * - `tryLater`: responseStatus tryLater, no body
 * - `badSignature`: one byte of the signature flipped
 * - `staleNextUpdate`: thisUpdate now − 2×validity, nextUpdate now − validity
 * - `noNextUpdate`: correct answers without nextUpdate (RFC 6960 §2.4: newer information is always available)
 * - `wrongNonce`: a random nonce instead of the request's (also when it sent none)
 * - `unauthorizedResponder`: signed by a look-alike responder (same DN, EKU OCSPSigning)
 *   whose certificate chains to a look-alike CA, not to the issuer
 * - `wrongCertId`: each SingleResponse is about a different serial number (status good)
 */
export type OcspFaultMode =
  | 'ok'
  | 'down'
  | 'slow'
  | 'tryLater'
  | 'badSignature'
  | 'staleNextUpdate'
  | 'noNextUpdate'
  | 'wrongNonce'
  | 'unauthorizedResponder'
  | 'wrongCertId';

export interface OcspFaults {
  mode: OcspFaultMode;
  /** For `slow`; default 10 000 ms. */
  delayMs?: number;
}

/** OCSPResponseStatus, RFC 6960 §4.2.1. */
export const OCSP_RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

/** CertID hash algorithms we match: SHA-1 is what clients send; SHA-2 is accepted too. */
const CERT_ID_HASHES: Readonly<Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export function ocspErrorResponse(
  status: (typeof OCSP_RESPONSE_STATUS)[keyof typeof OCSP_RESPONSE_STATUS],
): Uint8Array {
  return new Uint8Array(
    new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) })
      .toSchema()
      .toBER(false),
  );
}

/**
 * Answers one DER OCSPRequest for `issuerId` at `now`. Unknown issuer → `unauthorized`
 * (not authoritative); undecodable or empty request → `malformedRequest`; a CertID that is not
 * about this issuer's CA (name and key hash) or a serial it never issued → status unknown.
 */
export async function createOcspResponse<Id extends string>(
  pki: TestPki<Id>,
  issuerId: string,
  requestDer: Uint8Array,
  options: { now: Date; validitySeconds: number; fault?: OcspFaultMode },
): Promise<Uint8Array> {
  const state = stateOf(pki);
  const issuer = state.issuers.get(issuerId);
  if (!issuer) return ocspErrorResponse(OCSP_RESPONSE_STATUS.unauthorized);
  const fault = options.fault ?? 'ok';
  if (fault === 'tryLater') return ocspErrorResponse(OCSP_RESPONSE_STATUS.tryLater);

  let request: pkijs.OCSPRequest;
  try {
    request = pkijs.OCSPRequest.fromBER(toArrayBuffer(requestDer));
  } catch {
    return ocspErrorResponse(OCSP_RESPONSE_STATUS.malformedRequest);
  }
  const { requestList, requestExtensions } = request.tbsRequest;
  if (requestList.length === 0) return ocspErrorResponse(OCSP_RESPONSE_STATUS.malformedRequest);

  const now = wholeSeconds(options.now);
  const validityMs = options.validitySeconds * 1000;
  const [thisUpdate, nextUpdate] =
    fault === 'staleNextUpdate'
      ? [new Date(now.getTime() - 2 * validityMs), new Date(now.getTime() - validityMs)]
      : fault === 'noNextUpdate'
        ? [now, undefined]
        : [now, new Date(now.getTime() + validityMs)];

  const responses = requestList.map(({ reqCert }) => {
    if (fault === 'wrongCertId') {
      const other = new pkijs.CertID({
        hashAlgorithm: reqCert.hashAlgorithm,
        issuerNameHash: reqCert.issuerNameHash,
        issuerKeyHash: reqCert.issuerKeyHash,
        serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(randomSerial()) }),
      });
      return new pkijs.SingleResponse({
        certID: other,
        certStatus: certStatus('good'),
        thisUpdate,
        ...(nextUpdate ? { nextUpdate } : {}),
      });
    }
    return new pkijs.SingleResponse({
      certID: reqCert,
      certStatus: certStatus(lookup(state, issuer, reqCert)),
      thisUpdate,
      ...(nextUpdate ? { nextUpdate } : {}),
    });
  });

  // Nonce (RFC 8954): echo the request's extension value byte for byte.
  const nonce = requestExtensions?.find((e) => e.extnID === OID.ocspNonce);
  const nonceValue =
    fault === 'wrongNonce'
      ? new asn1js.OctetString({ valueHex: toArrayBuffer(randomBytes(32)) }).toBER(false)
      : nonce === undefined
        ? undefined
        : toArrayBuffer(nonce.extnValue.valueBlock.valueHexView);
  const signer: Signer =
    fault === 'unauthorizedResponder' ? (await lookAlikeOf(state, issuer)).responder : issuer.responder;

  const tbsResponseData = new pkijs.ResponseData({
    // byKey: SHA-1 of the responder's subjectPublicKey bits (RFC 6960 §4.2.1).
    responderID: new asn1js.OctetString({
      valueHex: toArrayBuffer(keyIdentifier(signer.certificate.subjectPublicKeyInfo)),
    }),
    producedAt: now,
    responses,
    ...(nonceValue === undefined
      ? {}
      : {
          responseExtensions: [
            new pkijs.Extension({ extnID: OID.ocspNonce, critical: false, extnValue: nonceValue }),
          ],
        }),
  });
  // pkijs types ResponseData.toSchema() as any; it is the ResponseData SEQUENCE.
  tbsResponseData.tbsView = new Uint8Array((tbsResponseData.toSchema(true) as asn1js.Sequence).toBER(false));
  const signature = await signSha256Rsa(signer.privateKey, toArrayBuffer(tbsResponseData.tbsView));
  if (fault === 'badSignature')
    signature[signature.length >> 1] = (signature[signature.length >> 1] ?? 0) ^ 0xff;
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData,
    signatureAlgorithm: sha256WithRsa(),
    signature: new asn1js.BitString({ valueHex: toArrayBuffer(signature) }),
    certs: [signer.certificate],
  });
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: OCSP_RESPONSE_STATUS.successful }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: OID.ocspBasic,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}

/** good / revoked / unknown for one CertID asked of `issuer`. */
function lookup(state: PkiState, issuer: IssuerState, certId: pkijs.CertID): 'good' | 'unknown' | Revocation {
  const hash = CERT_ID_HASHES[certId.hashAlgorithm.algorithmId];
  if (!hash) return 'unknown';
  const ca = issuer.intermediate.certificate;
  const nameHash = digest(hash, new Uint8Array(ca.subject.toSchema().toBER(false)));
  const keyHash = digest(hash, ca.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  if (
    !sameBytes(certId.issuerNameHash.valueBlock.valueHexView, nameHash) ||
    !sameBytes(certId.issuerKeyHash.valueBlock.valueHexView, keyHash)
  )
    return 'unknown';
  const serial = bytesToHex(certId.serialNumber.valueBlock.valueHexView);
  const record = state.issued.get(serial);
  if (!record || record.issuer !== issuer.spec.id || !isIssuerIssued(record)) return 'unknown';
  return state.revocations.get(serial) ?? 'good';
}

/** CertStatus CHOICE: good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL. */
function certStatus(status: 'good' | 'unknown' | Revocation): asn1js.BaseBlock {
  if (status === 'good' || status === 'unknown') {
    return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: status === 'good' ? 0 : 2 } });
  }
  const reason =
    status.reason === null
      ? []
      : [
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [new asn1js.Enumerated({ value: status.reason })],
          }),
        ];
  return new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 1 },
    value: [new asn1js.GeneralizedTime({ valueDate: status.at }), ...reason],
  });
}
