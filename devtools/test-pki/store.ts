/**
 * The test PKI on disk, for demo mode: CA certificates and keys as PEM and an index
 * (`pki.json`) with the issuers, every issued card certificate and the revocations. Keys are
 * unencrypted (mode 0600): this is test material that production refuses to load.
 *
 * Layout of `dir`:
 *   pki.json
 *   tls-ca.pem, tls-ca.key.pem
 *   issuers/<id>/{root,intermediate,ocsp-responder}.pem (+ .key.pem)
 *   tls/server.pem, tls/server.key.pem                    (ensureDemoPki)
 *   cards/<personnummer>-<issuer>-{login,signing}.{p12,pem,key.pem}   (ensureDemoPki)
 *   card-issuers.json                                      (ensureDemoPki)
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../src/platform/clock.js';
import { signerFrom, type Signer } from './certificates.js';
import { coversSpan, exportPkcs8, fromPem, importPkcs8, normalizeSerialHex, spanOf, toPem } from './crypto.js';
import { TestPkiError } from './errors.js';
import { createPkcs12 } from './pkcs12.js';
import {
  checkBaseUrl,
  checkSpecs,
  createTestPki,
  stateOf,
  testPkiFrom,
  type DefaultIssuerId,
  type IssuedCertificate,
  type IssuerSpec,
  type IssuerState,
  type Revocation,
  type TestPki,
} from './pki.js';

const FORMAT = 'kundwebben-test-pki/1';

interface IndexFile {
  format: typeof FORMAT;
  ocspBaseUrl: string;
  issuers: IssuerSpec[];
  issued: (Omit<IssuedCertificate, 'notBefore' | 'notAfter'> & { notBefore: string; notAfter: string })[];
  revocations: { serialHex: string; reason: number | null; at: string }[];
}

/** Write-then-rename: a demo stopped mid-write never leaves a half file in place of a good one. */
export async function writeAtomic(file: string, data: string | Uint8Array, secret = false): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: secret ? 0o600 : 0o644 });
  await rename(tmp, file);
}

/** A CA or responder as `<base>.pem` + `<base>.key.pem` (also used by the BankID test server). */
export async function writeSigner(base: string, signer: Signer): Promise<void> {
  await writeAtomic(`${base}.pem`, toPem(signer.der, 'CERTIFICATE'));
  await writeAtomic(`${base}.key.pem`, toPem(await exportPkcs8(signer.privateKey), 'PRIVATE KEY'), true);
}

export async function readSigner(base: string, corrupt: (detail: string) => Error = (d) => new TestPkiError('corrupt_store', d)): Promise<Signer> {
  try {
    const [certPem, keyPem] = await Promise.all([
      readFile(`${base}.pem`, 'utf8'),
      readFile(`${base}.key.pem`, 'utf8'),
    ]);
    return signerFrom(fromPem(certPem, 'CERTIFICATE'), await importPkcs8(fromPem(keyPem, 'PRIVATE KEY')));
  } catch (err) {
    throw corrupt(`${base}.pem / .key.pem: ${(err as Error).message}`);
  }
}

/** Writes the PKI's CAs, responders and index to `dir` (created if missing; files replaced). */
export async function savePki<Id extends string>(pki: TestPki<Id>, dir: string): Promise<void> {
  const state = stateOf(pki);
  await writeSigner(path.join(dir, 'tls-ca'), state.tlsCa);
  for (const issuer of state.issuers.values()) {
    const base = path.join(dir, 'issuers', issuer.spec.id);
    await writeSigner(path.join(base, 'root'), issuer.root);
    await writeSigner(path.join(base, 'intermediate'), issuer.intermediate);
    await writeSigner(path.join(base, 'ocsp-responder'), issuer.responder);
  }
  const index: IndexFile = {
    format: FORMAT,
    ocspBaseUrl: state.ocspBaseUrl,
    issuers: [...state.issuers.values()].map((issuer) => issuer.spec),
    issued: [...state.issued.values()].map((record) => ({
      ...record,
      notBefore: record.notBefore.toISOString(),
      notAfter: record.notAfter.toISOString(),
    })),
    revocations: [...state.revocations].map(([serialHex, revocation]) => ({
      serialHex,
      reason: revocation.reason,
      at: revocation.at.toISOString(),
    })),
  };
  await writeAtomic(path.join(dir, 'pki.json'), `${JSON.stringify(index, null, 2)}\n`);
}

/**
 * Reads a PKI written by savePki. `ocspBaseUrl` replaces the saved one for certificates
 * issued from now on (already issued ones keep the URL in their AIA).
 */
export async function loadPki<Id extends string = DefaultIssuerId>(
  dir: string,
  options: { clock: Clock; ocspBaseUrl?: string },
): Promise<TestPki<Id>> {
  const index = parseIndex(
    await readFile(path.join(dir, 'pki.json'), 'utf8').catch((err: unknown) => {
      throw new TestPkiError('corrupt_store', `${dir}/pki.json: ${(err as Error).message}`);
    }),
  );
  checkSpecs(index.issuers);
  const ocspBaseUrl = checkBaseUrl(options.ocspBaseUrl ?? index.ocspBaseUrl);
  const issuers = new Map<string, IssuerState>();
  for (const spec of index.issuers) {
    const base = path.join(dir, 'issuers', spec.id);
    const [root, intermediate, responder] = await Promise.all(
      ['root', 'intermediate', 'ocsp-responder'].map((name) => readSigner(path.join(base, name))),
    );
    if (!root || !intermediate || !responder)
      throw new TestPkiError('corrupt_store', `${base}: incomplete hierarchy`);
    issuers.set(spec.id, { spec, root, intermediate, responder, ocspUrl: `${ocspBaseUrl}/${spec.id}` });
  }
  const issued = new Map<string, IssuedCertificate>();
  for (const record of index.issued) {
    issued.set(record.serialHex, {
      ...record,
      notBefore: new Date(record.notBefore),
      notAfter: new Date(record.notAfter),
    });
  }
  const revocations = new Map<string, Revocation>(
    index.revocations.map((r) => [r.serialHex, { reason: r.reason, at: new Date(r.at) }]),
  );
  return testPkiFrom<Id>({
    clock: options.clock,
    ocspBaseUrl,
    issuers,
    tlsCa: await readSigner(path.join(dir, 'tls-ca')),
    issued,
    revocations,
  });
}

/** Checks the shape of pki.json well enough that later code can trust its types. */
function parseIndex(text: string): IndexFile {
  const fail = (why: string): never => {
    throw new TestPkiError('corrupt_store', `pki.json: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail((err as Error).message);
  }
  const index = raw as Partial<IndexFile> | null;
  if (index?.format !== FORMAT) return fail(`format is not ${FORMAT}`);
  if (
    typeof index.ocspBaseUrl !== 'string' ||
    !Array.isArray(index.issuers) ||
    !Array.isArray(index.issued) ||
    !Array.isArray(index.revocations)
  ) {
    return fail('missing ocspBaseUrl, issuers, issued or revocations');
  }
  const isString = (v: unknown): v is string => typeof v === 'string';
  for (const spec of index.issuers) {
    if (![spec.id, spec.rootName, spec.intermediateName, spec.organization, spec.policyOid].every(isString))
      fail('an issuer lacks a name field');
  }
  const isDate = (v: unknown) => isString(v) && !Number.isNaN(Date.parse(v));
  for (const record of index.issued) {
    if (
      ![record.serialHex, record.issuer, record.personnummer, record.givenName, record.surname].every(
        isString,
      )
    )
      fail('an issued certificate lacks a field');
    if (!isDate(record.notBefore) || !isDate(record.notAfter))
      fail(`certificate ${record.serialHex}: bad dates`);
    if (record.usage !== 'auth' && record.usage !== 'sign')
      fail(`certificate ${record.serialHex}: bad usage`);
    normalizeSerialHex(record.serialHex);
  }
  for (const revocation of index.revocations) {
    if (!isString(revocation.serialHex) || !isDate(revocation.at)) fail('a revocation lacks serialHex or at');
  }
  return index as IndexFile;
}

// ---------------------------------------------------------------------------------------

export interface DemoCardHolder {
  personnummer: string;
  givenName: string;
  surname: string;
  issuer: DefaultIssuerId;
}

/** One certificate of a demo card on disk. */
export interface DemoCertificateFiles {
  /** PKCS#12 with this certificate and its key, for a browser or Playwright `clientCertificates`. */
  p12Path: string;
  certPath: string;
  keyPath: string;
}

export interface DemoCardFiles {
  personnummer: string;
  issuer: DefaultIssuerId;
  login: DemoCertificateFiles;
  signing: DemoCertificateFiles;
}

export interface DemoPki {
  pki: TestPki;
  cards: DemoCardFiles[];
  /** Server certificate for the card-login listener (localhost, 127.0.0.1, ::1) and its CA. */
  tls: { caPath: string; certPath: string; keyPath: string };
  /** PEM files per issuer, for the portal's card issuer configuration. */
  issuers: Record<
    DefaultIssuerId,
    {
      rootPath: string;
      intermediatePath: string;
      ocspResponderPath: string;
      ocspUrl: string;
      policyOid: string;
    }
  >;
  /** A KW_CARD_ISSUERS_FILE (src/card/issuers.ts format) naming the anchors above. */
  issuersFile: string;
  /** When the saved CAs were not valid at both clocks and the PKI was made anew: the stale files. */
  renewed: string[] | null;
}

const ISSUER_METHOD: Record<DefaultIssuerId, { method: string; name: { sv: string; en: string } }> = {
  telia: { method: 'telia_card', name: { sv: 'ID-kort (Telia, test)', en: 'ID card (Telia, test)' } },
  svenska_pass: {
    method: 'svenska_pass_card',
    name: { sv: 'ID-kort (Skatteverket, test)', en: 'ID card (Swedish Tax Agency, test)' },
  },
};

/**
 * Creates the demo PKI in `dir` once, then reuses it. Each person gets a card whose login and
 * signing certificates are written as PKCS#12 (`<personnummer>-<issuer>-login.p12`,
 * `…-signing.p12`; one identity per file, which is what browsers import for client
 * authentication) and as PEM certificate + key. A card is re-issued only when its files are
 * missing, its names or OCSP URL changed (a folder copied from another port), or it is not
 * valid over both `clock.now()` and real time (DESIGN §3a); the PKCS#12 files are rewritten
 * every time, so a changed password takes effect. When any CA or OCSP responder certificate
 * is not valid at both (a folder left by an older version, or by a demo clock far away), the
 * whole PKI is made anew and `renewed` says so. Not safe against two processes running it on
 * the same `dir` at once: each demo instance has its own data directory.
 */
export async function ensureDemoPki(
  dir: string,
  options: { clock: Clock; ocspBaseUrl: string; people: readonly DemoCardHolder[]; password: string },
): Promise<DemoPki> {
  const { clock, password } = options;
  const ocspBaseUrl = checkBaseUrl(options.ocspBaseUrl);
  const span = spanOf(clock);
  const validNow = (cert: X509Certificate) => coversSpan(cert, span);
  const saved = existsSync(path.join(dir, 'pki.json')) ? await loadPki(dir, { clock, ocspBaseUrl }) : undefined;
  const stale = saved ? staleAuthorities(saved, validNow) : [];
  const pki = saved && stale.length === 0 ? saved : await createTestPki({ clock, ocspBaseUrl });
  const renewed = saved && stale.length > 0 ? stale : null;

  const cards: DemoCardFiles[] = [];
  for (const person of options.people) {
    const base = path.join(dir, 'cards', `${person.personnummer}-${person.issuer}`);
    const files = (usage: 'login' | 'signing'): DemoCertificateFiles => ({
      p12Path: `${base}-${usage}.p12`,
      certPath: `${base}-${usage}.pem`,
      keyPath: `${base}-${usage}.key.pem`,
    });
    const login = files('login');
    const signing = files('signing');
    const expectedOcspUrl = pki.issuer(person.issuer).ocspUrl;
    const reusable = async (f: DemoCertificateFiles, usage: 'auth' | 'sign'): Promise<boolean> => {
      if (!existsSync(f.certPath) || !existsSync(f.keyPath)) return false;
      const cert = new X509Certificate(await readFile(f.certPath));
      const record = pki.issued().find((r) => r.serialHex === normalizeSerialHex(cert.serialNumber));
      return (
        record !== undefined &&
        record.usage === usage &&
        record.issuer === person.issuer &&
        record.personnummer === person.personnummer &&
        record.givenName === person.givenName &&
        record.surname === person.surname &&
        record.ocspUrl === expectedOcspUrl &&
        record.variant === null &&
        validNow(cert)
      );
    };
    if (!(await reusable(login, 'auth')) || !(await reusable(signing, 'sign'))) {
      const card = await pki.issueCard(person);
      for (const [f, cert] of [
        [login, card.auth],
        [signing, card.sign],
      ] as const) {
        await writeAtomic(f.certPath, cert.certPem);
        await writeAtomic(f.keyPath, cert.keyPem, true);
      }
    }
    for (const [f, usage] of [
      [login, 'legitimering'],
      [signing, 'underskrift'],
    ] as const) {
      const certDer = fromPem(await readFile(f.certPath, 'utf8'), 'CERTIFICATE');
      const privateKeyPkcs8 = fromPem(await readFile(f.keyPath, 'utf8'), 'PRIVATE KEY');
      const friendlyName = `${person.givenName} ${person.surname} (${usage})`;
      await writeAtomic(
        f.p12Path,
        await createPkcs12({ certificateDer: certDer, privateKeyPkcs8, password, friendlyName }),
        true,
      );
    }
    cards.push({ personnummer: person.personnummer, issuer: person.issuer, login, signing });
  }

  const tls = {
    caPath: path.join(dir, 'tls-ca.pem'),
    certPath: path.join(dir, 'tls', 'server.pem'),
    keyPath: path.join(dir, 'tls', 'server.key.pem'),
  };
  const serverReusable = async (): Promise<boolean> => {
    if (!existsSync(tls.certPath) || !existsSync(tls.keyPath)) return false;
    const cert = new X509Certificate(await readFile(tls.certPath));
    const tlsCa = new X509Certificate(pki.tlsCaPem);
    return cert.checkIssued(tlsCa) && cert.verify(tlsCa.publicKey) && validNow(cert);
  };
  if (!(await serverReusable())) {
    const server = await pki.issueServerCertificate(['localhost']);
    await writeAtomic(tls.certPath, server.certPem);
    await writeAtomic(tls.keyPath, server.keyPem, true);
  }

  await savePki(pki, dir);

  const issuers = {} as DemoPki['issuers'];
  for (const id of pki.issuerIds) {
    const base = path.join(dir, 'issuers', id);
    const { ocspUrl, policyOid } = pki.issuer(id);
    issuers[id] = {
      rootPath: path.join(base, 'root.pem'),
      intermediatePath: path.join(base, 'intermediate.pem'),
      ocspResponderPath: path.join(base, 'ocsp-responder.pem'),
      ocspUrl,
      policyOid,
    };
  }
  const issuersFile = path.join(dir, 'card-issuers.json');
  const issuersJson = {
    issuers: pki.issuerIds.map((id) => ({
      id,
      ...ISSUER_METHOD[id],
      anchors: [`issuers/${id}/root.pem`],
      intermediates: [`issuers/${id}/intermediate.pem`],
      policyOids: [issuers[id].policyOid],
    })),
  };
  await writeAtomic(issuersFile, `${JSON.stringify(issuersJson, null, 2)}\n`);
  return { pki, cards, tls, issuers, issuersFile, renewed };
}

/** The CA and responder certificates of a saved PKI that fail `valid` (by file name). */
function staleAuthorities(pki: TestPki, valid: (cert: X509Certificate) => boolean): string[] {
  const all: [string, string][] = [['tls-ca.pem', pki.tlsCaPem]];
  for (const id of pki.issuerIds) {
    const anchors = pki.issuer(id);
    all.push([`issuers/${id}/root.pem`, anchors.rootPem], [`issuers/${id}/intermediate.pem`, anchors.intermediatePem], [`issuers/${id}/ocsp-responder.pem`, anchors.ocspResponderPem]);
  }
  return all.filter(([, pem]) => !valid(new X509Certificate(pem))).map(([name]) => name);
}
