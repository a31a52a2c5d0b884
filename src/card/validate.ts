/**
 * Validation of a card certificate, for login (authentication certificate) or for a
 * signature (the card's separate signing certificate): a certification path through a
 * configured issuer's intermediates to its anchor (at most MAX_CHAIN_CAS CAs, each a CA
 * whose pathLenConstraint holds, no loops), the issuer's method enabled, validity at the
 * given time, key usage, policy, the personal number in subject serialNumber, and
 * revocation by OCSP (fail closed). What does not change with time — the parsed
 * certificate and its verified paths — is kept in a bounded cache per issuer configuration
 * (CertificateCache); every decision is made again on every call.
 */
import { createHash } from 'node:crypto';
import { isCanonicalPersonalNumber } from '../identity/personnummer.js';
import {
  OID,
  basicConstraints,
  certificatePolicies,
  isIssuedBy,
  keyUsage,
  ocspUrls,
  parseCertificate,
  serialHex,
  subjectAttribute,
  type KeyUsage,
  type ParsedCertificate,
} from '../platform/pki.js';
import type { IssuerProfile } from './issuers.js';
import { OcspError, type OcspClient, type OcspResult } from './ocsp.js';

export type CardErrorCode =
  | 'no_certificate'
  | 'too_large'
  | 'malformed_certificate'
  | 'self_signed'
  | 'unknown_issuer'
  | 'issuer_not_enabled'
  | 'not_yet_valid'
  | 'expired'
  | 'signing_certificate_for_login'
  | 'wrong_key_usage'
  | 'policy_not_accepted'
  | 'no_personnummer'
  | 'invalid_personnummer'
  | 'revoked'
  | 'ocsp_unknown'
  | 'ocsp_unavailable';

export type Purpose = 'authentication' | 'signature';

export interface ValidCard {
  profile: IssuerProfile;
  personnummer: string;
  certificate: ParsedCertificate;
  /** leaf, intermediates…, anchor */
  chain: ParsedCertificate[];
  serial: string;
  notAfter: Date;
  issuerDn: string;
  subjectName: string;
  ocsp: OcspResult;
}

export type CardValidation = { ok: true; card: ValidCard } | { ok: false; code: CardErrorCode; detail: string; profile?: IssuerProfile };

const MAX_CERT_BYTES = 16 * 1024;

/** At most this many CAs, the trust anchor included, stand between a card certificate and its anchor. */
export const MAX_CHAIN_CAS = 5;
/** Certification paths kept per certificate, among which each check takes one valid at its time. */
const MAX_PATHS = 4;

function sameCertificate(a: ParsedCertificate, b: ParsedCertificate): boolean {
  return Buffer.from(a.der).equals(Buffer.from(b.der));
}

function selfIssued(cert: ParsedCertificate): boolean {
  return cert.x509.subject === cert.x509.issuer;
}

/**
 * Whether `issuer` may stand next above `path` (the card certificate first, then the CAs
 * found so far, each issued by the next): it is a CA (basicConstraints cA), it is not in
 * the path already (no loops), the path keeps to MAX_CHAIN_CAS, its pathLenConstraint
 * allows the intermediate CAs already below it (self-issued ones do not count, RFC 5280
 * §6.1.4 (l)), and it issued and signed the certificate at the top of the path. Validity
 * depends on the time and is checked by each verification over the whole path. Used to
 * build the path at login and signing, and again over the path stored with evidence.
 */
export function mayIssueNext(path: readonly ParsedCertificate[], issuer: ParsedCertificate): boolean {
  const top = path[path.length - 1];
  if (!top || path.length > MAX_CHAIN_CAS) return false;
  if (path.some((c) => sameCertificate(c, issuer))) return false;
  const constraints = basicConstraints(issuer);
  if (!constraints.ca) return false;
  const below = path.slice(1).filter((c) => !selfIssued(c)).length;
  if (constraints.pathLen !== undefined && below > constraints.pathLen) return false;
  return isIssuedBy(top, issuer);
}

/**
 * The certification paths leaf → configured intermediates… → anchor within one issuer
 * profile, in any order of configuration, each link checked by mayIssueNext; depth first,
 * at most MAX_PATHS of them.
 */
function pathsFor(leaf: ParsedCertificate, profile: IssuerProfile): ParsedCertificate[][] {
  const found: ParsedCertificate[][] = [];
  const extend = (path: ParsedCertificate[]): void => {
    for (const anchor of profile.anchors) {
      if (found.length >= MAX_PATHS) return;
      if (mayIssueNext(path, anchor)) found.push([...path, anchor]);
    }
    // Another intermediate must leave room for an anchor above it.
    if (path.length >= MAX_CHAIN_CAS) return;
    for (const intermediate of profile.intermediates) {
      if (found.length >= MAX_PATHS) return;
      if (mayIssueNext(path, intermediate)) extend([...path, intermediate]);
    }
  };
  extend([leaf]);
  return found;
}

/**
 * The personal number in the certificate's subject serialNumber: exactly one attribute,
 * trimmed, with the issuer profile's configured prefixes (`personnummerPrefixes`) taken
 * off. Login, the live check of a signature and the re-verification of stored signature
 * evidence all read it here, so they cannot disagree about the same certificate.
 */
export function personnummerOf(
  cert: ParsedCertificate,
  profile: IssuerProfile,
): { ok: true; personnummer: string } | { ok: false; code: 'no_personnummer' | 'invalid_personnummer'; detail: string } {
  const serialNumbers = subjectAttribute(cert, OID.subjectSerialNumber);
  if (serialNumbers.length !== 1 || !serialNumbers[0]) {
    return { ok: false, code: 'no_personnummer', detail: `${serialNumbers.length} serialNumber attributes` };
  }
  let value = serialNumbers[0].trim();
  for (const prefix of profile.personnummerPrefixes) if (value.startsWith(prefix)) value = value.slice(prefix.length);
  if (!isCanonicalPersonalNumber(value)) return { ok: false, code: 'invalid_personnummer', detail: 'serialNumber is not a valid 12-digit number' };
  return { ok: true, personnummer: value };
}
/** A certification path and, per certificate in it, its validity as milliseconds (read once). */
interface CheckedPath {
  readonly certs: ParsedCertificate[];
  readonly validity: readonly { readonly from: number; readonly to: number; readonly subject: string }[];
}

/**
 * What a certificate is, whatever the time, the plan or the issuer's responder says about it
 * now: the parsed certificate, the issuer profile and certification paths it has (each link's
 * signature checked), and the fields the checks read (key usage, policies, OCSP address,
 * names, the personal number). Parsing with pkijs and the RSA signature checks cost about
 * as much as the TLS handshake, so this is worked out once per certificate; what is decided
 * — validity at the time, key usage and policy against the purpose and the profile, the
 * plan, revocation — is decided on every call from it.
 */
type CertificateFacts =
  | {
      readonly ok: true;
      readonly leaf: ParsedCertificate;
      readonly profile: IssuerProfile;
      readonly paths: readonly CheckedPath[];
      /** undefined: no KeyUsage extension. */
      readonly keyUsage: ReadonlySet<KeyUsage> | undefined;
      readonly policies: readonly string[];
      /** The personal number as the profile writes it (personnummerOf), or why there is none. */
      readonly person: ReturnType<typeof personnummerOf>;
      readonly ocspUrl: string | undefined;
      readonly subjectName: string;
      readonly serial: string;
      readonly notAfter: number;
      readonly issuerDn: string;
    }
  | { readonly ok: false; readonly code: 'malformed_certificate' | 'self_signed' | 'unknown_issuer'; readonly detail: string };

/** How many certificates a cache keeps by default (each entry holds one parsed card certificate). */
export const CERTIFICATE_CACHE_MAX = 2000;

/**
 * The facts of certificates already seen, keyed by the SHA-256 of their DER, for one
 * configuration of issuer profiles only: the paths were built through those anchors and
 * intermediates, so another configuration (a restart with an anchor removed, a test with
 * other issuers) has a cache of its own and starts empty. Bounded: at most `max` entries,
 * the least recently used dropped first. Refusals (malformed, self-signed, unknown issuer)
 * are kept too, so repeating a bad certificate costs no parsing.
 */
export interface CertificateCache {
  readonly profiles: readonly IssuerProfile[];
  readonly max: number;
  /** Answers from the cache and certificates worked out anew, since the cache was made. */
  readonly stats: { hits: number; misses: number };
  size(): number;
  facts(der: Uint8Array): CertificateFacts;
}

export function createCertificateCache(profiles: readonly IssuerProfile[], max: number = CERTIFICATE_CACHE_MAX): CertificateCache {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`certificate cache size must be a positive integer, got ${max}`);
  const entries = new Map<string, CertificateFacts>();
  const stats = { hits: 0, misses: 0 };
  return {
    profiles,
    max,
    stats,
    size: () => entries.size,
    facts(der) {
      const key = createHash('sha256').update(der).digest('base64');
      const cached = entries.get(key);
      if (cached) {
        stats.hits++;
        // Most recently used last: eviction takes the first.
        entries.delete(key);
        entries.set(key, cached);
        return cached;
      }
      stats.misses++;
      const facts = certificateFacts(der, profiles);
      entries.set(key, facts);
      while (entries.size > max) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return facts;
    },
  };
}

const sharedCaches = new WeakMap<readonly IssuerProfile[], CertificateCache>();

/** The cache every check against these issuer profiles shares (login, self-test, signing). */
export function certificateCacheOf(profiles: readonly IssuerProfile[]): CertificateCache {
  let cache = sharedCaches.get(profiles);
  if (!cache) {
    cache = createCertificateCache(profiles);
    sharedCaches.set(profiles, cache);
  }
  return cache;
}

function certificateFacts(der: Uint8Array, profiles: readonly IssuerProfile[]): CertificateFacts {
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificate(der);
  } catch (err) {
    return { ok: false, code: 'malformed_certificate', detail: (err as Error).message };
  }
  // Signed with its own key (OpenSSL's checkIssued would also want keyCertSign, which a
  // self-made "card" certificate need not have).
  if (leaf.x509.verify(leaf.x509.publicKey)) {
    return { ok: false, code: 'self_signed', detail: 'self-signed certificate' };
  }
  let profile: IssuerProfile | undefined;
  let chains: ParsedCertificate[][] = [];
  for (const p of profiles) {
    chains = pathsFor(leaf, p);
    if (chains.length > 0) {
      profile = p;
      break;
    }
  }
  if (!profile || chains.length === 0) return { ok: false, code: 'unknown_issuer', detail: leaf.x509.issuer.replace(/\n/g, ', ') };
  const cn = subjectAttribute(leaf, OID.commonName)[0];
  const given = subjectAttribute(leaf, OID.givenName)[0];
  const sur = subjectAttribute(leaf, OID.surname)[0];
  return {
    ok: true,
    leaf,
    profile,
    paths: chains.map((certs) => ({
      certs,
      validity: certs.map((c) => ({ from: new Date(c.x509.validFrom).getTime(), to: new Date(c.x509.validTo).getTime(), subject: c.x509.subject })),
    })),
    keyUsage: keyUsage(leaf),
    policies: certificatePolicies(leaf),
    person: personnummerOf(leaf, profile),
    ocspUrl: profile.ocspUrl ?? ocspUrls(leaf).find((u) => /^https?:\/\//.test(u)),
    subjectName: cn ?? [given, sur].filter(Boolean).join(' '),
    serial: serialHex(leaf),
    notAfter: new Date(leaf.x509.validTo).getTime(),
    issuerDn: leaf.x509.issuer.replace(/\n/g, ', '),
  };
}

/** Key usage and policy against the purpose and the profile: decided on every call; then the personal number read. */
function decide(
  facts: Extract<CertificateFacts, { ok: true }>,
  purpose: Purpose,
): { ok: true; personnummer: string } | { ok: false; code: CardErrorCode; detail: string } {
  const { keyUsage: usage, profile } = facts;
  if (purpose === 'authentication') {
    if (usage && !usage.has('digitalSignature') && usage.has('nonRepudiation')) {
      return { ok: false, code: 'signing_certificate_for_login', detail: 'nonRepudiation-only certificate' };
    }
    if (!usage?.has('digitalSignature')) return { ok: false, code: 'wrong_key_usage', detail: 'no digitalSignature' };
  } else if (!usage?.has('nonRepudiation')) {
    return { ok: false, code: 'wrong_key_usage', detail: 'no nonRepudiation' };
  }
  if (profile.policyOids.length > 0 && !facts.policies.some((p) => profile.policyOids.includes(p))) {
    return { ok: false, code: 'policy_not_accepted', detail: facts.policies.join(',') || 'none' };
  }
  return facts.person;
}

export async function verifyCardCertificate(input: {
  der: Uint8Array | undefined;
  purpose: Purpose;
  at: Date;
  profiles: readonly IssuerProfile[];
  isMethodEnabled: (profile: IssuerProfile) => Promise<boolean>;
  ocsp: OcspClient;
  /** Ask the responder now even for a login certificate (a self-test reports the status as of now). */
  freshOcsp?: boolean;
  /** Where the certificate's facts are kept; default the cache shared by everything checking against `profiles`. */
  cache?: CertificateCache;
}): Promise<CardValidation> {
  const { der, purpose, at, profiles } = input;
  if (input.cache && input.cache.profiles !== profiles) throw new Error('the certificate cache was made for other issuer profiles');
  if (!der || der.byteLength === 0) return { ok: false, code: 'no_certificate', detail: 'no client certificate' };
  if (der.byteLength > MAX_CERT_BYTES) return { ok: false, code: 'too_large', detail: `${der.byteLength} bytes` };
  const facts = (input.cache ?? certificateCacheOf(profiles)).facts(der);
  if (!facts.ok) return { ok: false, code: facts.code, detail: facts.detail };
  const { leaf, profile } = facts;
  const decided = decide(facts, purpose);
  // Refusals that name an issuer whose method is not enabled say so first.
  if (!(await input.isMethodEnabled(profile))) return { ok: false, code: 'issuer_not_enabled', detail: profile.id, profile };
  if (!decided.ok) return { ...decided, profile };

  // Every certificate of the path valid at `at`: the first such path, or the first path's reason.
  const t = at.getTime();
  const invalidAt = (path: CheckedPath): { code: 'not_yet_valid' | 'expired'; detail: string } | undefined => {
    for (const v of path.validity) {
      if (v.from > t) return { code: 'not_yet_valid', detail: v.subject };
      if (v.to < t) return { code: 'expired', detail: v.subject };
    }
    return undefined;
  };
  const valid = facts.paths.find((path) => !invalidAt(path));
  if (!valid) {
    const first = facts.paths[0];
    const reason = (first && invalidAt(first)) ?? { code: 'unknown_issuer' as const, detail: 'no certification path' };
    return { ok: false, ...reason, profile };
  }
  const chain = [...valid.certs];

  const issuerCert = chain[1];
  if (!issuerCert) return { ok: false, code: 'unknown_issuer', detail: 'no issuer in chain', profile };
  const url = facts.ocspUrl;
  if (!url) return { ok: false, code: 'ocsp_unavailable', detail: 'no OCSP responder known', profile };
  let ocsp: OcspResult;
  try {
    // A signature is checked against what the issuer says now (RFC 6960 §2.4), never a cached answer.
    ocsp = await input.ocsp.check(leaf, issuerCert, url, { fresh: purpose === 'signature' || input.freshOcsp === true });
  } catch (err) {
    return { ok: false, code: 'ocsp_unavailable', detail: err instanceof OcspError ? err.message : (err as Error).message, profile };
  }
  if (ocsp.status === 'revoked') return { ok: false, code: 'revoked', detail: `revoked ${ocsp.revokedAt?.toISOString() ?? ''}`, profile };
  if (ocsp.status === 'unknown') return { ok: false, code: 'ocsp_unknown', detail: 'responder does not know the certificate', profile };
  return {
    ok: true,
    card: {
      profile,
      personnummer: decided.personnummer,
      certificate: leaf,
      chain,
      serial: facts.serial,
      notAfter: new Date(facts.notAfter),
      issuerDn: facts.issuerDn,
      subjectName: facts.subjectName,
      ocsp,
    },
  };
}
