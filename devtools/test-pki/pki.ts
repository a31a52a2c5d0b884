/**
 * The test PKI: per card issuer a root CA, an e-legitimation intermediate CA and a delegated
 * OCSP responder certificate; a separate TLS CA for the card-login listener; card issuance
 * (an authentication and a signing certificate, two key pairs, like a real card) with
 * variants for negative tests; and the revocation register the OCSP responder answers from.
 *
 * The real Telia and AB Svenska Pass profiles are not public (shared/reference/eid-cards.md
 * §1), so this follows the expected profile there: subject C, CN, givenName, surname and the
 * personnummer in serialNumber (2.5.4.5); auth = digitalSignature (+ keyEncipherment) with
 * clientAuth; sign = nonRepudiation only.
 */
import type { Clock } from '../../src/platform/clock.js';
import {
  OID,
  distinguishedName,
  extensions,
  signCertificate,
  signOcspResponder,
  type KeyUsageName,
  type Signer,
} from './certificates.js';
import {
  DAY_MS,
  YEAR_MS,
  bytesToHex,
  exportPkcs8,
  generateKeyPair,
  normalizeSerialHex,
  randomSerial,
  spanOf,
  toPem,
  windowAround,
  wholeSeconds,
  type ValiditySpan,
} from './crypto.js';
import { TestPkiError } from './errors.js';
import { createPkcs12 } from './pkcs12.js';

export type DefaultIssuerId = 'telia' | 'svenska_pass';

export interface IssuerSpec<Id extends string = string> {
  /** Used in URLs (`${ocspBaseUrl}/${id}`) and file names: letters, digits, `_`, `-`. */
  readonly id: Id;
  readonly rootName: string;
  readonly intermediateName: string;
  readonly organization: string;
  /** The certificate policy written into this issuer's card certificates. */
  readonly policyOid: string;
}

/** Names carry "Test" so no one mistakes them for the real CAs. Policy OIDs sit under an unassigned 1.2.752.9999 arc. */
export const DEFAULT_ISSUERS: readonly IssuerSpec<DefaultIssuerId>[] = [
  {
    id: 'telia',
    rootName: 'Test Telia Root CA v2',
    intermediateName: 'Test Telia e-legitimation CA v4',
    organization: 'Test Telia Company AB',
    policyOid: '1.2.752.9999.1.1',
  },
  {
    id: 'svenska_pass',
    rootName: 'Test AB Svenska Pass Root CA',
    intermediateName: 'Test AB Svenska Pass e-legitimation CA',
    organization: 'Test AB Svenska Pass',
    policyOid: '1.2.752.9999.2.1',
  },
];

/**
 * Cards that must be refused, each wrong in one way:
 * - `expired`, `notYetValid`: validity outside both the PKI's clock and real time (both certificates)
 * - `authWithNonRepudiationOnly`: the auth certificate has keyUsage nonRepudiation only
 * - `noSerialNumber`, `malformedSerialNumber` ("ABC123"): no usable personnummer
 * - `pnoPrefix`: serialNumber "PNOSE-<12 digits>" (ETSI form; valid, must be normalised)
 * - `foreignCa`: issued by a look-alike hierarchy with the issuer's exact DNs but other keys,
 *   so only signature checks can tell it apart (not known to the OCSP responder)
 * - `selfSigned`: each certificate signs itself
 * - `noAia`: no AuthorityInfoAccess, so no OCSP URL in the certificate
 */
export type CardVariant =
  | 'expired'
  | 'notYetValid'
  | 'authWithNonRepudiationOnly'
  | 'noSerialNumber'
  | 'malformedSerialNumber'
  | 'pnoPrefix'
  | 'foreignCa'
  | 'selfSigned'
  | 'noAia';

export interface CardRequest<Id extends string = DefaultIssuerId> {
  issuer: Id;
  /** 12 digits, YYYYMMDDNNNC. */
  personnummer: string;
  givenName: string;
  surname: string;
  /** Default a day before the earlier of the PKI's clock and real time (variants move it). */
  notBefore?: Date;
  /** Default 3 years after the later of the two (variants move it). */
  notAfter?: Date;
  variant?: CardVariant;
  /**
   * Written before the 12 digits in subject serialNumber, as an issuer profile's
   * `personnummerPrefixes` allow (e.g. "SE"); not with the serialNumber variants.
   */
  serialNumberPrefix?: string;
}

export interface CardCert {
  certPem: string;
  /** PKCS#8, unencrypted. */
  keyPem: string;
  certDer: Uint8Array;
  /** Lower-case hex, as the PKI keys revocations. */
  serialHex: string;
  notAfter: Date;
  /** This certificate and its key (no chain, as a card presents it) as PKCS#12. */
  pkcs12(password: string): Promise<Uint8Array>;
}

/** One card: the login (authentication) and the signing certificate, each with its own key. */
export interface Card {
  auth: CardCert;
  sign: CardCert;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
  serialHex: string;
  notAfter: Date;
}

/** What the portal's issuer configuration needs about one issuer. */
export interface IssuerAnchors {
  rootPem: string;
  intermediatePem: string;
  ocspResponderPem: string;
  ocspUrl: string;
  policyOid: string;
}

export type CertStatus = 'good' | 'revoked' | 'unknown';

/** Metadata of one issued card certificate (kept in the saved index). */
export interface IssuedCertificate {
  readonly serialHex: string;
  readonly issuer: string;
  readonly usage: 'auth' | 'sign';
  readonly personnummer: string;
  readonly givenName: string;
  readonly surname: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The AIA OCSP URL; null for `noAia`. */
  readonly ocspUrl: string | null;
  readonly variant: CardVariant | null;
}

export interface Revocation {
  /** CRLReason (RFC 5280 §5.3.1); null: none given. */
  readonly reason: number | null;
  readonly at: Date;
}

export interface TestPki<Id extends string = DefaultIssuerId> {
  readonly clock: Clock;
  /** Without trailing slash; issuer `id` is answered at `${ocspBaseUrl}/${id}`. */
  readonly ocspBaseUrl: string;
  readonly issuerIds: readonly Id[];
  issuer(id: Id): IssuerAnchors;
  /** Trust anchor for the card-login listener's server certificate. */
  readonly tlsCaPem: string;
  issueCard(request: CardRequest<Id>): Promise<Card>;
  /** A serverAuth certificate from the TLS CA for `hostnames` plus localhost, 127.0.0.1 and ::1. */
  issueServerCertificate(hostnames?: readonly string[]): Promise<ServerCertificate>;
  /** Throws `unknown_serial` unless one of the issuers issued it. `at` defaults to now. */
  revoke(serialHex: string, options?: { reason?: number; at?: Date }): void;
  /** `unknown` when no issuer of this PKI issued the serial (also foreignCa/selfSigned cards). */
  status(serialHex: string): CertStatus;
  /** Every card certificate issued so far, negative variants included, oldest first. */
  issued(): readonly IssuedCertificate[];
}

export interface TestPkiOptions<Id extends string = DefaultIssuerId> {
  /** The clock of the portal this PKI serves (DESIGN §3a): certificates cover it and real time. */
  clock: Clock;
  /** E.g. `http://127.0.0.1:8802/ocsp`: written into AIA as `${ocspBaseUrl}/${issuerId}`. */
  ocspBaseUrl: string;
  issuers?: readonly IssuerSpec<Id>[];
}

// ---------------------------------------------------------------------------------------
// Internal state, shared with the OCSP responder and persistence (not exported by index.ts).

export interface IssuerHierarchy {
  readonly root: Signer;
  readonly intermediate: Signer;
  readonly responder: Signer;
}

export interface IssuerState extends IssuerHierarchy {
  readonly spec: IssuerSpec;
  readonly ocspUrl: string;
  /** Same DNs, other keys: issues `foreignCa` cards and signs `unauthorizedResponder` answers. */
  lookAlike?: Promise<IssuerHierarchy>;
}

export interface PkiState {
  readonly clock: Clock;
  readonly ocspBaseUrl: string;
  readonly issuers: ReadonlyMap<string, IssuerState>;
  readonly tlsCa: Signer;
  readonly issued: Map<string, IssuedCertificate>;
  readonly revocations: Map<string, Revocation>;
}

const states = new WeakMap<object, PkiState>();

export function stateOf(pki: object): PkiState {
  const state = states.get(pki);
  if (!state) throw new TestPkiError('invalid_input', 'not a test PKI made by createTestPki or loadPki');
  return state;
}

export function lookAlikeOf(state: PkiState, issuer: IssuerState): Promise<IssuerHierarchy> {
  issuer.lookAlike ??= createHierarchy(issuer.spec, spanOf(state.clock));
  return issuer.lookAlike;
}

/** Whether the issuer itself issued this certificate (the OCSP responder knows only those). */
export function isIssuerIssued(record: IssuedCertificate): boolean {
  return record.variant !== 'foreignCa' && record.variant !== 'selfSigned';
}

/** CRLReason values; 7 is unused in RFC 5280. */
function checkReason(reason: number): number {
  if (!Number.isInteger(reason) || reason < 0 || reason > 10 || reason === 7) {
    throw new TestPkiError('invalid_input', `CRLReason ${reason} is not 0–10 (except 7)`);
  }
  return reason;
}

// ---------------------------------------------------------------------------------------

/** Creates every CA and the OCSP responder certificates (about ten RSA keys, made in parallel). */
export async function createTestPki<Id extends string = DefaultIssuerId>(
  options: TestPkiOptions<Id>,
): Promise<TestPki<Id>> {
  const { clock } = options;
  const ocspBaseUrl = checkBaseUrl(options.ocspBaseUrl);
  // Without `issuers` Id is DefaultIssuerId, so the defaults have the caller's Id type.
  const specs = options.issuers ?? (DEFAULT_ISSUERS as readonly IssuerSpec[] as readonly IssuerSpec<Id>[]);
  checkSpecs(specs);
  const span = spanOf(clock);
  const [hierarchies, tlsCa] = await Promise.all([
    Promise.all(specs.map((spec) => createHierarchy(spec, span))),
    createTlsCa(span),
  ]);
  const issuers = new Map<string, IssuerState>();
  specs.forEach((spec, i) => {
    const hierarchy = hierarchies[i];
    if (hierarchy) issuers.set(spec.id, { ...hierarchy, spec, ocspUrl: `${ocspBaseUrl}/${spec.id}` });
  });
  return testPkiFrom<Id>({ clock, ocspBaseUrl, issuers, tlsCa, issued: new Map(), revocations: new Map() });
}

export function checkBaseUrl(url: string): string {
  if (!/^https?:\/\/[^/]+/.test(url))
    throw new TestPkiError('invalid_input', `ocspBaseUrl must be an http(s) URL: ${url}`);
  return url.replace(/\/+$/, '');
}

export function checkSpecs(specs: readonly IssuerSpec[]): void {
  const ids = new Set<string>();
  for (const spec of specs) {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(spec.id))
      throw new TestPkiError('invalid_input', `issuer id "${spec.id}" is not URL- and file-safe`);
    if (ids.has(spec.id)) throw new TestPkiError('invalid_input', `issuer id "${spec.id}" given twice`);
    if (!/^\d+(\.\d+)+$/.test(spec.policyOid))
      throw new TestPkiError('invalid_input', `policy OID "${spec.policyOid}" is not dotted decimal`);
    ids.add(spec.id);
  }
}

/** Root (self-signed), intermediate (pathLen 0) and delegated OCSP responder for one issuer. */
export async function createHierarchy(spec: IssuerSpec, span: ValiditySpan): Promise<IssuerHierarchy> {
  const [rootKeys, intermediateKeys, responderKeys] = await Promise.all([
    generateKeyPair(),
    generateKeyPair(),
    generateKeyPair(),
  ]);
  const dn = (cn: string) =>
    distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, spec.organization],
      [OID.commonName, cn],
    ]);
  const caUsage = extensions.keyUsage(['keyCertSign', 'cRLSign']);
  const root = await signCertificate({
    subject: dn(spec.rootName),
    keys: rootKeys,
    serial: randomSerial(),
    ...windowAround(span, 5 * YEAR_MS, 20 * YEAR_MS),
    extensions: [extensions.basicConstraints(true), caUsage],
  });
  const intermediate = await signCertificate({
    subject: dn(spec.intermediateName),
    keys: intermediateKeys,
    issuer: root,
    serial: randomSerial(),
    ...windowAround(span, 5 * YEAR_MS, 15 * YEAR_MS),
    extensions: [extensions.basicConstraints(true, 0), caUsage],
  });
  // RFC 6960 §4.2.2.2: a delegated responder is issued directly by the CA it answers for.
  const responder = await signOcspResponder({ subject: dn(`${spec.intermediateName} OCSP`), keys: responderKeys, issuer: intermediate, span });
  return { root, intermediate, responder };
}

export async function createTlsCa(span: ValiditySpan): Promise<Signer> {
  return signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, 'Kundwebben'],
      [OID.commonName, 'Kundwebben Test TLS CA'],
    ]),
    keys: await generateKeyPair(),
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, 20 * YEAR_MS),
    extensions: [extensions.basicConstraints(true, 0), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
  });
}

/** The public object over a state (used by createTestPki and loadPki). */
export function testPkiFrom<Id extends string>(state: PkiState): TestPki<Id> {
  const { clock } = state;

  const issuerState = (id: string): IssuerState => {
    const issuer = state.issuers.get(id);
    if (!issuer)
      throw new TestPkiError(
        'unknown_issuer',
        `no issuer "${id}" (have: ${[...state.issuers.keys()].join(', ')})`,
      );
    return issuer;
  };

  const pki: TestPki<Id> = {
    clock,
    ocspBaseUrl: state.ocspBaseUrl,
    issuerIds: [...state.issuers.keys()] as Id[],
    tlsCaPem: toPem(state.tlsCa.der, 'CERTIFICATE'),

    issuer(id) {
      const issuer = issuerState(id);
      return {
        rootPem: toPem(issuer.root.der, 'CERTIFICATE'),
        intermediatePem: toPem(issuer.intermediate.der, 'CERTIFICATE'),
        ocspResponderPem: toPem(issuer.responder.der, 'CERTIFICATE'),
        ocspUrl: issuer.ocspUrl,
        policyOid: issuer.spec.policyOid,
      };
    },

    async issueCard(request) {
      const issuer = issuerState(request.issuer);
      if (!/^\d{12}$/.test(request.personnummer))
        throw new TestPkiError('invalid_input', 'personnummer must be 12 digits');
      if (request.givenName.trim() === '' || request.surname.trim() === '')
        throw new TestPkiError('invalid_input', 'names must not be empty');
      const variant = request.variant ?? null;
      // Valid (or, for the date variants, invalid) at the PKI's clock and at real time alike.
      const { earliest, latest } = spanOf(clock);
      const notBefore = wholeSeconds(
        request.notBefore ??
          (variant === 'expired'
            ? new Date(earliest.getTime() - 3 * YEAR_MS)
            : variant === 'notYetValid'
              ? new Date(latest.getTime() + DAY_MS)
              : new Date(earliest.getTime() - DAY_MS)),
      );
      const notAfter = wholeSeconds(
        request.notAfter ??
          (variant === 'expired' ? new Date(earliest.getTime() - DAY_MS) : new Date(latest.getTime() + 3 * YEAR_MS)),
      );
      if (notAfter <= notBefore) throw new TestPkiError('invalid_input', 'notAfter must be after notBefore');

      const serialNumber =
        variant === 'noSerialNumber'
          ? undefined
          : variant === 'malformedSerialNumber'
            ? 'ABC123'
            : variant === 'pnoPrefix'
              ? `PNOSE-${request.personnummer}`
              : `${request.serialNumberPrefix ?? ''}${request.personnummer}`;
      const subject = distinguishedName([
        [OID.country, 'SE'],
        [OID.surname, request.surname],
        [OID.givenName, request.givenName],
        ...(serialNumber === undefined ? [] : [[OID.serialNumber, serialNumber] as const]),
        [OID.commonName, `${request.givenName} ${request.surname}`],
      ]);
      const signer =
        variant === 'selfSigned'
          ? undefined
          : variant === 'foreignCa'
            ? (await lookAlikeOf(state, issuer)).intermediate
            : issuer.intermediate;
      const ocspUrl = variant === 'noAia' ? null : issuer.ocspUrl;
      const common = [
        extensions.certificatePolicies([issuer.spec.policyOid]),
        ...(ocspUrl === null ? [] : [extensions.ocspAccess(ocspUrl)]),
      ];
      const authUsage: KeyUsageName[] =
        variant === 'authWithNonRepudiationOnly'
          ? ['nonRepudiation']
          : ['digitalSignature', 'keyEncipherment'];

      const issue = async (usage: 'auth' | 'sign'): Promise<CardCert> => {
        const serial = randomSerial();
        const profile =
          usage === 'auth'
            ? [extensions.keyUsage(authUsage), extensions.extKeyUsage([OID.clientAuth, OID.emailProtection])]
            : [extensions.keyUsage(['nonRepudiation'])];
        const cert = await signCertificate({
          subject,
          keys: await generateKeyPair(),
          ...(signer === undefined ? {} : { issuer: signer }),
          serial,
          notBefore,
          notAfter,
          extensions: [...profile, ...common],
        });
        const { personnummer, givenName, surname } = request;
        const record: IssuedCertificate = {
          serialHex: bytesToHex(serial),
          issuer: issuer.spec.id,
          usage,
          personnummer,
          givenName,
          surname,
          notBefore,
          notAfter,
          ocspUrl,
          variant,
        };
        state.issued.set(record.serialHex, record);
        const { certPem, keyPem, certDer, pkcs8 } = await pemsOf(cert);
        // What a browser's certificate picker shows for the imported identity.
        const friendlyName = `${givenName} ${surname} (${usage === 'auth' ? 'legitimering' : 'underskrift'})`;
        return {
          certPem,
          keyPem,
          certDer,
          serialHex: record.serialHex,
          notAfter,
          pkcs12: (password) =>
            createPkcs12({ certificateDer: certDer, privateKeyPkcs8: pkcs8, password, friendlyName }),
        };
      };
      const [auth, sign] = await Promise.all([issue('auth'), issue('sign')]);
      return { auth, sign };
    },

    async issueServerCertificate(hostnames = ['localhost']) {
      const names = [...new Set([...hostnames, 'localhost', '127.0.0.1', '::1'])];
      const serial = randomSerial();
      // A browser checks this one against real time; the portal's clock is covered too.
      const { notBefore, notAfter } = windowAround(spanOf(clock), DAY_MS, YEAR_MS);
      const cert = await signCertificate({
        subject: distinguishedName([
          [OID.country, 'SE'],
          [OID.organization, 'Kundwebben'],
          [OID.commonName, names[0] ?? 'localhost'],
        ]),
        keys: await generateKeyPair(),
        issuer: state.tlsCa,
        serial,
        notBefore,
        notAfter,
        extensions: [
          extensions.basicConstraints(false),
          extensions.keyUsage(['digitalSignature', 'keyEncipherment']),
          extensions.extKeyUsage([OID.serverAuth]),
          extensions.subjectAltName(names),
        ],
      });
      const { certPem, keyPem, certDer } = await pemsOf(cert);
      return { certPem, keyPem, certDer, serialHex: bytesToHex(serial), notAfter };
    },

    revoke(serialHex, options = {}) {
      const serial = normalizeSerialHex(serialHex);
      const record = state.issued.get(serial);
      if (!record || !isIssuerIssued(record))
        throw new TestPkiError('unknown_serial', `${serial} was not issued by any issuer of this PKI`);
      state.revocations.set(serial, {
        reason: options.reason === undefined ? null : checkReason(options.reason),
        at: wholeSeconds(options.at ?? clock.now()),
      });
    },

    status(serialHex) {
      const serial = normalizeSerialHex(serialHex);
      const record = state.issued.get(serial);
      if (!record || !isIssuerIssued(record)) return 'unknown';
      return state.revocations.has(serial) ? 'revoked' : 'good';
    },

    issued() {
      return [...state.issued.values()];
    },
  };
  states.set(pki, state);
  return pki;
}

async function pemsOf(
  cert: Signer,
): Promise<{ certPem: string; keyPem: string; certDer: Uint8Array; pkcs8: Uint8Array }> {
  const pkcs8 = await exportPkcs8(cert.privateKey);
  return {
    certPem: toPem(cert.der, 'CERTIFICATE'),
    keyPem: toPem(pkcs8, 'PRIVATE KEY'),
    certDer: cert.der,
    pkcs8,
  };
}
