/**
 * The BankID test PKI on disk, for demo mode: certificates and keys as PEM (keys unencrypted,
 * mode 0600: test material production refuses) and an index `bankid-pki.json`.
 *
 * Layout of `dir`:
 *   bankid-pki.json
 *   user-root.pem, bank-ca.pem, customer-ca.pem, ocsp-responder.pem   (+ .key.pem)
 *   ssl-root.pem, server.pem, rp-ca.pem, rp.pem                        (+ .key.pem)
 *   rp.p12                                                             (ensureBankIdTestPki)
 *   users/<personnummer>.pem (+ .key.pem)
 * Extra RP certificates (issueRpCertificate) live only in memory.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../src/platform/clock.js';
import type { Signer } from '../test-pki/certificates.js';
import { coversSpan, normalizeSerialHex, spanOf } from '../test-pki/crypto.js';
import { readSigner as readSignerFile, writeAtomic, writeSigner } from '../test-pki/store.js';
import { BankIdTestError } from './errors.js';
import {
  DEFAULT_RP_IDENTITY,
  bankIdPkiFrom,
  bankIdStateOf,
  checkPerson,
  checkRpIdentity,
  createBankIdTestPki,
  fingerprintOf,
  issueRpCert,
  issueServerCert,
  type BankIdPerson,
  type BankIdPkiState,
  type BankIdRpIdentity,
  type BankIdTestPki,
  type UserRecord,
} from './pki.js';

const FORMAT = 'kundwebben-bankid-test-pki/1';

interface IndexFile {
  format: typeof FORMAT;
  rp: BankIdRpIdentity;
  serverHostnames: string[];
  users: {
    personnummer: string;
    givenName: string;
    surname: string;
    serialHex: string;
    notBefore: string;
    notAfter: string;
    revokedAt: string | null;
  }[];
}

const readSigner = (base: string): Promise<Signer> =>
  readSignerFile(base, (detail) => new BankIdTestError('corrupt_store', detail));

async function saveState(state: BankIdPkiState, dir: string): Promise<void> {
  const h = state.hierarchy;
  await Promise.all([
    writeSigner(path.join(dir, 'user-root'), h.root),
    writeSigner(path.join(dir, 'bank-ca'), h.bankCa),
    writeSigner(path.join(dir, 'customer-ca'), h.customerCa),
    writeSigner(path.join(dir, 'ocsp-responder'), h.responder),
    writeSigner(path.join(dir, 'ssl-root'), state.sslRoot),
    writeSigner(path.join(dir, 'server'), state.server.signer),
    writeSigner(path.join(dir, 'rp-ca'), state.rpCa),
    writeSigner(path.join(dir, 'rp'), state.rp.signer),
    ...[...state.users.values()].map((u) => writeSigner(path.join(dir, 'users', u.person.personnummer), u.signer)),
  ]);
  const index: IndexFile = {
    format: FORMAT,
    rp: state.rp.identity,
    serverHostnames: state.server.hostnames,
    users: [...state.users.values()].map((u) => ({
      ...u.person,
      serialHex: u.serialHex,
      notBefore: u.notBefore.toISOString(),
      notAfter: u.notAfter.toISOString(),
      revokedAt: u.revokedAt?.toISOString() ?? null,
    })),
  };
  await writeAtomic(path.join(dir, 'bankid-pki.json'), `${JSON.stringify(index, null, 2)}\n`);
}

/** Writes the PKI (CAs, responder, server, the portal's RP certificate, users) to `dir`. */
export async function saveBankIdTestPki(pki: BankIdTestPki, dir: string): Promise<void> {
  await saveState(bankIdStateOf(pki), dir);
}

function parseIndex(text: string, file: string): IndexFile {
  const fail = (why: string): never => {
    throw new BankIdTestError('corrupt_store', `${file}: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail((err as Error).message);
  }
  const index = raw as Partial<IndexFile> | null;
  if (index?.format !== FORMAT) return fail(`format is not ${FORMAT}`);
  if (typeof index.rp !== 'object' || !Array.isArray(index.serverHostnames) || !Array.isArray(index.users))
    return fail('missing rp, serverHostnames or users');
  try {
    checkRpIdentity(index.rp);
  } catch (err) {
    fail((err as Error).message);
  }
  const isDate = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
  for (const u of index.users) {
    if (typeof u.personnummer !== 'string' || typeof u.givenName !== 'string' || typeof u.surname !== 'string')
      fail('a user lacks a name field');
    if (typeof u.serialHex !== 'string' || !isDate(u.notBefore) || !isDate(u.notAfter))
      fail(`user ${u.personnummer}: bad serial or dates`);
    if (u.revokedAt !== null && !isDate(u.revokedAt)) fail(`user ${u.personnummer}: bad revokedAt`);
    normalizeSerialHex(u.serialHex);
  }
  return index as IndexFile;
}

async function loadState(dir: string, clock: Clock): Promise<BankIdPkiState> {
  const file = path.join(dir, 'bankid-pki.json');
  const index = parseIndex(
    await readFile(file, 'utf8').catch((err: unknown) => {
      throw new BankIdTestError('corrupt_store', `${file}: ${(err as Error).message}`);
    }),
    file,
  );
  const read = (name: string) => readSigner(path.join(dir, name));
  const [root, bankCa, customerCa, responder, sslRoot, server, rpCa, rp] = await Promise.all(
    ['user-root', 'bank-ca', 'customer-ca', 'ocsp-responder', 'ssl-root', 'server', 'rp-ca', 'rp'].map(read),
  );
  if (!root || !bankCa || !customerCa || !responder || !sslRoot || !server || !rpCa || !rp)
    throw new BankIdTestError('corrupt_store', `${dir}: incomplete`);
  const users = new Map<string, UserRecord>();
  for (const u of index.users) {
    const person: BankIdPerson = { personnummer: u.personnummer, givenName: u.givenName, surname: u.surname };
    checkPerson(person);
    users.set(u.personnummer, {
      person,
      signer: await read(path.join('users', u.personnummer)),
      serialHex: u.serialHex,
      notBefore: new Date(u.notBefore),
      notAfter: new Date(u.notAfter),
      revokedAt: u.revokedAt === null ? null : new Date(u.revokedAt),
    });
  }
  const rpRecord = { identity: index.rp, signer: rp, fingerprint256: fingerprintOf(rp.der), authorized: true };
  return {
    clock,
    hierarchy: { root, bankCa, customerCa, responder },
    sslRoot,
    server: { signer: server, hostnames: index.serverHostnames },
    rpCa,
    rp: rpRecord,
    rps: new Map([[rpRecord.fingerprint256, rpRecord]]),
    users,
    lookAlikeUsers: new Map(),
  };
}

/** Reads a PKI written by saveBankIdTestPki. */
export async function loadBankIdTestPki(dir: string, options: { clock: Clock }): Promise<BankIdTestPki> {
  return bankIdPkiFrom(await loadState(dir, options.clock));
}

export interface BankIdDemoPki {
  pki: BankIdTestPki;
  /** When the saved CAs were not valid at both clocks and the PKI was made anew: the stale files. */
  renewed: string[] | null;
  files: {
    /** Pin this as the only CA for the RP API's server certificate. */
    serverCaPath: string;
    /** The portal's RP client certificate and key (PEM) … */
    rpCertPath: string;
    rpKeyPath: string;
    /** … and the same as PKCS#12 with `rpPkcs12Password`. */
    rpPkcs12Path: string;
    rpPkcs12Password: string;
    /** Trust anchor for user certificates in completionData.signature. */
    userRootPath: string;
    /** The delegated OCSP responder certificate (also inside every ocspResponse). */
    ocspResponderPath: string;
  };
}

/** Same as BankID's public test RP certificate (shared/reference/bankid.md §A). */
export const DEFAULT_RP_PKCS12_PASSWORD = 'qwerty123';

/**
 * Creates the BankID test PKI in `dir` once, then reuses it. Validity is judged at both the
 * clock and real time (DESIGN §3a: both TLS ends check real time, the portal checks its
 * clock): when any CA or the OCSP responder is not valid at both, the whole PKI is made anew
 * (`renewed` names the stale files); otherwise the server and RP certificates are re-issued
 * when not valid at both (or the RP identity or server names changed), and each person gets a
 * BankID unless one with the same names is. rp.p12 is rewritten every time (so a changed
 * password takes effect). Not safe against two processes running it on the same `dir` at once:
 * each demo instance has its own data directory.
 */
export async function ensureBankIdTestPki(
  dir: string,
  options: {
    clock: Clock;
    people: readonly BankIdPerson[];
    rp?: BankIdRpIdentity;
    serverHostnames?: readonly string[];
    rpPkcs12Password?: string;
  },
): Promise<BankIdDemoPki> {
  const { clock } = options;
  const identity = options.rp ?? DEFAULT_RP_IDENTITY;
  const wantedHosts = options.serverHostnames ?? [];
  let pki: BankIdTestPki | undefined;
  let renewed: string[] | null = null;
  const span = spanOf(clock);
  const validNow = (s: Signer) => coversSpan({ validFrom: s.certificate.notBefore.value, validTo: s.certificate.notAfter.value }, span);
  if (existsSync(path.join(dir, 'bankid-pki.json'))) {
    const state = await loadState(dir, clock);
    const h = state.hierarchy;
    const authorities: [string, Signer][] = [
      ['user-root.pem', h.root],
      ['bank-ca.pem', h.bankCa],
      ['customer-ca.pem', h.customerCa],
      ['ocsp-responder.pem', h.responder],
      ['ssl-root.pem', state.sslRoot],
      ['rp-ca.pem', state.rpCa],
    ];
    const stale = authorities.filter(([, s]) => !validNow(s)).map(([name]) => name);
    if (stale.length > 0) renewed = stale;
    else pki = await refreshLeaves(state);
  }
  pki ??= await createBankIdTestPki({ clock, rp: identity, serverHostnames: wantedHosts });

  async function refreshLeaves(state: BankIdPkiState): Promise<BankIdTestPki> {
    const sameIdentity =
      state.rp.identity.organisationName === identity.organisationName &&
      state.rp.identity.displayName === identity.displayName &&
      state.rp.identity.orgnr === identity.orgnr;
    if (!sameIdentity || !validNow(state.rp.signer)) {
      state.rps.delete(state.rp.fingerprint256);
      state.rp = await issueRpCert(state.rpCa, identity, span, true);
      state.rps.set(state.rp.fingerprint256, state.rp);
    }
    if (!validNow(state.server.signer) || !wantedHosts.every((h) => state.server.hostnames.includes(h))) {
      state.server = await issueServerCert(state.sslRoot, wantedHosts, span);
    }
    return bankIdPkiFrom(state);
  }
  for (const person of options.people) await pki.ensureUser(person);
  await saveBankIdTestPki(pki, dir);
  const rpPkcs12Password = options.rpPkcs12Password ?? DEFAULT_RP_PKCS12_PASSWORD;
  const rpPkcs12Path = path.join(dir, 'rp.p12');
  await writeAtomic(rpPkcs12Path, await pki.rp.pkcs12(rpPkcs12Password), true);
  return {
    pki,
    renewed,
    files: {
      serverCaPath: path.join(dir, 'ssl-root.pem'),
      rpCertPath: path.join(dir, 'rp.pem'),
      rpKeyPath: path.join(dir, 'rp.key.pem'),
      rpPkcs12Path,
      rpPkcs12Password,
      userRootPath: path.join(dir, 'user-root.pem'),
      ocspResponderPath: path.join(dir, 'ocsp-responder.pem'),
    },
  };
}
