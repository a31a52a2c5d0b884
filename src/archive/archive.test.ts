/**
 * The archival package of a real submission: a case with an attachment, signed with a demo
 * card through the Net iD bridge (a real CMS, its OCSP answer), timestamped by the test TSA,
 * its receipts sealed with the test apps' seal and the TSA's timestamp (B-T). The package is checked without the database
 * (`verify-package`, in process and as the real command), and `openssl ts -verify` agrees with
 * the timestamp inside it. Then the faults a person must see named: a changed byte, a missing
 * file, a timestamp over other data, a receipt sealed by another certificate.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSigner } from '../../devtools/netid-signer/server.js';
import { spanOf, toPem } from '../../devtools/test-pki/crypto.js';
import { createTestSeal } from '../../devtools/test-pki/seal.js';
import {
  createTestTsa,
  startTestTsaServer,
  type TestTsa,
  type TestTsaServer,
} from '../../devtools/test-tsa/index.js';
import { CARD_PEOPLE, signerCards, startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { testSeal } from '../../test/support/seal.js';
import { TEST_NOW } from '../../test/support/app.js';
import { ManualClock, systemClock } from '../platform/clock.js';
import { sealPdf } from '../platform/pades.js';
import { loadSealKey } from '../platform/seal-key.js';
import { verifyPackageCommand } from './cli.js';
import type { Manifest } from './manifest.js';
import { loadPackageTrust } from './trust.js';
import { packageVerifiers } from './verifiers.js';
import { verifyArchivePackage, type Check } from './verify.js';

const run = promisify(execFile);
const TOLVAN = '191212121212';
const NORDVIK = '5566778899';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const AGENCY = {
  organisation: 'Inspektionen för strategiska produkter',
  organisationIdentifier: 'NTRSE-2021005018',
};

let tb: CardTestbed;
let tsa: TestTsa;
let tsaServer: TestTsaServer;
let signer: FastifyInstance;
let signerUrl: string;
let dir: string;
let trustFile: string;
let zip: Uint8Array;

async function packageOfASignedCase(): Promise<Uint8Array> {
  const who = await tb.t.loginAs(TOLVAN);
  const form = (fields: Record<string, string>) =>
    new URLSearchParams({ _csrf: who.csrf, ...fields }).toString();
  const post = (url: string, fields: Record<string, string>) =>
    tb.t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(fields),
    });
  expect((await post('/start/organisation', { orgnr: NORDVIK })).statusCode).toBe(303);
  const created = await post('/cases', { type: 'other_case' });
  const id = /^\/cases\/([0-9a-f-]{36})\//.exec(String(created.headers.location))?.[1] ?? '';
  const revision = async () => String((await tb.t.services.cases.find(id))?.revision);
  expect(
    (
      await post(`/cases/${id}/steps/case`, {
        revision: await revision(),
        _action: 'next',
        subject: 'Fråga om arkiv',
        body: 'Hej!',
      })
    ).statusCode,
  ).toBe(303);
  const boundary = '----kwarchive';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="_csrf"\r\n\r\n${who.csrf}\r\n`),
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="revision"\r\n\r\n${await revision()}\r\n`,
    ),
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="ritning.pdf"\r\ncontent-type: application/pdf\r\n\r\n`,
    ),
    PDF,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const uploaded = await tb.t.app.inject({
    method: 'POST',
    url: `/cases/${id}/attachments`,
    headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(uploaded.statusCode, uploaded.body.slice(0, 500)).toBe(303);
  const review = await tb.t.app.inject({ url: `/cases/${id}/review`, headers: { cookie: who.cookie } });
  const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
  const submitted = await post(`/cases/${id}/submit`, { digest, choice: 'card:card' });
  expect(submitted.statusCode).toBe(200);
  const launch =
    /href="([^"]*netid\/sign\?bridge=[^"]+)"/.exec(submitted.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const bridge = new URL(launch).searchParams.get('bridge') ?? '';
  const signed = await fetch(`${signerUrl}/api/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bridge, personnummer: TOLVAN }),
  });
  expect(((await signed.json()) as { body: { status?: string } }).body.status).toBe('completed');
  await tb.t.services.timestamps.settled();
  const casePage = await tb.t.app.inject({ url: `/cases/${id}`, headers: { cookie: who.cookie } });
  expect(casePage.body).toContain(`href="/cases/${id}/archive.zip"`);
  const res = await tb.t.app.inject({ url: `/cases/${id}/archive.zip`, headers: { cookie: who.cookie } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(String(res.headers['content-disposition'])).toMatch(/arkivpaket-KW-\d{4}-\d+\.zip/);
  return new Uint8Array(res.rawPayload);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kw-archive-'));
  tsa = await createTestTsa();
  tsaServer = await startTestTsaServer(tsa);
  const seal = (await testSeal(new ManualClock(TEST_NOW))).files;
  await writeFile(path.join(dir, 'tsa-root.pem'), toPem(tsa.root.der, 'CERTIFICATE'));
  await writeFile(path.join(dir, 'seal-root.pem'), seal.rootPem);
  tb = await startCardTestbed({
    listen: true,
    env: {
      KW_TSA_URL: tsaServer.url,
      KW_TSA_CA_FILE: path.join(dir, 'tsa-root.pem'),
    },
  });
  const cards = signerCards(
    tb.demo,
    (pnr) => CARD_PEOPLE.find((p) => p.personnummer === pnr)?.givenName ?? pnr,
    true,
  );
  signer = await buildSigner({ portalUrl: tb.portalUrl, cards, signingCode: '123456', clock: tb.clock });
  signerUrl = await signer.listen({ host: '127.0.0.1', port: 0 });
  trustFile = path.join(dir, 'trust.json');
  await writeFile(
    trustFile,
    JSON.stringify({
      cardIssuers: tb.demo.issuersFile,
      tsaRoots: 'tsa-root.pem',
      sealRoots: 'seal-root.pem',
    }),
  );
  zip = await packageOfASignedCase();
}, 120_000);
afterAll(async () => {
  await signer?.close();
  await tb?.close();
  await tsaServer?.close();
  await rm(dir, { recursive: true, force: true });
});

const verify = async (bytes: Uint8Array) =>
  verifyArchivePackage(bytes, loadPackageTrust(trustFile), packageVerifiers);
const failed = (checks: Check[]) => checks.filter((c) => !c.ok);

function repack(
  change: (files: Record<string, Uint8Array>, manifest: Manifest) => void | Promise<void>,
  updateManifest = true,
) {
  return async () => {
    const files = unzipSync(zip);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as Manifest;
    await change(files, manifest);
    if (updateManifest) {
      // A forger who also fixes the manifest: the file-level checks pass, the deeper ones must not.
      const { createHash } = await import('node:crypto');
      for (const f of manifest.files) {
        const bytes = files[f.path];
        if (bytes)
          Object.assign(f, {
            sha256: createHash('sha256').update(bytes).digest('hex'),
            size: bytes.byteLength,
          });
      }
      files['manifest.json'] = new Uint8Array(Buffer.from(JSON.stringify(manifest)));
    }
    const out: Zippable = {};
    for (const [name, bytes] of Object.entries(files)) out[name] = bytes;
    return zipSync(out);
  };
}

describe('the archival package of a signed case', () => {
  it('holds the sealed receipts, the signed document, the attachment, the evidence with OCSP and timestamp, the chains and a manifest; every check passes', async () => {
    const files = unzipSync(zip);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as Manifest;
    expect(manifest.signature).toMatchObject({ method: 'telia_card', timestamp: 'stamped' });
    expect(new Set(manifest.files.map((f) => f.kind))).toEqual(
      new Set([
        'receipt',
        'signed_document',
        'signed_text',
        'signature_evidence',
        'signature_record',
        'ocsp_response',
        'timestamp_token',
        'signer_chain',
        'tsa_chain',
        'seal_chain',
        'attachment',
      ]),
    );
    expect(manifest.files.filter((f) => f.kind === 'receipt').map((f) => f.lang)).toEqual(['sv', 'en']);
    expect(Buffer.from(files[manifest.files.find((f) => f.kind === 'attachment')!.path]!).equals(PDF)).toBe(
      true,
    );
    const checks = await verify(zip);
    expect(failed(checks)).toEqual([]);
    const named = new Map(checks.map((c) => [c.name, c.detail]));
    expect(named.get('signature')).toMatch(
      /telia_card.*signature ok, chain ok, certificate ok, ocsp ok, signer ok/,
    );
    expect(named.get('timestamp')).toMatch(/^the evidence existed no later than \d{4}-/);
    expect(named.get('seal kvitto-sv.pdf')).toMatch(
      /PAdES seal intact, with its signature timestamp \(B-T\)/,
    );
  });

  it('the independent check: openssl ts -verify accepts the timestamp over the evidence from the package, and refuses it over other data', async () => {
    const files = unzipSync(zip);
    await writeFile(path.join(dir, 'bevis.json'), files['underskrift/bevis.json']!);
    await writeFile(path.join(dir, 'tidsstampel.tsr'), files['underskrift/tidsstampel.tsr']!);
    await writeFile(
      path.join(dir, 'other.json'),
      Buffer.concat([Buffer.from(files['underskrift/bevis.json']!), Buffer.from(' ')]),
    );
    const ok = await run('openssl', [
      'ts',
      '-verify',
      '-data',
      path.join(dir, 'bevis.json'),
      '-in',
      path.join(dir, 'tidsstampel.tsr'),
      '-token_in',
      '-CAfile',
      path.join(dir, 'tsa-root.pem'),
    ]);
    expect(ok.stdout).toContain('Verification: OK');
    await expect(
      run('openssl', [
        'ts',
        '-verify',
        '-data',
        path.join(dir, 'other.json'),
        '-in',
        path.join(dir, 'tidsstampel.tsr'),
        '-token_in',
        '-CAfile',
        path.join(dir, 'tsa-root.pem'),
      ]),
    ).rejects.toThrow();
  });

  it('verify-package: every check printed, exit 0; a usage error is 2; a changed package is refused with 1', async () => {
    const file = path.join(dir, 'package.zip');
    await writeFile(file, zip);
    let out = '';
    expect(
      await verifyPackageCommand([file, '--trust', trustFile], {}, packageVerifiers, (t) => (out += t)),
    ).toBe(0);
    expect(out).toMatch(/^ok {3}signature: /m);
    expect(out).toMatch(/all \d+ checks passed/);
    expect(await verifyPackageCommand([], {}, packageVerifiers, () => undefined)).toBe(2);
    // The real command, as an operator runs it.
    const real = await run(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'verify-package', file, '--trust', trustFile],
      { cwd: process.cwd() },
    );
    expect(real.stdout).toContain('The package is intact and verified');
    const changed = path.join(dir, 'changed.zip');
    await writeFile(
      changed,
      await repack(
        (files) => void (files['underskrift/text.txt'] = new Uint8Array(Buffer.from('Annan text'))),
        false,
      )(),
    );
    const refused = await run(process.execPath, [
      '--import',
      'tsx',
      'src/main.ts',
      'verify-package',
      changed,
      '--trust',
      trustFile,
    ]).catch((err: unknown) => err as { code: number; stdout: string });
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stdout).toMatch(/FAIL file underskrift\/text\.txt: changed: SHA-256/);
    expect(refused.stdout).toContain('The package is REFUSED');
  }, 60_000);

  it('fault: one byte of the sealed receipt changed (manifest fixed too) → the seal check names it', async () => {
    const checks = await verify(
      await repack((files) => {
        const pdf = files['kvitto-sv.pdf']!;
        const at = Buffer.from(pdf).indexOf('stream') + 10;
        pdf[at] = (pdf[at] ?? 0) ^ 0x01;
      })(),
    );
    expect(failed(checks).map((c) => c.name)).toEqual(['seal kvitto-sv.pdf']);
    expect(failed(checks)[0]?.detail).toMatch(/changed after sealing/);
  });

  it('fault: a file missing → named, refused', async () => {
    const checks = await verify(
      await repack((files) => {
        delete files['underskrift/tidsstampel.tsr'];
      }, false)(),
    );
    expect(failed(checks).map((c) => c.name)).toEqual(
      expect.arrayContaining(['file underskrift/tidsstampel.tsr', 'complete']),
    );
    expect(checks.find((c) => c.name === 'complete')?.detail).toBe('missing: timestamp_token');
  });

  it('fault: a timestamp over other data (another evidence stamped by the same TSA) → named, refused', async () => {
    const other = await tsa.token({ data: new Uint8Array(Buffer.from('other evidence')) });
    const checks = await verify(
      await repack((files) => void (files['underskrift/tidsstampel.tsr'] = other))(),
    );
    expect(failed(checks).map((c) => c.name)).toEqual(['timestamp']);
    expect(failed(checks)[0]?.detail).toMatch(/^the timestamp is over other data than the evidence/);
  });

  it('fault: the receipt sealed by another certificate → named, refused', async () => {
    const forger = await createTestSeal(AGENCY, spanOf(systemClock), 'forger');
    const key = await loadSealKey(forger.p12, 'forger');
    const checks = await verify(
      await repack(async (files) => {
        // The forger seals the genuine receipt once more with a key of its own: intact, but not the agency's.
        files['kvitto-sv.pdf'] = new Uint8Array(
          await sealPdf(Buffer.from(files['kvitto-sv.pdf']!), key, {
            signingTime: new Date(),
            reason: 'x',
            name: 'x',
            location: 'x',
            contactInfo: 'x',
          }),
        );
      })(),
    );
    expect(failed(checks).map((c) => c.name)).toEqual(['seal kvitto-sv.pdf']);
    expect(failed(checks)[0]?.detail).toMatch(
      /^sealed by a certificate that does not chain to a trusted seal root/,
    );
  });
});
