import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { notYetValidCa } from '../../test/support/stale-ca.js';
import { YEAR_MS } from './crypto.js';
import { ensureDemoPki, loadPki, savePki, writeSigner, type DemoCardHolder, type DemoPki } from './store.js';

const PEOPLE: DemoCardHolder[] = [
  { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson', issuer: 'telia' },
  { personnummer: '198112289874', givenName: 'Testa', surname: 'Testsson', issuer: 'svenska_pass' },
];
const OCSP = 'http://127.0.0.1:8802/ocsp';

describe('demo PKI on disk', () => {
  const clock = new ManualClock('2026-06-01T10:00:00Z');
  let dir: string;
  let first: DemoPki;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kw-test-pki-'));
    first = await ensureDemoPki(dir, { clock, ocspBaseUrl: OCSP, people: PEOPLE, password: 'demo' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a login and a signing PKCS#12 per person, plus PEM, with private keys readable only by the owner', async () => {
    expect(first.cards.map((c) => path.basename(c.login.p12Path))).toEqual([
      '191212121212-telia-login.p12',
      '198112289874-svenska_pass-login.p12',
    ]);
    for (const card of first.cards) {
      for (const files of [card.login, card.signing]) {
        const pfx = await readFile(files.p12Path);
        expect(() => tls.createSecureContext({ pfx, passphrase: 'demo' })).not.toThrow();
        const cert = new X509Certificate(await readFile(files.certPath));
        expect(cert.subject).toContain(`serialNumber=${card.personnummer}`);
        expect(
          cert.checkIssued(new X509Certificate(await readFile(first.issuers[card.issuer].intermediatePath))),
        ).toBe(true);
        expect((await stat(files.keyPath)).mode & 0o077).toBe(0);
      }
    }
    expect(path.basename(first.cards[1]!.signing.p12Path)).toBe('198112289874-svenska_pass-signing.p12');
  });

  it('writes the TLS server certificate and an issuers file naming existing anchors', async () => {
    const server = new X509Certificate(await readFile(first.tls.certPath));
    expect(server.verify(new X509Certificate(await readFile(first.tls.caPath)).publicKey)).toBe(true);
    expect(server.subjectAltName).toContain('DNS:localhost');
    const issuersFile = JSON.parse(await readFile(first.issuersFile, 'utf8')) as {
      issuers: {
        id: string;
        method: string;
        anchors: string[];
        intermediates: string[];
        policyOids: string[];
      }[];
    };
    expect(issuersFile.issuers.map((i) => [i.id, i.method, i.policyOids])).toEqual([
      ['telia', 'telia_card', ['1.2.752.9999.1.1']],
      ['svenska_pass', 'svenska_pass_card', ['1.2.752.9999.2.1']],
    ]);
    for (const issuer of issuersFile.issuers) {
      for (const file of [...issuer.anchors, ...issuer.intermediates])
        expect(existsSync(path.join(dir, file))).toBe(true);
    }
  });

  it('reuses the PKI and the cards on the next start, rewriting only the PKCS#12 password', async () => {
    const before = await readFile(first.cards[0]!.login.certPath, 'utf8');
    const again = await ensureDemoPki(dir, { clock, ocspBaseUrl: OCSP, people: PEOPLE, password: 'nytt' });
    expect(again.pki.issuer('telia').rootPem).toBe(first.pki.issuer('telia').rootPem);
    expect(await readFile(again.cards[0]!.login.certPath, 'utf8')).toBe(before);
    expect(again.pki.issued()).toHaveLength(4);
    const pfx = await readFile(again.cards[0]!.login.p12Path);
    expect(() => tls.createSecureContext({ pfx, passphrase: 'nytt' })).not.toThrow();
  });

  it('re-issues cards whose OCSP URL changed or that are no longer valid', async () => {
    const before = await readFile(first.cards[0]!.login.certPath, 'utf8');
    const moved = await ensureDemoPki(dir, {
      clock,
      ocspBaseUrl: 'http://127.0.0.1:9902/ocsp',
      people: PEOPLE,
      password: 'demo',
    });
    const after = new X509Certificate(await readFile(moved.cards[0]!.login.certPath));
    expect(after.toString()).not.toBe(before);
    expect(after.infoAccess).toContain('OCSP - URI:http://127.0.0.1:9902/ocsp/telia');
    expect(moved.pki.ocspBaseUrl).toBe('http://127.0.0.1:9902/ocsp');

    // Four years after both the clock and real time: past the cards' three years either way.
    const later = new ManualClock(new Date(Math.max(clock.now().getTime(), Date.now()) + 4 * YEAR_MS));
    const renewed = await ensureDemoPki(dir, {
      clock: later,
      ocspBaseUrl: 'http://127.0.0.1:9902/ocsp',
      people: PEOPLE,
      password: 'demo',
    });
    const renewedCert = new X509Certificate(await readFile(renewed.cards[1]!.signing.certPath));
    expect(new Date(renewedCert.validTo).getTime()).toBeGreaterThan(later.now().getTime());
    expect(renewed.pki.issued()).toHaveLength(12);
  });

  it('makes the whole PKI anew when a saved CA is not valid at the clock and real time', async () => {
    // As left by an older version that dated the TLS CA from a demo clock a year ahead.
    const expiredRoot = await notYetValidCa('Kundwebben Test TLS CA');
    const other = await mkdtemp(path.join(tmpdir(), 'kw-test-pki-old-'));
    try {
      const old = await ensureDemoPki(other, { clock, ocspBaseUrl: OCSP, people: PEOPLE, password: 'demo' });
      expect(old.renewed).toBeNull();
      await writeSigner(path.join(other, 'tls-ca'), expiredRoot);
      const repaired = await ensureDemoPki(other, { clock, ocspBaseUrl: OCSP, people: PEOPLE, password: 'demo' });
      expect(repaired.renewed).toEqual(['tls-ca.pem']);
      const tlsCa = new X509Certificate(await readFile(repaired.tls.caPath));
      const server = new X509Certificate(await readFile(repaired.tls.certPath));
      expect(server.verify(tlsCa.publicKey)).toBe(true);
      expect(new Date(tlsCa.validFrom).getTime()).toBeLessThan(Date.now());
      // Every card is new, from the new issuers.
      const root = new X509Certificate(repaired.pki.issuer('telia').intermediatePem);
      expect(new X509Certificate(await readFile(repaired.cards[0]!.login.certPath)).verify(root.publicKey)).toBe(true);
      expect(repaired.pki.issuer('telia').rootPem).not.toBe(old.pki.issuer('telia').rootPem);
      // A clock 25 years on outlives the 20-year roots: made anew again.
      const far = await ensureDemoPki(other, { clock: new ManualClock(new Date(Date.now() + 25 * YEAR_MS)), ocspBaseUrl: OCSP, people: PEOPLE, password: 'demo' });
      expect(far.renewed).toContain('issuers/telia/root.pem');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }, 60_000);

  it('keeps revocations and issued-card metadata across save and load', async () => {
    const pki = await loadPki(dir, { clock });
    const card = await pki.issueCard({
      issuer: 'svenska_pass',
      personnummer: '197010632391',
      givenName: 'Kim',
      surname: 'Koordinatsson',
      variant: 'pnoPrefix',
    });
    pki.revoke(card.auth.serialHex, { reason: 4, at: new Date('2026-05-01T00:00:00Z') });
    await savePki(pki, dir);

    const loaded = await loadPki(dir, { clock });
    expect(loaded.status(card.auth.serialHex)).toBe('revoked');
    expect(loaded.status(card.sign.serialHex)).toBe('good');
    expect(loaded.issued().find((r) => r.serialHex === card.sign.serialHex)).toEqual({
      serialHex: card.sign.serialHex,
      issuer: 'svenska_pass',
      usage: 'sign',
      personnummer: '197010632391',
      givenName: 'Kim',
      surname: 'Koordinatsson',
      notBefore: new Date(new X509Certificate(card.sign.certPem).validFrom),
      notAfter: card.sign.notAfter,
      ocspUrl: 'http://127.0.0.1:9902/ocsp/svenska_pass',
      variant: 'pnoPrefix',
    });
    // The loaded CA keys still sign: a new card chains to the saved intermediate.
    const next = await loaded.issueCard({
      issuer: 'telia',
      personnummer: '191212121212',
      givenName: 'Tolvan',
      surname: 'Tolvansson',
    });
    expect(
      new X509Certificate(next.auth.certPem).verify(
        new X509Certificate(loaded.issuer('telia').intermediatePem).publicKey,
      ),
    ).toBe(true);
  });

  it('refuses a damaged store with corrupt_store', async () => {
    const broken = await mkdtemp(path.join(tmpdir(), 'kw-test-pki-broken-'));
    try {
      await expect(loadPki(broken, { clock })).rejects.toMatchObject({ code: 'corrupt_store' });
      await writeFile(path.join(broken, 'pki.json'), '{"format":"something-else"}');
      await expect(loadPki(broken, { clock })).rejects.toMatchObject({ code: 'corrupt_store' });
      const index = await readFile(path.join(dir, 'pki.json'), 'utf8');
      await writeFile(path.join(broken, 'pki.json'), index);
      await expect(loadPki(broken, { clock })).rejects.toMatchObject({ code: 'corrupt_store' }); // PEM files missing
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
