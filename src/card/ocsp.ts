/**
 * OCSP (RFC 6960) client: asks the responder about one certificate and accepts the answer
 * only when it is signed by the issuer or by a responder the issuer authorised
 * (id-kp-OCSPSigning), is about exactly the certificate asked for, is fresh (thisUpdate /
 * nextUpdate) and echoes our nonce if it echoes one at all. Good and revoked answers are
 * cached until nextUpdate. Anything else is an error: the caller fails closed.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Clock } from '../platform/clock.js';
import { PortalError, type ErrorMeaning } from '../platform/errors.js';
import type { TtlStore } from '../platform/store/port.js';
import {
  OID,
  ensurePkijsEngine,
  extendedKeyUsage,
  isIssuedBy,
  parseCertificate,
  toArrayBuffer,
  verifySignature,
  type ParsedCertificate,
} from '../platform/pki.js';

export type OcspErrorCode =
  | 'unreachable'
  | 'http_error'
  | 'malformed'
  | 'not_successful'
  | 'bad_signature'
  | 'unauthorized_responder'
  | 'wrong_certificate'
  | 'stale'
  | 'nonce_mismatch';

/**
 * Whatever went wrong, the card cannot be checked now and nobody is let in with it: told as
 * "cannot check with the issuer, try again in a while". The responder unreachable is 503;
 * an answer we cannot accept is 502 (a bad gateway). Callers mostly turn it into a refusal
 * of their own (card login, card and BankID signatures); one that escapes is shown so.
 */
function meaning(code: OcspErrorCode): ErrorMeaning {
  return { status: code === 'unreachable' || code === 'http_error' ? 503 : 502, message: 'card.error.ocsp_unavailable' };
}

export class OcspError extends PortalError<OcspErrorCode> {
  constructor(code: OcspErrorCode, detail: string) {
    super(code, meaning(code), detail, { logMessage: `OCSP ${code}: ${detail}` });
    this.name = 'OcspError';
  }
}

export interface OcspResult {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: Date | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
  producedAt: Date;
  /** The full DER OCSPResponse: kept as evidence, re-verifiable offline. */
  responseDer: Uint8Array;
  fromCache: boolean;
}

export interface OcspOptions {
  clock: Clock;
  store: TtlStore;
  timeoutMs: number;
  /** Allowed clock difference to the responder. */
  skewMs?: number;
  /**
   * Without nextUpdate, how long a login may reuse an answer. Default 0: RFC 6960 §2.4 says
   * newer information is then always available, so such answers are not cached.
   */
  defaultCacheSeconds?: number;
  fetch?: typeof fetch;
  /** Told where each answer came from, or that the responder gave none we can use (for metrics). */
  onLookup?: (source: 'cache' | 'responder' | 'error') => void;
}

interface CachedAnswer {
  status: 'good' | 'revoked';
  revokedAt: string | null;
  thisUpdate: string;
  nextUpdate: string | null;
  producedAt: string;
  response: string;
  /** Until when (epoch ms) a login may reuse it: its nextUpdate, or fetched + defaultCacheSeconds. Absent in entries written before it was kept. */
  until?: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export function createOcspClient(options: OcspOptions) {
  ensurePkijsEngine();
  const { clock, store, timeoutMs } = options;
  const skewMs = options.skewMs ?? 5 * 60_000;
  const doFetch = options.fetch ?? fetch;
  const stats = { requests: 0, cacheHits: 0 };
  // Signed answers do not change before nextUpdate: a small in-process copy in front of the
  // shared store spares a store read per login. It is kept exactly as long as the stored
  // entry may be reused (its `until`), never longer. Bounded; evicted oldest first.
  const memory = new Map<string, { until: number; result: Omit<OcspResult, 'fromCache'> }>();
  const remember = (cacheKey: string, answer: CachedAnswer, until: number) => {
    memory.set(cacheKey, { until, result: resultOf(answer) });
    if (memory.size > 5000) {
      const oldest = memory.keys().next().value;
      if (oldest !== undefined) memory.delete(oldest);
    }
  };
  // The store key names the issuer by the SHA-256 of its certificate: worked out once per issuer.
  const issuerKeys = new WeakMap<ParsedCertificate, string>();
  const issuerKeyOf = (issuer: ParsedCertificate): string => {
    let key = issuerKeys.get(issuer);
    if (key === undefined) {
      key = createHash('sha256').update(issuer.der).digest('base64url');
      issuerKeys.set(issuer, key);
    }
    return key;
  };

  const noNextUpdateMs = (options.defaultCacheSeconds ?? 0) * 1000;

  /**
   * The certificate's status. `fresh` (signatures: the evidence must say what the issuer
   * says now) always asks the responder; otherwise a cached answer is used until its
   * nextUpdate (or `defaultCacheSeconds` when it has none).
   */
  async function check(cert: ParsedCertificate, issuer: ParsedCertificate, url: string, use: { fresh?: boolean } = {}): Promise<OcspResult> {
    const cacheKey = `ocsp:${issuerKeyOf(issuer)}:${cert.x509.serialNumber}`;
    if (!use.fresh) {
      const now = clock.now().getTime();
      const inMemory = memory.get(cacheKey);
      if (inMemory && inMemory.until > now) {
        options.onLookup?.('cache');
        stats.cacheHits++;
        const r = inMemory.result;
        // Copies: what a caller does with its answer never changes the next one.
        return {
          status: r.status,
          revokedAt: r.revokedAt ? new Date(r.revokedAt.getTime()) : null,
          thisUpdate: new Date(r.thisUpdate.getTime()),
          nextUpdate: r.nextUpdate ? new Date(r.nextUpdate.getTime()) : null,
          producedAt: new Date(r.producedAt.getTime()),
          responseDer: r.responseDer.slice(),
          fromCache: true,
        };
      }
      if (inMemory) memory.delete(cacheKey);
      const cached = await store.find<CachedAnswer>(cacheKey);
      if (cached) {
        options.onLookup?.('cache');
        // Kept in memory only as long as the stored entry may be reused: its `until`, or for an
        // entry without one (written by an older version), its nextUpdate; else not at all.
        const until = cached.until ?? (cached.nextUpdate ? new Date(cached.nextUpdate).getTime() : undefined);
        if (until !== undefined && until > now) remember(cacheKey, cached, until);
        stats.cacheHits++;
        return { ...resultOf(cached), fromCache: true };
      }
    }
    stats.requests++;
    const certId = await pkijs.CertID.create(cert.pkijs, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer.pkijs });
    const nonce = randomBytes(16);
    const request = new pkijs.OCSPRequest();
    request.tbsRequest.requestList = [new pkijs.Request({ reqCert: certId })];
    request.tbsRequest.requestExtensions = [
      new pkijs.Extension({ extnID: OID.ocspNonce, extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER() }),
    ];
    const body = new Uint8Array(request.toSchema(true).toBER());

    let responseDer: Uint8Array;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new OcspError('http_error', `HTTP ${res.status}`);
      const buf = new Uint8Array(await res.arrayBuffer());
      if (buf.byteLength > MAX_RESPONSE_BYTES) throw new OcspError('malformed', 'response too large');
      responseDer = buf;
    } catch (err) {
      options.onLookup?.('error');
      if (err instanceof OcspError) throw err;
      throw new OcspError('unreachable', (err as Error).message);
    }
    let result: Omit<OcspResult, 'fromCache'>;
    try {
      result = verifyOcspResponse({ responseDer, cert, issuer, certId, nonce, now: clock.now(), skewMs });
    } catch (err) {
      options.onLookup?.('error');
      throw err;
    }
    options.onLookup?.('responder');
    if (result.status !== 'unknown') {
      const now = clock.now().getTime();
      const ttl = Math.floor(((result.nextUpdate ? result.nextUpdate.getTime() : now + noNextUpdateMs) - now) / 1000);
      // The store keeps whole seconds: reused until exactly when the stored entry expires.
      const until = now + ttl * 1000;
      if (ttl > 0) {
        const entry: CachedAnswer = {
          status: result.status,
          revokedAt: result.revokedAt?.toISOString() ?? null,
          thisUpdate: result.thisUpdate.toISOString(),
          nextUpdate: result.nextUpdate?.toISOString() ?? null,
          producedAt: result.producedAt.toISOString(),
          response: Buffer.from(responseDer).toString('base64'),
          until,
        };
        await store.upsert(cacheKey, entry, ttl);
        remember(cacheKey, entry, until);
      }
    }
    return { ...result, fromCache: false };
  }

  return { check, stats };
}

export type OcspClient = ReturnType<typeof createOcspClient>;

/** A stored answer as the checks read it. */
function resultOf(cached: CachedAnswer): Omit<OcspResult, 'fromCache'> {
  return {
    status: cached.status,
    revokedAt: cached.revokedAt ? new Date(cached.revokedAt) : null,
    thisUpdate: new Date(cached.thisUpdate),
    nextUpdate: cached.nextUpdate ? new Date(cached.nextUpdate) : null,
    producedAt: new Date(cached.producedAt),
    responseDer: new Uint8Array(Buffer.from(cached.response, 'base64')),
  };
}

function sameBytes(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  return Buffer.from(a instanceof Uint8Array ? a : new Uint8Array(a)).equals(Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)));
}

/**
 * Verifies a DER OCSPResponse about `cert` (issued by `issuer`). Used live and again,
 * offline, when stored signature evidence is re-verified (then `nonce` is undefined and
 * `now` is the time the evidence was created).
 */
export function verifyOcspResponse(input: {
  responseDer: Uint8Array;
  cert: ParsedCertificate;
  issuer: ParsedCertificate;
  certId?: pkijs.CertID;
  nonce?: Uint8Array;
  now: Date;
  skewMs: number;
}): Omit<OcspResult, 'fromCache'> {
  const { responseDer, cert, issuer, now, skewMs } = input;
  let basic: pkijs.BasicOCSPResponse;
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(responseDer));
    if (asn1.offset === -1) throw new Error('not BER');
    // Exactly one object: bytes after it would be kept in signature evidence unsigned (found by fuzzing).
    if (asn1.offset !== responseDer.byteLength) throw new Error('data after the OCSP response');
    const response = new pkijs.OCSPResponse({ schema: asn1.result });
    const status = response.responseStatus.valueBlock.valueDec;
    if (status !== 0) throw new OcspError('not_successful', `responseStatus ${status}`);
    if (!response.responseBytes || response.responseBytes.responseType !== OID.ocspBasic) {
      throw new OcspError('malformed', 'not a basic OCSP response');
    }
    const inner = asn1js.fromBER(response.responseBytes.response.valueBlock.valueHexView);
    basic = new pkijs.BasicOCSPResponse({ schema: inner.result });
  } catch (err) {
    if (err instanceof OcspError) throw err;
    throw new OcspError('malformed', (err as Error).message);
  }

  // Who signed it: the issuer itself, or a certificate in the response that the issuer
  // issued for OCSP signing. The responderID must name that signer.
  const data = basic.tbsResponseData;
  const responderId = data.responderID as pkijs.RelativeDistinguishedNames | asn1js.OctetString;
  const candidates: ParsedCertificate[] = [issuer];
  try {
    for (const c of basic.certs ?? []) candidates.push(parseCertificate(new Uint8Array(c.toSchema().toBER())));
  } catch (err) {
    // A certificate pkijs reads but node:crypto does not is a malformed answer, not a crash (found by fuzzing).
    throw new OcspError('malformed', `responder certificate: ${(err as Error).message}`);
  }
  const matchesResponderId = (c: ParsedCertificate) => {
    if (responderId instanceof asn1js.OctetString) {
      const keyHash = createHash('sha1').update(c.pkijs.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
      return sameBytes(keyHash, responderId.valueBlock.valueHexView);
    }
    return responderId.isEqual(c.pkijs.subject);
  };
  const signer = candidates.find(matchesResponderId);
  if (!signer) throw new OcspError('unauthorized_responder', 'no certificate matches the responder id');
  if (signer !== issuer) {
    const authorised =
      isIssuedBy(signer, issuer) &&
      extendedKeyUsage(signer).includes(OID.ocspSigning) &&
      new Date(signer.x509.validFrom).getTime() <= now.getTime() + skewMs &&
      new Date(signer.x509.validTo).getTime() >= now.getTime() - skewMs;
    if (!authorised) throw new OcspError('unauthorized_responder', 'responder certificate not authorised by the issuer');
  }
  const signatureOk = verifySignature(
    signer.x509,
    basic.signatureAlgorithm.algorithmId,
    data.tbsView,
    new Uint8Array(basic.signature.valueBlock.valueHexView),
  );
  if (!signatureOk) throw new OcspError('bad_signature', 'OCSP response signature does not verify');

  // The answer must be about this certificate from this issuer.
  const single = data.responses.find((r) => {
    if (!sameBytes(r.certID.serialNumber.valueBlock.valueHexView, cert.pkijs.serialNumber.valueBlock.valueHexView)) return false;
    if (input.certId) {
      return (
        r.certID.hashAlgorithm.algorithmId === input.certId.hashAlgorithm.algorithmId &&
        sameBytes(r.certID.issuerNameHash.valueBlock.valueHexView, input.certId.issuerNameHash.valueBlock.valueHexView) &&
        sameBytes(r.certID.issuerKeyHash.valueBlock.valueHexView, input.certId.issuerKeyHash.valueBlock.valueHexView)
      );
    }
    const algo = r.certID.hashAlgorithm.algorithmId === '1.3.14.3.2.26' ? 'sha1' : r.certID.hashAlgorithm.algorithmId === '2.16.840.1.101.3.4.2.1' ? 'sha256' : undefined;
    if (!algo) return false;
    const keyHash = createHash(algo).update(issuer.pkijs.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    const nameHash = createHash(algo).update(new Uint8Array(issuer.pkijs.subject.toSchema().toBER())).digest();
    return sameBytes(r.certID.issuerKeyHash.valueBlock.valueHexView, keyHash) && sameBytes(r.certID.issuerNameHash.valueBlock.valueHexView, nameHash);
  });
  if (!single) throw new OcspError('wrong_certificate', 'no answer for the certificate asked about');

  const t = now.getTime();
  if (single.thisUpdate.getTime() > t + skewMs) throw new OcspError('stale', 'thisUpdate is in the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < t - skewMs) throw new OcspError('stale', 'nextUpdate has passed');
  if (!single.nextUpdate && single.thisUpdate.getTime() < t - 24 * 3600_000) throw new OcspError('stale', 'answer older than a day');

  if (input.nonce) {
    const nonceExt = data.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
    if (nonceExt) {
      const inner = asn1js.fromBER(nonceExt.extnValue.valueBlock.valueHexView);
      const echoed = inner.result instanceof asn1js.OctetString ? inner.result.valueBlock.valueHexView : nonceExt.extnValue.valueBlock.valueHexView;
      if (!sameBytes(echoed, input.nonce)) throw new OcspError('nonce_mismatch', 'nonce differs from the request');
    }
  }

  const statusBlock = single.certStatus as { idBlock: { tagNumber: number }; valueBlock?: { value?: unknown[] } };
  const tag = statusBlock.idBlock.tagNumber;
  let revokedAt: Date | null = null;
  if (tag === 1) {
    const first = statusBlock.valueBlock?.value?.[0] as asn1js.GeneralizedTime | undefined;
    revokedAt = first ? first.toDate() : null;
  }
  return {
    status: tag === 0 ? 'good' : tag === 1 ? 'revoked' : 'unknown',
    revokedAt,
    thisUpdate: single.thisUpdate,
    nextUpdate: single.nextUpdate ?? null,
    producedAt: data.producedAt,
    responseDer,
  };
}
