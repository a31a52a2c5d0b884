/**
 * RFC 3161 time-stamping: a client that asks a time-stamping authority (TSA) for a token
 * over some bytes, and an offline verifier of such a token. The verifier needs no database
 * and no configuration, only the token, the bytes and the trusted TSA roots, so it runs in
 * the portal (signature evidence, the receipt's seal) and in an offline package check alike.
 */
import { createHash, randomBytes, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { basicConstraints, ensurePkijsEngine, extendedKeyUsage, isIssuedBy, parseCertificate, SIGNATURE_HASH, toArrayBuffer, type ParsedCertificate } from './pki.js';

export const TSA_OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  extKeyUsage: '2.5.29.37',
} as const;

const HASH_BY_OID: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512' | undefined>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export type TsaErrorCode = 'unavailable' | 'rejected' | 'invalid_response';

/** Why a timestamp could not be had. `detail` names the TSA's answer, never the stamped data. */
export class TsaError extends Error {
  readonly code: TsaErrorCode;
  constructor(code: TsaErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.code = code;
    this.name = 'TsaError';
  }
}

export interface TsaClientConfig {
  readonly url: string;
  readonly timeoutMs: number;
  /** When given, a token that does not verify against these roots (DER) is refused. */
  readonly anchors?: readonly Uint8Array[];
  /** Default 256 KiB: a token with its chain is a few KiB. */
  readonly maxResponseBytes?: number;
}

export interface TimestampToken {
  /** The TimeStampToken: a CMS ContentInfo (SignedData over TSTInfo), DER. */
  readonly tokenDer: Uint8Array;
  readonly genTime: Date;
  readonly serialHex: string;
}

export interface ParsedTimestampToken {
  readonly genTime: Date;
  readonly policy: string;
  readonly serialHex: string;
  readonly nonceHex: string | undefined;
  readonly imprint: { readonly hashAlgorithm: string; readonly hash: Uint8Array };
  /** The certificates the token carries (DER), and among them the TSA's, when carried. */
  readonly certificates: readonly Uint8Array[];
  readonly tsaCertificate: Uint8Array | undefined;
}

export interface TimestampVerification {
  ok: boolean;
  genTime: Date | undefined;
  checks: { signature: boolean; imprint: boolean; chain: boolean; eku: boolean; validity: boolean };
  detail?: string;
}

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

/** A positive INTEGER of 8 random bytes, minimally encoded (no leading zero byte). */
function randomNonce(): Uint8Array {
  const nonce = new Uint8Array(randomBytes(8));
  nonce[0] = ((nonce[0] ?? 0) & 0x7f) | 0x40;
  return nonce;
}

/** TimeStampReq v1 over SHA-256 of `data`, with a random nonce, asking for the TSA's certificate. */
export function timeStampRequest(data: Uint8Array): { der: Uint8Array; nonce: Uint8Array } {
  const nonce = randomNonce();
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: TSA_OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(data)) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  return { der: new Uint8Array(req.toSchema().toBER(false)), nonce };
}

/**
 * Asks the TSA at `config.url` for a token over SHA-256 of `data` and checks the answer:
 * granted, our nonce, our imprint (and, with `config.anchors`, the whole token). Throws
 * TsaError: `unavailable` (no answer, an HTTP error, a timeout), `rejected` (the TSA said
 * no), `invalid_response`.
 */
export async function requestTimestamp(config: TsaClientConfig, data: Uint8Array): Promise<TimestampToken> {
  const request = timeStampRequest(data);
  let body: Uint8Array;
  try {
    const response = await fetch(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: Buffer.from(request.der),
      signal: AbortSignal.timeout(config.timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new TsaError('unavailable', `HTTP ${response.status}`);
    }
    body = await readBounded(response, config.maxResponseBytes ?? 256 * 1024);
  } catch (err) {
    if (err instanceof TsaError) throw err;
    throw new TsaError('unavailable', (err as Error).name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : (err as Error).message);
  }
  const tokenDer = tokenOfResponse(body);
  let parsed: ParsedTimestampToken;
  try {
    parsed = parseTimestampToken(tokenDer);
  } catch (err) {
    throw new TsaError('invalid_response', `token: ${(err as Error).message}`);
  }
  if (parsed.nonceHex !== Buffer.from(request.nonce).toString('hex')) throw new TsaError('invalid_response', 'the nonce is not ours');
  if (parsed.imprint.hashAlgorithm !== TSA_OID.sha256 || !Buffer.from(parsed.imprint.hash).equals(sha256(data))) {
    throw new TsaError('invalid_response', 'the message imprint is not of our data');
  }
  if (config.anchors) {
    const verified = verifyTimestampToken(tokenDer, data, config.anchors);
    if (!verified.ok) throw new TsaError('invalid_response', `token does not verify: ${verified.detail ?? 'unknown'}`);
  }
  return { tokenDer, genTime: parsed.genTime, serialHex: parsed.serialHex };
}

async function readBounded(response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > max) throw new TsaError('invalid_response', `answer of ${declared} bytes`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new TsaError('invalid_response', `answer over ${max} bytes`);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The token of a TimeStampResp, or a TsaError saying why there is none. */
function tokenOfResponse(der: Uint8Array): Uint8Array {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(der));
  } catch (err) {
    throw new TsaError('invalid_response', `not a TimeStampResp: ${(err as Error).message}`);
  }
  const status = resp.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ') ?? '';
    throw new TsaError('rejected', `status ${status}${text ? ` (${text.slice(0, 200)})` : ''}`);
  }
  if (!resp.timeStampToken) throw new TsaError('invalid_response', 'granted without a token');
  return new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
}

function octets(block: unknown): Uint8Array {
  if (!(block instanceof asn1js.OctetString)) throw new Error('expected an OCTET STRING');
  if (!block.idBlock.isConstructed) return new Uint8Array(block.valueBlock.valueHexView);
  return new Uint8Array(Buffer.concat(block.valueBlock.value.map((part) => octets(part))));
}

const hex = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
/** An INTEGER as lower-case hex without leading zero bytes. */
const integerHex = (int: asn1js.Integer): string => hex(int.valueBlock.valueHexView).replace(/^(00)+(?=..)/, '');

interface OpenedToken {
  signed: pkijs.SignedData;
  tstInfoDer: Uint8Array;
  tstInfo: pkijs.TSTInfo;
  certificates: pkijs.Certificate[];
}

function openToken(tokenDer: Uint8Array): OpenedToken {
  ensurePkijsEngine();
  const asn1 = asn1js.fromBER(toArrayBuffer(tokenDer));
  if (asn1.offset === -1 || asn1.offset !== tokenDer.byteLength) throw new Error('the token is not a single DER object');
  const info = new pkijs.ContentInfo({ schema: asn1.result });
  if (info.contentType !== TSA_OID.signedData) throw new Error('the token is not CMS SignedData');
  const signed = new pkijs.SignedData({ schema: info.content });
  if (signed.encapContentInfo.eContentType !== TSA_OID.tstInfo) throw new Error('the token does not hold a TSTInfo');
  const tstInfoDer = octets(signed.encapContentInfo.eContent);
  const tstInfo = pkijs.TSTInfo.fromBER(toArrayBuffer(tstInfoDer));
  const certificates = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  return { signed, tstInfoDer, tstInfo, certificates };
}

function signerCertificateOf(signed: pkijs.SignedData, pool: readonly pkijs.Certificate[]): pkijs.Certificate | undefined {
  const sid: unknown = signed.signerInfos[0]?.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) return pool.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  const wanted = sid instanceof asn1js.Constructed ? (sid.valueBlock.value[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView : sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : undefined;
  if (!wanted || wanted.byteLength === 0) return undefined;
  return pool.find((c) => {
    const ext = c.extensions?.find((e) => e.extnID === '2.5.29.14');
    const ski = ext ? asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result : undefined;
    return ski instanceof asn1js.OctetString && Buffer.from(ski.valueBlock.valueHexView).equals(Buffer.from(wanted));
  });
}

const certDer = (c: pkijs.Certificate): Uint8Array => new Uint8Array(c.toSchema().toBER(false));

/** The facts of a token, without checking it: genTime, imprint, serial, the TSA certificate. */
export function parseTimestampToken(tokenDer: Uint8Array): ParsedTimestampToken {
  const { signed, tstInfo, certificates } = openToken(tokenDer);
  const tsa = signerCertificateOf(signed, certificates);
  return {
    genTime: tstInfo.genTime,
    policy: tstInfo.policy,
    serialHex: integerHex(tstInfo.serialNumber),
    nonceHex: tstInfo.nonce ? integerHex(tstInfo.nonce) : undefined,
    imprint: { hashAlgorithm: tstInfo.messageImprint.hashAlgorithm.algorithmId, hash: new Uint8Array(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView) },
    certificates: certificates.map(certDer),
    tsaCertificate: tsa ? certDer(tsa) : undefined,
  };
}

/** Checks the CMS signature over the TSTInfo: content type and digest attributes, then the signature. */
function signatureHolds(opened: OpenedToken, signer: ParsedCertificate): string | undefined {
  const { signed, tstInfoDer } = opened;
  if (signed.signerInfos.length !== 1) return `${signed.signerInfos.length} signers`;
  const info = signed.signerInfos[0];
  const attrs = info?.signedAttrs;
  if (!info || !attrs) return 'no signed attributes';
  const values = (oid: string): unknown[] => attrs.attributes.filter((a) => a.type === oid).flatMap((a): unknown[] => a.values as unknown[]);
  const ct: unknown = values(TSA_OID.contentType)[0];
  if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== TSA_OID.tstInfo) return 'contentType attribute is not TSTInfo';
  const hashName = HASH_BY_OID[info.digestAlgorithm.algorithmId];
  if (!hashName) return `digest algorithm ${info.digestAlgorithm.algorithmId}`;
  const md: unknown = values(TSA_OID.messageDigest)[0];
  if (!(md instanceof asn1js.OctetString) || !Buffer.from(md.valueBlock.valueHexView).equals(createHash(hashName).update(tstInfoDer).digest())) {
    return 'messageDigest attribute is not the digest of the TSTInfo';
  }
  if (values(TSA_OID.signingCertificate).length + values(TSA_OID.signingCertificateV2).length === 0) return 'no signing-certificate attribute';
  const signedAttrsDer = new Uint8Array(attrs.encodedValue.slice(0));
  signedAttrsDer[0] = 0x31; // verified as SET OF, not the [0] IMPLICIT tag (RFC 5652 §5.4)
  const sigAlg = info.signatureAlgorithm.algorithmId;
  const hash = SIGNATURE_HASH[sigAlg] ?? (sigAlg === '1.2.840.113549.1.1.1' || sigAlg === '1.2.840.10045.2.1' ? hashName : undefined);
  if (!hash || hash === 'sha1') return `signature algorithm ${sigAlg}`;
  try {
    if (!cryptoVerify(hash, signedAttrsDer, signer.x509.publicKey, info.signature.valueBlock.valueHexView)) return 'the signature does not verify with the TSA certificate';
  } catch {
    return 'the signature does not verify with the TSA certificate';
  }
  return undefined;
}

const validAt = (cert: ParsedCertificate, at: Date): boolean => new Date(cert.x509.validFrom) <= at && at <= new Date(cert.x509.validTo);

/** A path from `leaf` through carried intermediates (CA, valid at `at`) to one of the anchors. */
function chainsToAnchor(leaf: ParsedCertificate, pool: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[], at: Date): boolean {
  if (anchors.some((a) => Buffer.from(a.der).equals(Buffer.from(leaf.der)))) return true; // the TSA certificate itself is trusted
  let current = leaf;
  for (let depth = 0; depth < 6; depth++) {
    if (anchors.some((a) => isIssuedBy(current, a))) return true;
    const next = pool.find((c) => c !== current && basicConstraints(c).ca && validAt(c, at) && isIssuedBy(current, c));
    if (!next) return false;
    current = next;
  }
  return false;
}

/**
 * Verifies a token offline over `data`: the CMS signature over the TSTInfo, that its imprint
 * is the hash of `data`, that the TSA certificate (carried, or among `extraCertificates`)
 * chains to one of `anchors` (DER), has the critical extended key usage id-kp-timeStamping,
 * and was valid at genTime.
 */
export function verifyTimestampToken(
  tokenDer: Uint8Array,
  data: Uint8Array,
  anchors: readonly Uint8Array[],
  extraCertificates: readonly Uint8Array[] = [],
): TimestampVerification {
  const checks = { signature: false, imprint: false, chain: false, eku: false, validity: false };
  let opened: OpenedToken;
  try {
    opened = openToken(tokenDer);
  } catch (err) {
    return { ok: false, genTime: undefined, checks, detail: `unreadable token: ${(err as Error).message}` };
  }
  const genTime = opened.tstInfo.genTime;
  const problems: string[] = [];
  const imprint = opened.tstInfo.messageImprint;
  const hashName = HASH_BY_OID[imprint.hashAlgorithm.algorithmId];
  checks.imprint = hashName !== undefined && Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(createHash(hashName).update(data).digest());
  if (!checks.imprint) problems.push('the imprint is not the hash of the data');

  const pool: pkijs.Certificate[] = [...opened.certificates];
  for (const der of extraCertificates) {
    try {
      pool.push(pkijs.Certificate.fromBER(toArrayBuffer(der)));
    } catch {
      // an unreadable extra certificate is simply not a candidate
    }
  }
  const signerCert = signerCertificateOf(opened.signed, pool);
  let signer: ParsedCertificate | undefined;
  try {
    signer = signerCert ? parseCertificate(certDer(signerCert)) : undefined;
  } catch {
    signer = undefined;
  }
  if (!signer) {
    problems.push('the TSA certificate is neither in the token nor given');
    return { ok: false, genTime, checks, detail: problems.join('; ') };
  }
  const problem = signatureHolds(opened, signer);
  checks.signature = problem === undefined;
  if (problem) problems.push(problem);
  const ekuExt = signer.pkijs.extensions?.find((e) => e.extnID === TSA_OID.extKeyUsage);
  checks.eku = ekuExt?.critical === true && extendedKeyUsage(signer).includes(TSA_OID.timeStamping);
  if (!checks.eku) problems.push('the TSA certificate lacks the critical extended key usage id-kp-timeStamping');
  checks.validity = validAt(signer, genTime);
  if (!checks.validity) problems.push('genTime is outside the TSA certificate’s validity');
  const parsedAnchors = anchors.flatMap((der) => {
    try {
      return [parseCertificate(der)];
    } catch {
      return [];
    }
  });
  const parsedPool = pool.flatMap((c) => {
    try {
      return [parseCertificate(certDer(c))];
    } catch {
      return [];
    }
  });
  checks.chain = chainsToAnchor(signer, parsedPool, parsedAnchors, genTime);
  if (!checks.chain) problems.push('the TSA certificate does not chain to a trusted TSA root');
  const ok = Object.values(checks).every(Boolean);
  return { ok, genTime, checks, ...(ok ? {} : { detail: problems.join('; ') }) };
}
