/**
 * A test electronic seal for the receipt (demo and tests only; production refuses files under
 * devtools/ for KW_SEAL_P12_FILE): a "seal root CA" and, issued by it, an organisation seal
 * certificate for the agency (O, organizationIdentifier, keyUsage nonRepudiation +
 * digitalSignature), exported as PKCS#12 with a password, and the root as PEM for whoever
 * checks a receipt with `pdfsig`.
 *
 * On disk (`ensureDemoSeal`), in the demo's data directory:
 *   seal/seal-root.pem        the root to trust (pdfsig, certutil)
 *   seal/seal.p12             the seal certificate and key (password in seal/seal.password)
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { distinguishedName, extensions, OID, signCertificate, type Signer } from './certificates.js';
import { coversSpan, DAY_MS, exportPkcs8, generateKeyPair, randomSerial, toPem, windowAround, YEAR_MS, type ValiditySpan } from './crypto.js';
import { createPkcs12 } from './pkcs12.js';
import { writeAtomic } from './store.js';

/** X.520 organizationIdentifier (ETSI EN 319 412-1: "NTRSE-" and the Swedish organisation number). */
const ORGANIZATION_IDENTIFIER = '2.5.4.97';

export interface SealSubject {
  /** The agency's name (O and CN). */
  organisation: string;
  /** e.g. "NTRSE-2021005018". */
  organisationIdentifier: string;
}

export interface TestSeal {
  root: Signer;
  seal: Signer;
  rootPem: string;
  /** The seal certificate and key as PKCS#12, encrypted with `password`. */
  p12: Uint8Array;
  password: string;
}

export async function createTestSeal(subject: SealSubject, span: ValiditySpan, password: string): Promise<TestSeal> {
  const root = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, `${subject.organisation} (test)`],
      [OID.commonName, 'Kundwebben Test Seal Root CA'],
    ]),
    keys: await generateKeyPair(),
    serial: randomSerial(),
    ...windowAround(span, 2 * DAY_MS, 10 * YEAR_MS),
    extensions: [extensions.basicConstraints(true), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
  });
  const seal = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, subject.organisation],
      [ORGANIZATION_IDENTIFIER, subject.organisationIdentifier],
      [OID.commonName, subject.organisation],
    ]),
    keys: await generateKeyPair(),
    issuer: root,
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, 3 * YEAR_MS),
    extensions: [extensions.basicConstraints(false), extensions.keyUsage(['digitalSignature', 'nonRepudiation'])],
  });
  const p12 = await createPkcs12({
    certificateDer: seal.der,
    privateKeyPkcs8: await exportPkcs8(seal.privateKey),
    password,
    friendlyName: `${subject.organisation} (e-sigill, test)`,
  });
  return { root, seal, rootPem: toPem(root.der, 'CERTIFICATE'), p12, password };
}

export interface DemoSealFiles {
  p12File: string;
  password: string;
  rootFile: string;
}

/**
 * The demo's seal in `dir`, made once and reused while it is valid over the span (with the
 * usual margin); a fresh pair otherwise. The password is random per data directory.
 */
export async function ensureDemoSeal(dir: string, subject: SealSubject, span: ValiditySpan): Promise<DemoSealFiles> {
  const files = {
    p12File: path.join(dir, 'seal.p12'),
    rootFile: path.join(dir, 'seal-root.pem'),
    passwordFile: path.join(dir, 'seal.password'),
    sealPem: path.join(dir, 'seal.pem'),
  };
  if ([files.p12File, files.rootFile, files.passwordFile, files.sealPem].every((f) => existsSync(f))) {
    const sealCert = new X509Certificate(await readFile(files.sealPem));
    const password = (await readFile(files.passwordFile, 'utf8')).trim();
    if (coversSpan(sealCert, span) && password !== '')
      return { p12File: files.p12File, rootFile: files.rootFile, password };
  }
  const password = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(12))).toString('base64url');
  const made = await createTestSeal(subject, span, password);
  await writeAtomic(files.rootFile, made.rootPem);
  await writeAtomic(files.sealPem, toPem(made.seal.der, 'CERTIFICATE'));
  await writeAtomic(files.p12File, made.p12, true);
  await writeAtomic(files.passwordFile, `${password}\n`, true);
  return { p12File: files.p12File, rootFile: files.rootFile, password };
}
