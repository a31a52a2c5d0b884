import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { notYetValidCa } from '../../test/support/stale-ca.js';
import { YEAR_MS } from '../test-pki/crypto.js';
import { writeSigner } from '../test-pki/store.js';
import { BankIdTestError } from './errors.js';
import type { CompletionData } from './orders.js';
import type { BankIdPerson } from './pki.js';
import { startBankIdTestServer } from './server.js';
import { DEFAULT_RP_PKCS12_PASSWORD, ensureBankIdTestPki, loadBankIdTestPki } from './store.js';
import { rpRequest, verifyCompletion } from './testing.js';

const TOLVAN: BankIdPerson = { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' };

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bankid-pki-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('BankID test PKI on disk', () => {
  it('is created once and reused across restarts; the reloaded PKI serves and signs', async () => {
    const clock = new ManualClock(new Date());
    const first = await ensureBankIdTestPki(dir, { clock, people: [TOLVAN] });
    const second = await ensureBankIdTestPki(dir, { clock, people: [TOLVAN] });
    expect(second.pki.userRootPem).toBe(first.pki.userRootPem);
    expect(second.pki.serverCaPem).toBe(first.pki.serverCaPem);
    expect(second.pki.rp.certPem).toBe(first.pki.rp.certPem);
    expect(second.pki.user(TOLVAN.personnummer)?.certPem).toBe(first.pki.user(TOLVAN.personnummer)?.certPem);

    const { files } = second;
    expect(await readFile(files.serverCaPath, 'utf8')).toBe(second.pki.serverCaPem);
    expect(await readFile(files.userRootPath, 'utf8')).toBe(second.pki.userRootPem);
    expect(((await stat(files.rpKeyPath)).mode & 0o777).toString(8)).toBe('600');
    expect(files.rpPkcs12Password).toBe(DEFAULT_RP_PKCS12_PASSWORD);
    // Node 20 reads the PKCS#12 without the legacy provider.
    expect(() => createSecureContext({ pfx: readFileSync(files.rpPkcs12Path), passphrase: files.rpPkcs12Password })).not.toThrow();
    const rootSubject = new X509Certificate(second.pki.userRootPem).subject;
    expect(rootSubject).toBe('O=Finansiell ID-Teknik BID AB\nOU=BankID Member Banks CA\nCN=Test BankID Root CA v1 Test');

    const server = await startBankIdTestServer({ pki: await loadBankIdTestPki(dir, { clock }), people: [TOLVAN] });
    try {
      const opts = { cert: await readFile(files.rpCertPath, 'utf8'), key: await readFile(files.rpKeyPath, 'utf8') };
      const serverCa = await readFile(files.serverCaPath, 'utf8');
      const order = (await rpRequest(server.url, serverCa, 'auth', { endUserIp: '127.0.0.1' }, opts)).json as { orderRef: string };
      await server.testApp.complete({ orderRef: order.orderRef, personnummer: TOLVAN.personnummer });
      const collected = (await rpRequest(server.url, serverCa, 'collect', { orderRef: order.orderRef }, opts)).json as { completionData: CompletionData };
      const verified = verifyCompletion(collected.completionData, await readFile(files.userRootPath, 'utf8'));
      expect(verified.ok).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('re-issues a BankID when the names change, and the RP certificate when the organisation changes', async () => {
    const clock = new ManualClock(new Date());
    const before = await ensureBankIdTestPki(dir, { clock, people: [TOLVAN] });
    const renamed = { ...TOLVAN, surname: 'Tolvansson-Ek' };
    const after = await ensureBankIdTestPki(dir, {
      clock,
      people: [renamed],
      rp: { organisationName: 'Myndigheten', displayName: 'Myndighetens e-tjänst', orgnr: '2021000001' },
      rpPkcs12Password: 'annat lösenord',
    });
    expect(after.pki.user(TOLVAN.personnummer)?.certPem).not.toBe(before.pki.user(TOLVAN.personnummer)?.certPem);
    expect(after.pki.user(TOLVAN.personnummer)?.person.surname).toBe('Tolvansson-Ek');
    expect(after.pki.rp.certPem).not.toBe(before.pki.rp.certPem);
    expect(new X509Certificate(after.pki.rp.certPem).subject).toContain('CN=Myndigheten');
    expect(after.pki.userRootPem).toBe(before.pki.userRootPem);
    expect(() => createSecureContext({ pfx: readFileSync(after.files.rpPkcs12Path), passphrase: 'annat lösenord' })).not.toThrow();
  }, 60_000);

  it('re-issues the server certificate when it has expired', async () => {
    const clock = new ManualClock(new Date(Date.now() + 2 * YEAR_MS));
    const before = new X509Certificate(await readFile(path.join(dir, 'server.pem')));
    const after = await ensureBankIdTestPki(dir, { clock, people: [] });
    expect(new X509Certificate(after.pki.server.certPem).serialNumber).not.toBe(before.serialNumber);
  }, 60_000);

  it('makes the whole PKI anew when a saved CA is not valid now (a folder left by an older version)', async () => {
    // Older versions dated the TLS CAs from the demo clock: an SSL root valid only from next year.
    const clock = new ManualClock(new Date());
    await ensureBankIdTestPki(dir, { clock, people: [TOLVAN] });
    const notYetValid = await notYetValidCa('Test BankID SSL Root CA v1 Test');
    await writeSigner(path.join(dir, 'ssl-root'), notYetValid);

    const repaired = await ensureBankIdTestPki(dir, { clock, people: [TOLVAN] });
    expect(repaired.renewed).toEqual(['ssl-root.pem']);
    const serverCa = await readFile(repaired.files.serverCaPath, 'utf8');
    expect(new X509Certificate(serverCa).fingerprint256).not.toBe(new X509Certificate(notYetValid.der).fingerprint256);
    const server = await startBankIdTestServer({ pki: repaired.pki, people: [TOLVAN] });
    try {
      const opts = { cert: await readFile(repaired.files.rpCertPath, 'utf8'), key: await readFile(repaired.files.rpKeyPath, 'utf8') };
      const started = await rpRequest(server.url, serverCa, 'auth', { endUserIp: '127.0.0.1' }, opts);
      expect(started.status).toBe(200);
    } finally {
      await server.close();
    }
    expect((await ensureBankIdTestPki(dir, { clock, people: [TOLVAN] })).renewed).toBeNull();
  }, 60_000);

  it('refuses a damaged index', async () => {
    const broken = await mkdtemp(path.join(tmpdir(), 'bankid-pki-broken-'));
    try {
      await writeFile(path.join(broken, 'bankid-pki.json'), '{"format":"something else"}');
      await expect(loadBankIdTestPki(broken, { clock: new ManualClock('2026-11-28T09:00:00Z') })).rejects.toBeInstanceOf(BankIdTestError);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
