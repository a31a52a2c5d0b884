/**
 * Verification of a card signature: a CMS SignedData (RFC 5652) over the sign request's
 * canonical document, detached or enveloping, made with the card's signing certificate
 * (nonRepudiation). Checks the signed attributes (content type, message digest equal to the
 * request's digest), the signature, the certificate (chain, validity, key usage, OCSP) and
 * that the signer is the person asked to sign. The same checks run again, offline, over
 * stored evidence (then against the OCSP answer stored with it).
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SIGNATURE_HASH, ensurePkijsEngine, parseCertificate, toArrayBuffer, type ParsedCertificate } from '../platform/pki.js';
import type { MethodReverifier } from '../signing/service.js';
import type { IssuerProfile } from './issuers.js';
import { OcspError, verifyOcspResponse, type OcspClient, type OcspResult } from './ocsp.js';
import { mayIssueNext, personnummerOf, verifyCardCertificate, type CardErrorCode, type ValidCard } from './validate.js';

export type CardSignatureError =
  | CardErrorCode
  | 'cms_malformed'
  | 'content_mismatch'
  | 'digest_mismatch'
  | 'bad_signature'
  | 'signer_certificate_missing'
  | 'not_a_signing_certificate'
  | 'wrong_person'
  | 'signing_time_invalid';

const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_DATA = '1.2.840.113549.1.7.1';
const ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ATTR_SIGNING_TIME = '1.2.840.113549.1.9.5';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const MAX_CMS_BYTES = 256 * 1024;

const HASH_OF_DIGEST: Record<string, string | undefined> = {
  [SHA256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface CardSignatureEvidence {
  format: 'cms-v1';
  issuerId: string;
  /** base64 DER */
  cms: string;
  chain: string[];
  ocsp: string;
  signingTime: string | null;
}

interface ParsedSignature {
  signer: ParsedCertificate;
  signingTime: Date | null;
}

/**
 * The bytes of the encapsulated content, or undefined when it is not an OCTET STRING (a
 * hostile CMS can put any constructed value there; found by fuzzing).
 */
function bytesOf(value: unknown): Uint8Array | undefined {
  if (!(value instanceof asn1js.OctetString)) return undefined;
  if (value.idBlock.isConstructed) {
    const inner: unknown = value.valueBlock.value;
    if (!Array.isArray(inner) || !inner.every((v) => v instanceof asn1js.OctetString && !v.idBlock.isConstructed)) return undefined;
    return new Uint8Array(Buffer.concat(inner.map((v: asn1js.OctetString) => Buffer.from(v.valueBlock.valueHexView))));
  }
  return value.valueBlock.valueHexView;
}

/** Parses and checks everything that needs no network: structure, content, digest, signature. */
function checkCms(cmsDer: Uint8Array, document: string, digestHex: string): ParsedSignature | { error: CardSignatureError; detail: string } {
  ensurePkijsEngine();
  if (cmsDer.byteLength === 0 || cmsDer.byteLength > MAX_CMS_BYTES) return { error: 'cms_malformed', detail: 'empty or too large' };
  let signed: pkijs.SignedData;
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(cmsDer));
    if (asn1.offset === -1) throw new Error('not BER');
    // Exactly one object: bytes after it would ride along into the evidence unsigned (found by fuzzing).
    if (asn1.offset !== cmsDer.byteLength) throw new Error('data after the CMS');
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== ID_SIGNED_DATA) return { error: 'cms_malformed', detail: `content type ${info.contentType}` };
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (err) {
    return { error: 'cms_malformed', detail: (err as Error).message };
  }
  if (signed.signerInfos.length !== 1) return { error: 'cms_malformed', detail: `${signed.signerInfos.length} signers` };
  const signerInfo = signed.signerInfos[0];
  if (!signerInfo) return { error: 'cms_malformed', detail: 'no signer' };
  if (signed.encapContentInfo.eContentType !== ID_DATA) return { error: 'cms_malformed', detail: 'encapsulated content is not data' };

  const documentBytes = Buffer.from(document, 'utf8');
  const eContent = signed.encapContentInfo.eContent;
  if (eContent) {
    const content = bytesOf(eContent);
    if (!content) return { error: 'cms_malformed', detail: 'encapsulated content is not an octet string' };
    if (!Buffer.from(content).equals(documentBytes)) return { error: 'content_mismatch', detail: 'enveloped content differs from the document' };
  }

  const attrs = signerInfo.signedAttrs;
  if (!attrs) return { error: 'cms_malformed', detail: 'no signed attributes' };
  const attr = (oid: string) => attrs.attributes.filter((a) => a.type === oid);
  const contentType = attr(ATTR_CONTENT_TYPE);
  const ct: unknown = contentType[0]?.values[0];
  if (contentType.length !== 1 || !(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== ID_DATA) {
    return { error: 'cms_malformed', detail: 'contentType attribute missing or wrong' };
  }
  const digests = attr(ATTR_MESSAGE_DIGEST);
  const md: unknown = digests[0]?.values[0];
  if (digests.length !== 1 || !(md instanceof asn1js.OctetString)) return { error: 'cms_malformed', detail: 'messageDigest attribute missing' };
  const hashName = HASH_OF_DIGEST[signerInfo.digestAlgorithm.algorithmId];
  if (hashName !== 'sha256') return { error: 'digest_mismatch', detail: `digest algorithm ${signerInfo.digestAlgorithm.algorithmId}` };
  const signedDigest = Buffer.from(md.valueBlock.valueHexView).toString('hex');
  const documentDigest = createHash('sha256').update(documentBytes).digest('hex');
  if (signedDigest !== documentDigest || signedDigest !== digestHex) {
    return { error: 'digest_mismatch', detail: 'the signed digest is not the digest of the document asked for' };
  }
  let signingTime: Date | null = null;
  const st: unknown = attr(ATTR_SIGNING_TIME)[0]?.values[0];
  if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) signingTime = st.toDate();

  // The signer's certificate, named by issuer and serial number (or subject key id).
  const certs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid: unknown = signerInfo.sid;
  // subjectKeyIdentifier [0] IMPLICIT OCTET STRING (`openssl cms -keyid`): read as a
  // context-specific primitive, or as a constructed block holding the octets.
  const wanted =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? undefined
      : sid instanceof asn1js.Constructed
        ? (sid.valueBlock.value[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView
        : sid instanceof asn1js.Primitive
          ? sid.valueBlock.valueHexView
          : undefined;
  const signerCert = certs.find((c) => {
    if (sid instanceof pkijs.IssuerAndSerialNumber) return c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber);
    const skiExt = c.extensions?.find((e) => e.extnID === '2.5.29.14');
    const ski = skiExt ? asn1js.fromBER(skiExt.extnValue.valueBlock.valueHexView).result : undefined;
    return ski instanceof asn1js.OctetString && wanted !== undefined && wanted.byteLength > 0 && Buffer.from(ski.valueBlock.valueHexView).equals(Buffer.from(wanted));
  });
  if (!signerCert) return { error: 'signer_certificate_missing', detail: 'the CMS does not carry the signer certificate' };
  let signer: ParsedCertificate;
  try {
    signer = parseCertificate(new Uint8Array(signerCert.toSchema().toBER()));
  } catch (err) {
    // pkijs reads certificates node:crypto refuses (e.g. a key that does not decode): found by fuzzing.
    return { error: 'cms_malformed', detail: `signer certificate: ${(err as Error).message}` };
  }

  const signedAttrsDer = new Uint8Array(attrs.encodedValue.slice(0));
  signedAttrsDer[0] = 0x31; // verified as SET OF, not the [0] IMPLICIT tag (RFC 5652 §5.4)
  const sigAlg = signerInfo.signatureAlgorithm.algorithmId;
  // SHA-1 is not accepted for a signature made today.
  const hash = (SIGNATURE_HASH[sigAlg] === 'sha1' ? undefined : SIGNATURE_HASH[sigAlg]) ?? (sigAlg === '1.2.840.113549.1.1.1' || sigAlg === '1.2.840.10045.2.1' ? hashName : undefined);
  if (!hash) return { error: 'bad_signature', detail: `signature algorithm ${sigAlg}` };
  let ok = false;
  try {
    ok = cryptoVerify(hash, signedAttrsDer, signer.x509.publicKey, signerInfo.signature.valueBlock.valueHexView);
  } catch {
    ok = false;
  }
  if (!ok) return { error: 'bad_signature', detail: 'the signature does not verify with the signer certificate' };
  return { signer, signingTime };
}

export type CardSignatureResult =
  | { ok: true; card: ValidCard; signingTime: Date | null; evidence: CardSignatureEvidence }
  | { ok: false; code: CardSignatureError; detail: string };

/** Verifies a fresh card signature for a sign request (live OCSP). */
export async function verifyCardSignature(input: {
  cmsDer: Uint8Array;
  document: string;
  digest: string;
  /** Whose card must have signed; null for a self-test, where anyone's card may. */
  personnummer: string | null;
  at: Date;
  profiles: readonly IssuerProfile[];
  isMethodEnabled: (profile: IssuerProfile) => Promise<boolean>;
  ocsp: OcspClient;
}): Promise<CardSignatureResult> {
  const checked = checkCms(input.cmsDer, input.document, input.digest);
  if ('error' in checked) return { ok: false, code: checked.error, detail: checked.detail };
  const skew = 5 * 60_000;
  if (checked.signingTime && Math.abs(checked.signingTime.getTime() - input.at.getTime()) > 24 * 3600_000 + skew) {
    return { ok: false, code: 'signing_time_invalid', detail: 'signingTime far from now' };
  }
  const validation = await verifyCardCertificate({
    der: checked.signer.der,
    purpose: 'signature',
    at: input.at,
    profiles: input.profiles,
    isMethodEnabled: input.isMethodEnabled,
    ocsp: input.ocsp,
  });
  if (!validation.ok) {
    return { ok: false, code: validation.code === 'wrong_key_usage' ? 'not_a_signing_certificate' : validation.code, detail: validation.detail };
  }
  const card = validation.card;
  if (input.personnummer !== null && card.personnummer !== input.personnummer) return { ok: false, code: 'wrong_person', detail: 'signed with another person’s card' };
  return {
    ok: true,
    card,
    signingTime: checked.signingTime,
    evidence: {
      format: 'cms-v1',
      issuerId: card.profile.id,
      cms: Buffer.from(input.cmsDer).toString('base64'),
      chain: card.chain.map((c) => Buffer.from(c.der).toString('base64')),
      ocsp: Buffer.from(card.ocsp.responseDer).toString('base64'),
      signingTime: checked.signingTime?.toISOString() ?? null,
    },
  };
}

/**
 * Re-verifies stored evidence without the network: CMS and digest, the chain to a
 * configured anchor (each link as mayIssueNext requires), validity and key usage at
 * signing time, and the stored OCSP answer (signed by an authorised responder, "good",
 * current at signing time).
 */
export function reverifyCardEvidence(input: {
  evidence: CardSignatureEvidence;
  document: string;
  digest: string;
  personnummer: string;
  signedAt: Date;
  profiles: readonly IssuerProfile[];
}): { ok: boolean; code?: string; checks: Record<string, boolean>; detail?: string } {
  const checks: Record<string, boolean> = { signature: false, chain: false, certificate: false, ocsp: false, signer: false };
  const checked = checkCms(new Uint8Array(Buffer.from(input.evidence.cms, 'base64')), input.document, input.digest);
  if ('error' in checked) return { ok: false, code: checked.error, checks, detail: checked.detail };
  checks['signature'] = true;
  const at = input.signedAt;
  const profile = input.profiles.find((p) => p.id === input.evidence.issuerId);
  let chain: ParsedCertificate[];
  try {
    chain = input.evidence.chain.map((b64) => parseCertificate(new Uint8Array(Buffer.from(b64, 'base64'))));
  } catch (err) {
    // Evidence whose chain no longer parses is invalid evidence, not a failure of the check (found by fuzzing).
    return { ok: false, code: 'evidence_invalid', checks, detail: `chain: ${(err as Error).message}` };
  }
  const [leaf, issuer] = chain;
  const anchor = chain[chain.length - 1];
  const anchorTrusted = profile?.anchors.some((a) => anchor && Buffer.from(a.der).equals(Buffer.from(anchor.der))) ?? false;
  // Each certificate issued by the next under the same rules as at signing (CA, pathLen, no loops, depth).
  const linked = chain.length >= 2 && chain.every((c, i) => i === 0 || mayIssueNext(chain.slice(0, i), c));
  checks['chain'] = !!leaf && Buffer.from(leaf.der).equals(Buffer.from(checked.signer.der)) && anchorTrusted && linked;
  const validAt = chain.every((c) => new Date(c.x509.validFrom).getTime() <= at.getTime() && new Date(c.x509.validTo).getTime() >= at.getTime());
  checks['certificate'] = validAt;
  if (leaf && issuer) {
    try {
      const ocsp: Omit<OcspResult, 'fromCache'> = verifyOcspResponse({
        responseDer: new Uint8Array(Buffer.from(input.evidence.ocsp, 'base64')),
        cert: leaf,
        issuer,
        now: at,
        skewMs: 5 * 60_000,
      });
      checks['ocsp'] = ocsp.status === 'good';
    } catch (err) {
      checks['ocsp'] = false;
      if (!(err instanceof OcspError)) throw err;
    }
  }
  // The personal number as the live check read it: with the profile's configured prefixes.
  const person = leaf && profile ? personnummerOf(leaf, profile) : undefined;
  checks['signer'] = person?.ok === true && person.personnummer === input.personnummer;
  const ok = Object.values(checks).every(Boolean);
  return ok ? { ok, checks } : { ok, code: 'evidence_invalid', checks };
}

/** The card methods' re-verifier for `signing`: stored evidence checked against the issuer profiles. */
export function cardReverifier(profiles: readonly IssuerProfile[]): MethodReverifier {
  return {
    reverify: (evidence) =>
      Promise.resolve(
        reverifyCardEvidence({
          evidence: JSON.parse(evidence.evidence) as CardSignatureEvidence,
          document: evidence.document,
          digest: evidence.digest,
          personnummer: evidence.signer_personnummer,
          signedAt: new Date(evidence.signed_at),
          profiles,
        }),
      ),
  };
}
