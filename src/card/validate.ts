/**
 * Validation of a card certificate, for login (authentication certificate) or for a
 * signature (the card's separate signing certificate): a certification path through a
 * configured issuer's intermediates to its anchor (at most MAX_CHAIN_CAS CAs, each a CA
 * whose pathLenConstraint holds, no loops), the issuer's method enabled, validity at the
 * given time, key usage, policy, the personal number in subject serialNumber, and
 * revocation by OCSP (fail closed).
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

/**
 * What does not depend on time, the plan or OCSP — the parsed certificate, its chain and
 * profile, key usage, policy, personal number, OCSP address — is worked out once per
 * certificate (keyed by its SHA-256) and reused: parsing with pkijs costs more than the TLS
 * handshake. Validity, the plan and revocation are checked on every call.
 */
type StaticResult =
  | { ok: true; leaf: ParsedCertificate; chains: ParsedCertificate[][]; profile: IssuerProfile; personnummer: string; ocspUrl: string | undefined; subjectName: string }
  | { ok: false; code: CardErrorCode; detail: string; profile?: IssuerProfile };

const STATIC_CACHE_MAX = 2000;
const staticCache = new WeakMap<readonly IssuerProfile[], Map<string, StaticResult>>();

function staticChecks(der: Uint8Array, purpose: Purpose, profiles: readonly IssuerProfile[]): StaticResult {
  let perProfiles = staticCache.get(profiles);
  if (!perProfiles) {
    perProfiles = new Map();
    staticCache.set(profiles, perProfiles);
  }
  const key = `${purpose}:${createHash('sha256').update(der).digest('base64')}`;
  const cached = perProfiles.get(key);
  if (cached) return cached;
  const result = computeStaticChecks(der, purpose, profiles);
  perProfiles.set(key, result);
  if (perProfiles.size > STATIC_CACHE_MAX) {
    const oldest = perProfiles.keys().next().value;
    if (oldest !== undefined) perProfiles.delete(oldest);
  }
  return result;
}

function computeStaticChecks(der: Uint8Array, purpose: Purpose, profiles: readonly IssuerProfile[]): StaticResult {
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
  const usage = keyUsage(leaf);
  if (purpose === 'authentication') {
    if (usage && !usage.has('digitalSignature') && usage.has('nonRepudiation')) {
      return { ok: false, code: 'signing_certificate_for_login', detail: 'nonRepudiation-only certificate', profile };
    }
    if (!usage?.has('digitalSignature')) return { ok: false, code: 'wrong_key_usage', detail: 'no digitalSignature', profile };
  } else if (!usage?.has('nonRepudiation')) {
    return { ok: false, code: 'wrong_key_usage', detail: 'no nonRepudiation', profile };
  }
  if (profile.policyOids.length > 0) {
    const policies = certificatePolicies(leaf);
    if (!policies.some((p) => profile.policyOids.includes(p))) {
      return { ok: false, code: 'policy_not_accepted', detail: policies.join(',') || 'none', profile };
    }
  }
  const person = personnummerOf(leaf, profile);
  if (!person.ok) return { ...person, profile };
  const cn = subjectAttribute(leaf, OID.commonName)[0];
  const given = subjectAttribute(leaf, OID.givenName)[0];
  const sur = subjectAttribute(leaf, OID.surname)[0];
  return {
    ok: true,
    leaf,
    chains,
    profile,
    personnummer: person.personnummer,
    ocspUrl: profile.ocspUrl ?? ocspUrls(leaf).find((u) => /^https?:\/\//.test(u)),
    subjectName: cn ?? [given, sur].filter(Boolean).join(' '),
  };
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
}): Promise<CardValidation> {
  const { der, purpose, at, profiles } = input;
  if (!der || der.byteLength === 0) return { ok: false, code: 'no_certificate', detail: 'no client certificate' };
  if (der.byteLength > MAX_CERT_BYTES) return { ok: false, code: 'too_large', detail: `${der.byteLength} bytes` };
  const checked = staticChecks(der, purpose, profiles);
  if (!checked.ok) {
    // Refusals that name an issuer whose method is not enabled say so first.
    if (checked.profile && !(await input.isMethodEnabled(checked.profile))) {
      return { ok: false, code: 'issuer_not_enabled', detail: checked.profile.id, profile: checked.profile };
    }
    return checked;
  }
  const { leaf, profile } = checked;
  if (!(await input.isMethodEnabled(profile))) return { ok: false, code: 'issuer_not_enabled', detail: profile.id, profile };

  // Every certificate of the path valid at `at`: the first such path, or the first path's reason.
  const t = at.getTime();
  const invalidAt = (path: readonly ParsedCertificate[]): { code: 'not_yet_valid' | 'expired'; detail: string } | undefined => {
    for (const c of path) {
      if (new Date(c.x509.validFrom).getTime() > t) return { code: 'not_yet_valid', detail: c.x509.subject };
      if (new Date(c.x509.validTo).getTime() < t) return { code: 'expired', detail: c.x509.subject };
    }
    return undefined;
  };
  const chain = checked.chains.find((path) => !invalidAt(path));
  if (!chain) {
    const reason = invalidAt(checked.chains[0] ?? []) ?? { code: 'unknown_issuer' as const, detail: 'no certification path' };
    return { ok: false, ...reason, profile };
  }

  const issuerCert = chain[1];
  if (!issuerCert) return { ok: false, code: 'unknown_issuer', detail: 'no issuer in chain', profile };
  const url = checked.ocspUrl;
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
  const value = checked.personnummer;
  const subjectName = checked.subjectName;
  return {
    ok: true,
    card: {
      profile,
      personnummer: value,
      certificate: leaf,
      chain,
      serial: serialHex(leaf),
      notAfter: new Date(leaf.x509.validTo),
      issuerDn: leaf.x509.issuer.replace(/\n/g, ', '),
      subjectName,
      ocsp,
    },
  };
}
