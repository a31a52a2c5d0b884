/**
 * The BankID test PKI: the user side as in real BankID test certificates
 * (shared/reference/bankid.md §9: user ← "Testbank A Customer CA1 v1 for BankID Test" ←
 * "Testbank A CA v1 for BankID Test" ← "Test BankID Root CA v1 Test", personnummer in the
 * subject serialNumber, a delegated OCSP responder issued by the customer CA), the RP side
 * (an RP CA and RP client certificates whose subject names the organisation, §A) and the
 * server side (an SSL root and a server certificate for loopback, §8). Real RSA keys and
 * signatures, made with the test PKI's building blocks (devtools/test-pki). Test material
 * only: production refuses every anchor made here.
 *
 * Deliberate simplifications: every key is RSA 2048 with SHA-256 (the real CAs are RSA 4096
 * with SHA-512; 4096-bit keys would make each test PKI take seconds), and every person has
 * one BankID, a Mobile BankID (test policy 1.2.3.4.25).
 */
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../../src/platform/clock.js';
import {
  OID,
  distinguishedName,
  extensions,
  signCertificate,
  signOcspResponder,
  type Signer,
} from '../test-pki/certificates.js';
import {
  DAY_MS,
  YEAR_MS,
  bytesToHex,
  exportPkcs8,
  generateKeyPair,
  coversSpan,
  randomSerial,
  spanOf,
  toPem,
  windowAround,
  wholeSeconds,
  type ValiditySpan,
} from '../test-pki/crypto.js';
import { createPkcs12 } from '../test-pki/pkcs12.js';
import { BankIdTestError } from './errors.js';

/** Attribute types BankID certificates use beyond the test PKI's OID table. */
export const BANKID_OID = {
  organizationalUnit: '2.5.4.11',
  /** X.520 `name`: BankID puts "(issued) Given Surname - Mobilt BankID" here, and the RP's display name. */
  name: '2.5.4.41',
  /** BankID test certificate policies (shared/reference/bankid.md §1). */
  policyTestOnFile: '1.2.3.4.5',
  policyTestOnCard: '1.2.3.4.10',
  policyTestMobile: '1.2.3.4.25',
} as const;

/** The names BankID's test environment uses (§9, §A, §8). */
export const BANKID_NAMES = {
  root: 'Test BankID Root CA v1 Test',
  rootOrganization: 'Finansiell ID-Teknik BID AB',
  rootUnit: 'BankID Member Banks CA',
  bankCa: 'Testbank A CA v1 for BankID Test',
  customerCa: 'Testbank A Customer CA1 v1 for BankID Test',
  bank: 'Testbank A AB (publ)',
  bankSerialNumber: '111111111111',
  sslRoot: 'Test BankID SSL Root CA v1 Test',
  sslRootUnit: 'Infrastructure CA',
  rpCa: 'Testbank A RP CA v1 for BankID Test',
} as const;

/** The OCSP URL in real BankID test user certificates (AIA); the portal must not fetch it. */
export const USER_CERT_OCSP_URL = 'http://test.revocationstatus.se';

export interface BankIdPerson {
  /** 12 digits, YYYYMMDDNNNC. */
  readonly personnummer: string;
  readonly givenName: string;
  readonly surname: string;
}

/** What the RP certificate says about the organisation (shown in the app as displayName). */
export interface BankIdRpIdentity {
  /** Legal name: the certificate's CN. */
  readonly organisationName: string;
  /** Shown in the BankID app: the certificate's `name` attribute. */
  readonly displayName: string;
  /** 10-digit organisationsnummer: the certificate's serialNumber. */
  readonly orgnr: string;
}

export interface RpCertificate {
  readonly identity: BankIdRpIdentity;
  readonly certPem: string;
  readonly keyPem: string;
  /** As Node's X509Certificate and TLSSocket.getPeerCertificate() write it (AB:CD:…). */
  readonly fingerprint256: string;
  /** False: the certificate passes TLS (issued by the RP CA) but the RP API answers 401. */
  readonly authorized: boolean;
  /** The certificate and key as PKCS#12 (PBES2/AES-256, loads in Node 20 without legacy provider). */
  pkcs12(password: string): Promise<Uint8Array>;
}

export interface BankIdUserCertificate {
  readonly person: BankIdPerson;
  readonly certPem: string;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Set by revokeUser: the app then fails this person's orders with certificateErr. */
  readonly revokedAt: Date | null;
}

export interface BankIdTestPki {
  readonly clock: Clock;
  /** "Test BankID Root CA v1 Test": the anchor the portal pins to verify user signatures. */
  readonly userRootPem: string;
  /** "Testbank A CA v1 for BankID Test" (issued by the root). */
  readonly bankCaPem: string;
  /** "Testbank A Customer CA1 v1 for BankID Test": issues user and OCSP responder certificates. */
  readonly customerCaPem: string;
  /** Delegated OCSP responder (issued by the customer CA, EKU OCSPSigning, ocsp-nocheck). */
  readonly ocspResponderPem: string;
  /** "Test BankID SSL Root CA v1 Test": the anchor the portal pins for the server's TLS certificate. */
  readonly serverCaPem: string;
  /** Server certificate for localhost, 127.0.0.1 and ::1 (plus the hostnames asked for). */
  readonly server: { readonly certPem: string; readonly keyPem: string; readonly hostnames: readonly string[] };
  /** Issues RP client certificates; the TLS listener trusts exactly this CA for client certificates. */
  readonly rpCaPem: string;
  /** The portal's RP certificate. */
  readonly rp: RpCertificate;
  /** Another RP certificate from the RP CA, e.g. a second organisation or one without access (authorized false). */
  issueRpCertificate(identity: BankIdRpIdentity, options?: { authorized?: boolean }): Promise<RpCertificate>;
  /** The registered RP certificate with this fingerprint, if any. */
  rpByFingerprint(fingerprint256: string): RpCertificate | undefined;
  /** Issues a BankID for the person unless one with the same names is valid at the clock and real time. */
  ensureUser(person: BankIdPerson): Promise<BankIdUserCertificate>;
  user(personnummer: string): BankIdUserCertificate | undefined;
  users(): readonly BankIdUserCertificate[];
  /** Blocks the person's BankID (as a bank does): completing an order then fails with certificateErr. */
  revokeUser(personnummer: string, at?: Date): void;
}

export interface BankIdTestPkiOptions {
  /** The clock of the portal served (DESIGN §3a): certificates cover it and real time. */
  clock: Clock;
  /** The portal's RP certificate; defaults to DEFAULT_RP_IDENTITY. */
  rp?: BankIdRpIdentity;
  /** BankIDs issued up front (more can be issued with ensureUser). */
  people?: readonly BankIdPerson[];
  /** Extra names for the server certificate (localhost, 127.0.0.1 and ::1 are always in it). */
  serverHostnames?: readonly string[];
}

export const DEFAULT_RP_IDENTITY: BankIdRpIdentity = {
  organisationName: 'Kundwebben Test AB',
  displayName: 'Kundwebben',
  orgnr: '5566778899',
};

// ---------------------------------------------------------------------------------------
// Internal state (shared with store.ts, completion.ts and the server; not exported by index.ts).

export interface UserHierarchy {
  readonly root: Signer;
  readonly bankCa: Signer;
  readonly customerCa: Signer;
  readonly responder: Signer;
}

export interface UserRecord {
  person: BankIdPerson;
  signer: Signer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
}

export interface RpRecord {
  identity: BankIdRpIdentity;
  signer: Signer;
  fingerprint256: string;
  authorized: boolean;
}

export interface BankIdPkiState {
  readonly clock: Clock;
  readonly hierarchy: UserHierarchy;
  readonly sslRoot: Signer;
  server: { signer: Signer; hostnames: string[] };
  readonly rpCa: Signer;
  rp: RpRecord;
  readonly rps: Map<string, RpRecord>;
  readonly users: Map<string, UserRecord>;
  /** Same DNs, other keys: for forged completions ("unknown root", "wrong OCSP responder"). */
  lookAlike?: Promise<UserHierarchy>;
  readonly lookAlikeUsers: Map<string, Promise<Signer>>;
}

const states = new WeakMap<object, BankIdPkiState>();

export function bankIdStateOf(pki: BankIdTestPki): BankIdPkiState {
  const state = states.get(pki);
  if (!state) throw new BankIdTestError('invalid_input', 'not a BankID test PKI made by createBankIdTestPki');
  return state;
}

export function checkPerson(person: BankIdPerson): void {
  if (!/^\d{12}$/.test(person.personnummer))
    throw new BankIdTestError('invalid_input', `personnummer must be 12 digits: ${person.personnummer}`);
  if (person.givenName.trim() === '' || person.surname.trim() === '')
    throw new BankIdTestError('invalid_input', 'givenName and surname must not be empty');
}

export function checkRpIdentity(identity: BankIdRpIdentity): void {
  if (!/^\d{10}$/.test(identity.orgnr))
    throw new BankIdTestError('invalid_input', `orgnr must be 10 digits: ${identity.orgnr}`);
  if (identity.organisationName.trim() === '' || identity.displayName.trim() === '')
    throw new BankIdTestError('invalid_input', 'organisationName and displayName must not be empty');
}

export function fingerprintOf(der: Uint8Array): string {
  return new X509Certificate(der).fingerprint256;
}

const ca = (pathLen: number) => [
  extensions.basicConstraints(true, pathLen),
  extensions.keyUsage(['keyCertSign', 'cRLSign']),
];

/** Root → bank CA → customer CA → delegated OCSP responder, as in BankID's test environment. */
export async function createUserHierarchy(span: ValiditySpan): Promise<UserHierarchy> {
  const [rootKeys, bankKeys, customerKeys, responderKeys] = await Promise.all([
    generateKeyPair(),
    generateKeyPair(),
    generateKeyPair(),
    generateKeyPair(),
  ]);
  const bankDn = (cn: string) =>
    distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, BANKID_NAMES.bank],
      [OID.serialNumber, BANKID_NAMES.bankSerialNumber],
      [OID.commonName, cn],
    ]);
  const root = await signCertificate({
    subject: distinguishedName([
      [OID.organization, BANKID_NAMES.rootOrganization],
      [BANKID_OID.organizationalUnit, BANKID_NAMES.rootUnit],
      [OID.commonName, BANKID_NAMES.root],
    ]),
    keys: rootKeys,
    serial: randomSerial(),
    ...windowAround(span, 5 * YEAR_MS, 20 * YEAR_MS),
    extensions: [extensions.basicConstraints(true), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
  });
  const bankCa = await signCertificate({
    subject: bankDn(BANKID_NAMES.bankCa),
    keys: bankKeys,
    issuer: root,
    serial: randomSerial(),
    ...windowAround(span, 5 * YEAR_MS, 15 * YEAR_MS),
    extensions: [...ca(1), extensions.certificatePolicies([BANKID_OID.policyTestOnFile])],
  });
  const customerCa = await signCertificate({
    subject: bankDn(BANKID_NAMES.customerCa),
    keys: customerKeys,
    issuer: bankCa,
    serial: randomSerial(),
    ...windowAround(span, 5 * YEAR_MS, 15 * YEAR_MS),
    extensions: [...ca(0), extensions.certificatePolicies([BANKID_OID.policyTestOnFile])],
  });
  // RFC 6960 §4.2.2.2: a delegated responder is issued by the CA whose certificates it answers
  // for; ActiveLogin: "signed by a certificate that has the same issuer as the certificate being verified".
  const responder = await signOcspResponder({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, BANKID_NAMES.bank],
      [OID.commonName, `${BANKID_NAMES.customerCa} OCSP`],
    ]),
    keys: responderKeys,
    issuer: customerCa,
    span,
  });
  return { root, bankCa, customerCa, responder };
}

export async function createSslRoot(span: ValiditySpan): Promise<Signer> {
  return signCertificate({
    subject: distinguishedName([
      [OID.organization, BANKID_NAMES.rootOrganization],
      [BANKID_OID.organizationalUnit, BANKID_NAMES.sslRootUnit],
      [OID.commonName, BANKID_NAMES.sslRoot],
    ]),
    keys: await generateKeyPair(),
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, 20 * YEAR_MS),
    extensions: [extensions.basicConstraints(true, 0), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
  });
}

/**
 * Self-signed on purpose: the TLS listener trusts exactly this CA for client certificates, and
 * Node (OpenSSL without partial chains) only accepts a self-signed anchor. Keeping it apart
 * from the user root also means a user certificate can never pass as an RP certificate.
 */
export async function createRpCa(span: ValiditySpan): Promise<Signer> {
  return signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, BANKID_NAMES.bank],
      [OID.commonName, BANKID_NAMES.rpCa],
    ]),
    keys: await generateKeyPair(),
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, 20 * YEAR_MS),
    extensions: [extensions.basicConstraints(true, 0), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
  });
}

export async function issueServerCert(
  sslRoot: Signer,
  hostnames: readonly string[],
  span: ValiditySpan,
): Promise<{ signer: Signer; hostnames: string[] }> {
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostnames])];
  const signer = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, BANKID_NAMES.rootOrganization],
      [OID.commonName, 'BankID test server (local)'],
    ]),
    keys: await generateKeyPair(),
    issuer: sslRoot,
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, YEAR_MS),
    extensions: [
      extensions.basicConstraints(false),
      extensions.keyUsage(['digitalSignature', 'keyEncipherment']),
      extensions.extKeyUsage([OID.serverAuth]),
      extensions.subjectAltName(names),
    ],
  });
  return { signer, hostnames: names };
}

/** Subject as in BankID's test RP certificate: C, O (the bank), serialNumber (orgnr), name, CN. */
export async function issueRpCert(
  rpCa: Signer,
  identity: BankIdRpIdentity,
  span: ValiditySpan,
  authorized: boolean,
): Promise<RpRecord> {
  checkRpIdentity(identity);
  const signer = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, BANKID_NAMES.bank],
      [OID.serialNumber, identity.orgnr],
      [BANKID_OID.name, identity.displayName],
      [OID.commonName, identity.organisationName],
    ]),
    keys: await generateKeyPair(),
    issuer: rpCa,
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, 2 * YEAR_MS),
    extensions: [
      extensions.basicConstraints(false),
      extensions.keyUsage(['digitalSignature', 'keyEncipherment']),
      extensions.extKeyUsage([OID.clientAuth]),
    ],
  });
  return { identity, signer, fingerprint256: fingerprintOf(signer.der), authorized };
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A user certificate as in §9: subject C, O (bank), surname, givenName, serialNumber
 * (personnummer), name "(yyMMdd HH.mm) Given Surname - Mobilt BankID", CN "Given Surname";
 * keyUsage digitalSignature; the Mobile BankID test policy; AIA with BankID's OCSP URL.
 */
export async function issueUserCert(
  issuer: Signer,
  person: BankIdPerson,
  span: ValiditySpan,
): Promise<{ signer: Signer; serialHex: string; notBefore: Date; notAfter: Date }> {
  checkPerson(person);
  const { notBefore, notAfter } = windowAround(span, DAY_MS, 2 * YEAR_MS);
  const issued = `${two(notBefore.getUTCFullYear() % 100)}${two(notBefore.getUTCMonth() + 1)}${two(notBefore.getUTCDate())} ${two(notBefore.getUTCHours())}.${two(notBefore.getUTCMinutes())}`;
  const fullName = `${person.givenName} ${person.surname}`;
  const serial = randomSerial();
  const signer = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, BANKID_NAMES.bank],
      [OID.surname, person.surname],
      [OID.givenName, person.givenName],
      [OID.serialNumber, person.personnummer],
      [BANKID_OID.name, `(${issued}) ${fullName} - Mobilt BankID`],
      [OID.commonName, fullName],
    ]),
    keys: await generateKeyPair(),
    issuer,
    serial,
    notBefore,
    notAfter,
    extensions: [
      extensions.ocspAccess(USER_CERT_OCSP_URL),
      extensions.certificatePolicies([BANKID_OID.policyTestMobile]),
      extensions.keyUsage(['digitalSignature']),
    ],
  });
  return { signer, serialHex: bytesToHex(serial), notBefore, notAfter };
}

export function lookAlikeOf(state: BankIdPkiState): Promise<UserHierarchy> {
  state.lookAlike ??= createUserHierarchy(spanOf(state.clock));
  return state.lookAlike;
}

/** The person's certificate from the look-alike hierarchy (same names, unknown root). */
export function lookAlikeUser(state: BankIdPkiState, person: BankIdPerson): Promise<Signer> {
  let signer = state.lookAlikeUsers.get(person.personnummer);
  if (!signer) {
    signer = lookAlikeOf(state).then(
      async (h) => (await issueUserCert(h.customerCa, person, spanOf(state.clock))).signer,
    );
    state.lookAlikeUsers.set(person.personnummer, signer);
  }
  return signer;
}

async function rpCertificateOf(record: RpRecord): Promise<RpCertificate> {
  const pkcs8 = await exportPkcs8(record.signer.privateKey);
  const { identity } = record;
  return {
    identity,
    certPem: toPem(record.signer.der, 'CERTIFICATE'),
    keyPem: toPem(pkcs8, 'PRIVATE KEY'),
    fingerprint256: record.fingerprint256,
    authorized: record.authorized,
    pkcs12: (password) =>
      createPkcs12({
        certificateDer: record.signer.der,
        privateKeyPkcs8: pkcs8,
        password,
        friendlyName: `${identity.organisationName} (BankID RP, test)`,
      }),
  };
}

function userCertificateOf(record: UserRecord): BankIdUserCertificate {
  return {
    person: record.person,
    certPem: toPem(record.signer.der, 'CERTIFICATE'),
    serialHex: record.serialHex,
    notBefore: record.notBefore,
    notAfter: record.notAfter,
    revokedAt: record.revokedAt,
  };
}

/** The public object over a state (used by createBankIdTestPki and loadBankIdTestPki). */
export async function bankIdPkiFrom(state: BankIdPkiState): Promise<BankIdTestPki> {
  const { clock } = state;
  const rpCertificates = new Map<string, RpCertificate>();
  for (const record of state.rps.values()) rpCertificates.set(record.fingerprint256, await rpCertificateOf(record));
  const mainRp = rpCertificates.get(state.rp.fingerprint256);
  if (!mainRp) throw new BankIdTestError('invalid_input', 'the RP certificate is not registered');
  const serverKeyPem = toPem(await exportPkcs8(state.server.signer.privateKey), 'PRIVATE KEY');

  const pki: BankIdTestPki = {
    clock,
    userRootPem: toPem(state.hierarchy.root.der, 'CERTIFICATE'),
    bankCaPem: toPem(state.hierarchy.bankCa.der, 'CERTIFICATE'),
    customerCaPem: toPem(state.hierarchy.customerCa.der, 'CERTIFICATE'),
    ocspResponderPem: toPem(state.hierarchy.responder.der, 'CERTIFICATE'),
    serverCaPem: toPem(state.sslRoot.der, 'CERTIFICATE'),
    server: {
      certPem: toPem(state.server.signer.der, 'CERTIFICATE'),
      keyPem: serverKeyPem,
      hostnames: state.server.hostnames,
    },
    rpCaPem: toPem(state.rpCa.der, 'CERTIFICATE'),
    rp: mainRp,

    async issueRpCertificate(identity, options = {}) {
      const record = await issueRpCert(state.rpCa, identity, spanOf(clock), options.authorized ?? true);
      state.rps.set(record.fingerprint256, record);
      const certificate = await rpCertificateOf(record);
      rpCertificates.set(record.fingerprint256, certificate);
      return certificate;
    },

    rpByFingerprint(fingerprint256) {
      return rpCertificates.get(fingerprint256);
    },

    async ensureUser(person) {
      checkPerson(person);
      const span = spanOf(clock);
      const existing = state.users.get(person.personnummer);
      if (
        existing &&
        existing.person.givenName === person.givenName &&
        existing.person.surname === person.surname &&
        coversSpan({ validFrom: existing.notBefore, validTo: existing.notAfter }, span)
      )
        return userCertificateOf(existing);
      const issued = await issueUserCert(state.hierarchy.customerCa, person, span);
      const record: UserRecord = {
        person: { personnummer: person.personnummer, givenName: person.givenName, surname: person.surname },
        ...issued,
        revokedAt: null,
      };
      state.users.set(person.personnummer, record);
      state.lookAlikeUsers.delete(person.personnummer);
      return userCertificateOf(record);
    },

    user(personnummer) {
      const record = state.users.get(personnummer);
      return record ? userCertificateOf(record) : undefined;
    },

    users() {
      return [...state.users.values()].map(userCertificateOf);
    },

    revokeUser(personnummer, at) {
      const record = state.users.get(personnummer);
      if (!record) throw new BankIdTestError('unknown_person', `no BankID for ${personnummer}`);
      record.revokedAt = wholeSeconds(at ?? clock.now());
    },
  };
  states.set(pki, state);
  return pki;
}

/** Creates every CA, the responder, the server and RP certificates (about ten RSA keys, in parallel). */
export async function createBankIdTestPki(options: BankIdTestPkiOptions): Promise<BankIdTestPki> {
  const { clock } = options;
  const identity = options.rp ?? DEFAULT_RP_IDENTITY;
  checkRpIdentity(identity);
  for (const person of options.people ?? []) checkPerson(person);
  const span = spanOf(clock);
  const [hierarchy, sslRoot, rpCa] = await Promise.all([createUserHierarchy(span), createSslRoot(span), createRpCa(span)]);
  const [server, rp] = await Promise.all([
    issueServerCert(sslRoot, options.serverHostnames ?? [], span),
    issueRpCert(rpCa, identity, span, true),
  ]);
  const users = new Map<string, UserRecord>();
  await Promise.all(
    (options.people ?? []).map(async (person) => {
      const issued = await issueUserCert(hierarchy.customerCa, person, span);
      users.set(person.personnummer, { person: { ...person }, ...issued, revokedAt: null });
    }),
  );
  return bankIdPkiFrom({
    clock,
    hierarchy,
    sslRoot,
    server,
    rpCa,
    rp,
    rps: new Map([[rp.fingerprint256, rp]]),
    users,
    lookAlikeUsers: new Map(),
  });
}
