/**
 * The sealed receipt, as a company downloads it: sealed at submission in the submitter's
 * language and served from storage; `pdfsig` (poppler, with NSS trusting only the test seal
 * root) calls the untouched file valid and a copy with one changed byte invalid; the seal
 * verifies in-process; the same bytes on every GET, from a second instance on the same
 * PostgreSQL database too, and one stored row when the first downloads race; what was true at
 * submission stays (a renamed organisation does not change it); B-T with a timestamper.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTsa } from '../../devtools/test-tsa/index.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS, POSTGRES_URL } from '../../test/support/databases.js';
import { testSeal } from '../../test/support/seal.js';
import { addSignatureTimestamp, signatureSlot, verifySealedPdf } from '../platform/pades.js';
import { systemClock } from '../platform/clock.js';

const run = promisify(execFile);
const TESTA = '198112289874'; // Nordvik
const NORDVIK = { orgnr: '5566778899', name: 'Nordvik Försvarsteknik AB' };

interface Who {
  cookie: string;
  csrf: string;
}

function post(t: TestApp, who: Who, url: string, fields: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: who.cookie,
      'content-type': 'application/x-www-form-urlencoded',
      origin: new URL(t.config.http.publicUrl).origin,
    },
    payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });
}

const get = (t: TestApp, who: Who, url: string, lang = 'sv') =>
  t.app.inject({ url, headers: { cookie: `${who.cookie}; kw_lang=${lang}` } });

/** A submitted "Övrigt ärende" of Nordvik, submitted with the given language. */
async function submittedCase(t: TestApp, who: Who, subject: string, lang = 'sv'): Promise<string> {
  const created = await post(t, who, '/cases', { type: 'other_case' });
  const id = /^\/cases\/([0-9a-f-]{36})\/steps\//.exec(String(created.headers.location))?.[1];
  if (!id) throw new Error(`draft not created: ${created.statusCode}`);
  const revision = String((await t.services.cases.find(id))?.revision ?? -1);
  const filled = await post(t, who, `/cases/${id}/steps/case`, {
    revision,
    _action: 'next',
    subject,
    body: 'Beskrivning.',
  });
  expect(filled.statusCode, filled.body.slice(0, 300)).toBe(303);
  const review = await get(t, who, `/cases/${id}/review`, lang);
  const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
  const submitted = await t.app.inject({
    method: 'POST',
    url: `/cases/${id}/submit`,
    headers: {
      cookie: `${who.cookie}; kw_lang=${lang}`,
      'content-type': 'application/x-www-form-urlencoded',
      origin: new URL(t.config.http.publicUrl).origin,
    },
    payload: new URLSearchParams({ _csrf: who.csrf, digest }).toString(),
  });
  const signId = /^\/sign\/([A-Za-z0-9_-]+)$/.exec(String(submitted.headers.location))?.[1];
  const request = signId ? await t.services.signing.find(signId) : undefined;
  if (!request) throw new Error(`submission not started: ${submitted.statusCode}`);
  await t.services.signing.complete(request, {
    method: 'telia_card',
    signerPersonnummer: TESTA,
    signerName: 'Testa Testsson',
    signedAt: t.clock.now(),
    evidence: { format: 'test' },
  });
  return id;
}

async function storedLangs(t: TestApp, id: string): Promise<string[]> {
  const rows = await t.services.db
    .selectFrom('case_receipt')
    .select('lang')
    .where('case_id', '=', id)
    .orderBy('lang')
    .execute();
  return rows.map((r) => r.lang);
}

describe('the sealed receipt (SQLite)', () => {
  let t: TestApp;
  let testa: Who;
  let dir: string;
  let nss: string;
  let rootDer: Uint8Array;

  beforeAll(async () => {
    t = await startTestApp();
    testa = await t.loginAs(TESTA);
    const { files } = await testSeal(t.clock);
    rootDer = files.root.der;
    dir = await mkdtemp(path.join(tmpdir(), 'kw-receipt-seal-'));
    nss = path.join(dir, 'nss');
    await mkdir(nss);
    await writeFile(path.join(dir, 'root.pem'), files.rootPem);
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
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function pdfsig(file: string, noOcsp = true): Promise<string> {
    try {
      return (await run('pdfsig', ['-nssdir', `sql:${nss}`, ...(noOcsp ? ['-no-ocsp'] : []), file])).stdout;
    } catch (err) {
      return (err as { stdout?: string }).stdout ?? '';
    }
  }

  it("is sealed and stored at submission in the submitter's language; pdfsig: valid and trusted, and invalid with one signed byte changed", async () => {
    const id = await submittedCase(t, testa, 'Förseglat kvitto', 'en');
    expect(await storedLangs(t, id)).toEqual(['en']);
    const res = await get(t, testa, `/cases/${id}/receipt.pdf`, 'en');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(await verifySealedPdf(pdf, [rootDer])).toMatchObject({ valid: true, timestamped: false });

    const file = path.join(dir, 'receipt.pdf');
    await writeFile(file, pdf);
    const out = await pdfsig(file);
    expect(out).toContain('Signature is Valid');
    expect(out).toContain('ETSI.CAdES.detached');
    expect(out).toContain('Inspektionen för strategiska produkter');
    // See src/platform/pades.test.ts: poppler 22.12 reports trust only without -no-ocsp (nothing is fetched).
    expect(await pdfsig(file, false)).toContain('Certificate is Trusted');

    const edited = Buffer.from(pdf);
    const at = edited.indexOf('stream\n', 0, 'latin1') + 20;
    expect(at).toBeLessThan(signatureSlot(pdf).byteRange[1]);
    edited[at] = edited[at] === 0x30 ? 0x31 : 0x30;
    const editedFile = path.join(dir, 'edited.pdf');
    await writeFile(editedFile, edited);
    const editedOut = await pdfsig(editedFile);
    expect(editedOut).not.toContain('Signature is Valid');
    expect(editedOut).toMatch(/Signature is Invalid|Digest Mismatch/);
    expect((await verifySealedPdf(edited, [rootDer])).valid).toBe(false);
  }, 30_000);

  it('is served byte-identical on every GET and shows what was true at submission, though the organisation was renamed since', async () => {
    const id = await submittedCase(t, testa, 'Namnbyte');
    const first = await get(t, testa, `/cases/${id}/receipt.pdf`);
    const renamed = await t.services.db
      .updateTable('organisation')
      .set({ name: 'Nordvik Omdöpt AB' })
      .where('orgnr', '=', NORDVIK.orgnr)
      .executeTakeFirst();
    expect(Number(renamed.numUpdatedRows)).toBe(1);
    try {
      const second = await get(t, testa, `/cases/${id}/receipt.pdf`);
      expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
      // The other language, made now, still names the organisation as signed.
      const english = await get(t, testa, `/cases/${id}/receipt.pdf`, 'en');
      expect(english.statusCode).toBe(200);
      expect(english.rawPayload.equals(first.rawPayload)).toBe(false);
      const file = path.join(dir, 'renamed-en.pdf');
      await writeFile(file, english.rawPayload);
      const { stdout: text } = await run('pdftotext', [file, '-']);
      expect(text).toContain(NORDVIK.name);
      expect(text).not.toContain('Omdöpt');
      expect(await storedLangs(t, id)).toEqual(['en', 'sv']);
    } finally {
      await t.services.db
        .updateTable('organisation')
        .set({ name: NORDVIK.name })
        .where('orgnr', '=', NORDVIK.orgnr)
        .execute();
    }
  });

  it("the seal certificate's expiry is on /health/ready with the other certificates", async () => {
    const res = await t.app.inject({ url: '/health/ready' });
    const body = res.json<{ certificates: Record<string, string> }>();
    expect(new Date(body.certificates['receipt-seal-certificate'] ?? '').getTime()).toBeGreaterThan(
      Date.now(),
    );
  });

  it('a receipt lost before it was stored (a crash after the commit) is made at the first download', async () => {
    const id = await submittedCase(t, testa, 'Krasch');
    await t.services.db.deleteFrom('case_receipt').where('case_id', '=', id).execute();
    const res = await get(t, testa, `/cases/${id}/receipt.pdf`);
    expect(res.statusCode).toBe(200);
    expect((await verifySealedPdf(res.rawPayload, [rootDer])).valid).toBe(true);
    expect(await storedLangs(t, id)).toEqual(['sv']);
  });
});

describe('the sealed receipt with a signature timestamp (B-T)', () => {
  it('stores it timestamped; pdfsig says valid; a receipt sealed without one gets it later and stays valid', async () => {
    const { files, seal } = await testSeal(systemClock);
    const tsa = await createTestTsa({ root: files.root });
    const t = await startTestApp({ seal: { ...seal, timestamper: (data) => tsa.token({ data }) } });
    const dir = await mkdtemp(path.join(tmpdir(), 'kw-receipt-bt-'));
    try {
      const testa = await t.loginAs(TESTA);
      const id = await submittedCase(t, testa, 'Tidsstämplat');
      const row = await t.services.db
        .selectFrom('case_receipt')
        .select(['timestamped', 'sha256'])
        .where('case_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.timestamped).toBe(1);
      const pdf = (await get(t, testa, `/cases/${id}/receipt.pdf`)).rawPayload;
      expect(await verifySealedPdf(pdf, [files.root.der])).toMatchObject({ valid: true, timestamped: true });
      const file = path.join(dir, 'bt.pdf');
      await writeFile(file, pdf);
      const nss = path.join(dir, 'nss');
      await mkdir(nss);
      await writeFile(path.join(dir, 'root.pem'), files.rootPem);
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
      const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, '-no-ocsp', file]);
      expect(stdout).toContain('Signature is Valid');

      const plainApp = await startTestApp({ seal });
      try {
        const who = await plainApp.loginAs(TESTA);
        const plainId = await submittedCase(plainApp, who, 'Utan tidsstämpel');
        const plain = (await get(plainApp, who, `/cases/${plainId}/receipt.pdf`)).rawPayload;
        const upgraded = await addSignatureTimestamp(plain, (data) => tsa.token({ data }));
        expect(await verifySealedPdf(upgraded, [files.root.der])).toMatchObject({
          valid: true,
          timestamped: true,
        });
        // The stored receipts without a timestamp get one, once; the route then serves that.
        expect(await plainApp.services.receipts.addTimestamps((data) => tsa.token({ data }))).toBe(1);
        expect(await plainApp.services.receipts.addTimestamps((data) => tsa.token({ data }))).toBe(0);
        const served = (await get(plainApp, who, `/cases/${plainId}/receipt.pdf`)).rawPayload;
        expect(served.length).toBe(plain.length);
        expect(signatureSlot(served).signedContent.equals(signatureSlot(plain).signedContent)).toBe(true);
        expect(await verifySealedPdf(served, [files.root.der])).toMatchObject({
          valid: true,
          timestamped: true,
        });
        const upgradedFile = path.join(dir, 'upgraded.pdf');
        await writeFile(upgradedFile, upgraded);
        expect((await run('pdfsig', ['-nssdir', `sql:${nss}`, '-no-ocsp', upgradedFile])).stdout).toContain(
          'Signature is Valid',
        );
      } finally {
        await plainApp.close();
      }
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// Only where PostgreSQL runs (always in CI; test/support/databases.ts).
for (const kind of DATABASE_KINDS.filter((k) => k.name === 'postgres'))
  describe(`the sealed receipt on two instances sharing one database (${kind.name})`, () => {
    it('parallel first downloads on both store one receipt, and both send the same bytes', async () => {
      const schema = `t_receipt_${Date.now().toString(36)}`;
      const env = { DATABASE_URL: POSTGRES_URL, KW_DATABASE_SCHEMA: schema };
      const a = await startTestApp({ env });
      const b = await startTestApp({ env, clock: a.clock });
      try {
        const onA = await a.loginAs(TESTA);
        const onB = await b.loginAs(TESTA);
        const id = await submittedCase(a, onA, 'Två instanser');
        expect(await storedLangs(a, id)).toEqual(['sv']);
        const sv = await get(b, onB, `/cases/${id}/receipt.pdf`);
        expect(sv.rawPayload.equals((await get(a, onA, `/cases/${id}/receipt.pdf`)).rawPayload)).toBe(true);
        // The English receipt is made by whoever asks first: four requests at once, on both instances.
        const answers = await Promise.all([
          get(a, onA, `/cases/${id}/receipt.pdf`, 'en'),
          get(b, onB, `/cases/${id}/receipt.pdf`, 'en'),
          get(a, onA, `/cases/${id}/receipt.pdf`, 'en'),
          get(b, onB, `/cases/${id}/receipt.pdf`, 'en'),
        ]);
        for (const answer of answers) expect(answer.statusCode).toBe(200);
        expect(new Set(answers.map((r) => r.rawPayload.toString('base64'))).size).toBe(1);
        expect(await storedLangs(b, id)).toEqual(['en', 'sv']);
      } finally {
        await a.close();
        await b.close();
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    }, 60_000);
  });
