/**
 * The PAdES seal, checked in-process with pkijs and independently with poppler's `pdfsig`
 * against an NSS database that trusts only the test seal root: valid on an untouched file,
 * invalid when one signed byte changes; B-T (a signature timestamp) at sealing and added
 * later by `addSignatureTimestamp`, both still valid.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as pkijs from 'pkijs';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanOf } from '../../devtools/test-pki/crypto.js';
import { createTestSeal, type TestSeal } from '../../devtools/test-pki/seal.js';
import { createTestTsa, type TestTsa } from '../../devtools/test-tsa/index.js';
import { systemClock } from './clock.js';
import {
  addSignatureTimestamp,
  PADES_OID,
  sealPdf,
  signatureSlot,
  verifySealedPdf,
  type SealOptions,
} from './pades.js';
import { toArrayBuffer } from './pki.js';
import { loadSealKey, SealKeyError, type SealKey } from './seal-key.js';

const run = promisify(execFile);
const PASSWORD = 'Sigill-lösen-1';

function simplePdf(text: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    compress: false,
    info: { CreationDate: new Date('2026-01-01T00:00:00Z') },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.on('data', (c: Buffer) => chunks.push(c));
  doc.text(text);
  doc.end();
  return done;
}

const options = (): SealOptions => ({
  signingTime: new Date(),
  reason: 'Kvitto',
  name: 'Inspektionen för strategiska produkter',
  location: 'Stockholm',
  contactInfo: 'test@example.se',
});

/**
 * Runs pdfsig against the NSS database (its exit code is not 0 for an invalid signature).
 * With `-no-ocsp`, poppler 22.12 (Debian 12) answers the certificate check with "Unknown
 * issue with Certificate" whatever the certificate: it reads PORT_GetError() after
 * CERT_PKIXVerifyCert without looking at its result, and the CRL test of NSS's "OCSP
 * disabled" policy leaves a stale error behind even on success (later poppler reads the error
 * only on failure; `vfychain -u 4` calls the same chain good). So the trust is read from a
 * run without `-no-ocsp`: the test certificates name no OCSP responder, nothing is fetched
 * (soft-fail policy).
 */
async function pdfsig(nssDir: string, file: string, noOcsp = true): Promise<string> {
  try {
    const { stdout } = await run('pdfsig', [
      '-nssdir',
      `sql:${nssDir}`,
      ...(noOcsp ? ['-no-ocsp'] : []),
      file,
    ]);
    return stdout;
  } catch (err) {
    return (err as { stdout?: string }).stdout ?? '';
  }
}

/** A byte of the first text object of a content stream (in the signed range): changed to another letter. */
function tampered(pdf: Buffer, needle: string): Buffer {
  const copy = Buffer.from(pdf);
  const at = copy.indexOf(needle, 0, 'latin1');
  expect(at).toBeGreaterThan(0);
  const [, firstLength] = signatureSlot(pdf).byteRange;
  expect(at).toBeLessThan(firstLength);
  copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
  return copy;
}

describe('the PAdES seal', () => {
  let seal: TestSeal;
  let key: SealKey;
  let tsa: TestTsa;
  /** The imprints the TSA was asked to stamp, in order. */
  const stamped: Uint8Array[] = [];
  const timestamper = (data: Uint8Array) => {
    stamped.push(new Uint8Array(createHash('sha256').update(data).digest()));
    return tsa.token({ data });
  };
  let dir: string;
  let nss: string;

  beforeAll(async () => {
    const span = spanOf(systemClock);
    seal = await createTestSeal(
      { organisation: 'Inspektionen för strategiska produkter', organisationIdentifier: 'NTRSE-2021005018' },
      span,
      PASSWORD,
    );
    key = await loadSealKey(seal.p12, PASSWORD);
    // The test TSA under the seal's root, so trusting that root (as pdfsig does) covers both.
    tsa = await createTestTsa({ root: seal.root });
    dir = await mkdtemp(path.join(tmpdir(), 'kw-pades-'));
    nss = path.join(dir, 'nss');
    await run('mkdir', [nss]);
    await writeFile(path.join(dir, 'root.pem'), seal.rootPem);
    await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await run('certutil', [
      '-A',
      '-d',
      `sql:${nss}`,
      '-n',
      'seal-root',
      '-t',
      'C,C,C',
      '-i',
      path.join(dir, 'root.pem'),
    ]);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the PKCS#12 with its password, refuses a wrong one without naming it', async () => {
    expect(Buffer.from(key.certificate).equals(Buffer.from(seal.seal.der))).toBe(true);
    expect(key.chain).toHaveLength(0); // issued by the root, which stays out
    const wrong = loadSealKey(seal.p12, 'fel-lösen');
    await expect(wrong).rejects.toThrow(SealKeyError);
    await expect(wrong).rejects.not.toThrow(/fel-lösen/);
  });

  it('seals: ETSI.CAdES.detached, content-type, message-digest and signing-certificate-v2, no signing-time; pdfsig says valid and trusted, and invalid after one byte changed', async () => {
    const pdf = await simplePdf('Kvitto ABCDEF');
    const sealed = await sealPdf(pdf, key, options());
    expect(sealed.toString('latin1')).toContain('/SubFilter /ETSI.CAdES.detached');
    // The signature dictionary's texts are UTF-16BE with a byte-order mark ("för").
    const name = Buffer.concat([
      Buffer.from('/Name ('),
      Buffer.from('\ufeffInspektionen för', 'utf16le').swap16(),
    ]);
    expect(sealed.includes(name)).toBe(true);
    const check = await verifySealedPdf(sealed, [seal.root.der]);
    expect(check).toMatchObject({ valid: true, timestamped: false });

    const info = pkijs.ContentInfo.fromBER(toArrayBuffer(signatureSlot(sealed).cms));
    const signerInfo = new pkijs.SignedData({ schema: info.content }).signerInfos[0];
    expect((signerInfo?.signedAttrs?.attributes ?? []).map((a) => a.type).sort()).toEqual(
      [PADES_OID.contentType, PADES_OID.messageDigest, PADES_OID.signingCertificateV2].sort(),
    );

    const file = path.join(dir, 'sealed.pdf');
    await writeFile(file, sealed);
    const out = await pdfsig(nss, file);
    expect(out).toContain('Signature is Valid');
    expect(out).toContain('ETSI.CAdES.detached');
    expect(await pdfsig(nss, file, false)).toContain('Certificate is Trusted');

    const broken = tampered(sealed, 'BT\n');
    const brokenFile = path.join(dir, 'tampered.pdf');
    await writeFile(brokenFile, broken);
    const brokenOut = await pdfsig(nss, brokenFile);
    expect(brokenOut).not.toContain('Signature is Valid');
    expect(brokenOut).toMatch(/Signature is Invalid|Digest Mismatch/);
    expect((await verifySealedPdf(broken, [seal.root.der])).valid).toBe(false);
  }, 30_000);

  it('is not trusted under another root', async () => {
    const other = await createTestSeal(
      { organisation: 'Någon annan', organisationIdentifier: 'NTRSE-5560000000' },
      spanOf(systemClock),
      PASSWORD,
    );
    const sealed = await sealPdf(await simplePdf('Annan'), await loadSealKey(other.p12, PASSWORD), options());
    expect((await verifySealedPdf(sealed)).valid).toBe(true);
    expect((await verifySealedPdf(sealed, [seal.root.der])).valid).toBe(false);
  }, 30_000);

  it('B-T: a timestamp over the signature value at sealing, and added later into the same room; pdfsig still says valid', async () => {
    const withTs = await sealPdf(await simplePdf('Med tidsstämpel'), key, {
      ...options(),
      timestamper: timestamper,
    });
    expect(await verifySealedPdf(withTs, [seal.root.der])).toMatchObject({ valid: true, timestamped: true });
    const fileA = path.join(dir, 'bt.pdf');
    await writeFile(fileA, withTs);
    expect(await pdfsig(nss, fileA)).toContain('Signature is Valid');

    const plain = await sealPdf(await simplePdf('Tidsstämpel senare'), key, options());
    const later = await addSignatureTimestamp(plain, timestamper);
    expect(later.length).toBe(plain.length);
    const before = signatureSlot(plain);
    const after = signatureSlot(later);
    expect(after.byteRange).toEqual(before.byteRange);
    expect(after.signedContent.equals(before.signedContent)).toBe(true);
    expect(await verifySealedPdf(later, [seal.root.der])).toMatchObject({ valid: true, timestamped: true });
    // The imprint is the SHA-256 of the SignerInfo's signature value, which did not change.
    const sig = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(after.cms)).content })
      .signerInfos[0]?.signature;
    expect(Buffer.from(stamped.at(-1) ?? []).toString('hex')).toBe(
      createHash('sha256')
        .update(sig?.valueBlock.valueHexView ?? new Uint8Array())
        .digest('hex'),
    );
    const fileB = path.join(dir, 'bt-later.pdf');
    await writeFile(fileB, later);
    expect(await pdfsig(nss, fileB)).toContain('Signature is Valid');
    await expect(addSignatureTimestamp(later, timestamper)).rejects.toThrow(/already/);
  }, 30_000);
});
