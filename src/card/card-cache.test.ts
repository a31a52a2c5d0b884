/**
 * The card certificate cache (validate.ts, CertificateCache): what a certificate is — parsed,
 * its certification path built and each link's signature checked — is worked out once per
 * certificate, but whether it may log in is decided on every login: validity at the time,
 * key usage and policy, the personal number, the plan and revocation by OCSP under the OCSP
 * cache's own rules. Over real TLS with the test PKI, on a testbed of its own (the tests move
 * its clock). Each test opens with the attack or defect and the invariant.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW, startTestApp } from '../../test/support/app.js';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { parseCertificate, pemToDerList } from '../platform/pki.js';
import type { IssuerProfile } from './issuers.js';
import { loadIssuersFile } from './issuers.js';
import { createOcspClient } from './ocsp.js';
import { CERTIFICATE_CACHE_MAX, certificateCacheOf, createCertificateCache, verifyCardCertificate } from './validate.js';

const TOLVAN = '191212121212';
const DAY_MS = 24 * 3600_000;

let tb: CardTestbed;
let profiles: readonly IssuerProfile[];
beforeAll(async () => {
  tb = await startCardTestbed();
  profiles = tb.t.services.cardLogin?.profiles ?? [];
}, 60_000);
afterAll(() => tb.close());

type Client = { cert: string; key: string };

/** Portal start page → card listener (TLS client certificate) → the failure code, or null with a ticket. */
async function cardLogin(client: Client): Promise<string | null> {
  const start = await tb.t.app.inject('/login/card?method=telia_card');
  const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
  const res = await tb.cardGet(`/card/login?state=${state}`, client);
  expect(res.status).toBe(303);
  const location = new URL(res.location ?? '');
  if (location.pathname === '/login/card/failed') return location.searchParams.get('code');
  expect(location.pathname).toBe('/login/card/return');
  return null;
}

async function freshCard() {
  const card = await tb.demo.pki.issueCard({ issuer: 'telia', personnummer: TOLVAN, givenName: 'Tolvan', surname: 'Tolvansson' });
  return { card, client: { cert: card.auth.certPem, key: card.auth.keyPem } };
}

const derOf = (pem: string): Uint8Array => pemToDerList(pem)[0] ?? new Uint8Array();

/** Runs `login` and says how the shared certificate cache answered it. */
async function counted<T>(login: () => Promise<T>): Promise<{ result: T; hits: number; misses: number }> {
  const { stats } = certificateCacheOf(profiles);
  const before = { ...stats };
  const result = await login();
  return { result, hits: stats.hits - before.hits, misses: stats.misses - before.misses };
}

describe('the certificate cache is bounded', () => {
  it('defect: one entry per certificate ever seen would let a stream of distinct certificates grow the heap without end → invariant: at most `max` entries, the least recently used dropped first', async () => {
    const cache = createCertificateCache(profiles, 2);
    const [tolvan, testa, okand] = ['191212121212', '198112289874', '197505121231'].map((p) => derOf(tb.card(p).cert));
    if (!tolvan || !testa || !okand) throw new Error('demo cards missing');
    const check = (der: Uint8Array) =>
      verifyCardCertificate({ der, purpose: 'authentication', at: tb.clock.now(), profiles, isMethodEnabled: () => Promise.resolve(true), ocsp: tb.t.services.ocsp!, cache });
    expect(await check(tolvan)).toMatchObject({ ok: true, card: { personnummer: TOLVAN } });
    expect(await check(testa)).toMatchObject({ ok: true });
    expect(await check(tolvan)).toMatchObject({ ok: true }); // used again: now the most recent
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
    expect(await check(okand)).toMatchObject({ ok: true }); // a third: the least recently used (Testa) goes
    expect(cache.size()).toBe(2);
    expect(await check(tolvan)).toMatchObject({ ok: true });
    expect(cache.stats).toEqual({ hits: 2, misses: 3 });
    expect(await check(testa)).toMatchObject({ ok: true }); // worked out again, and still the same answer
    expect(cache.stats).toEqual({ hits: 2, misses: 4 });
    expect(cache.size()).toBe(2);

    // Refusals are kept too, under the same bound: a flood of garbage is still at most `max`.
    const small = createCertificateCache(profiles, 5);
    for (let i = 0; i < 40; i++) {
      const garbage = new Uint8Array(64).fill(i);
      expect(await verifyCardCertificate({ der: garbage, purpose: 'authentication', at: tb.clock.now(), profiles, isMethodEnabled: () => Promise.resolve(true), ocsp: tb.t.services.ocsp!, cache: small })).toMatchObject({
        ok: false,
        code: 'malformed_certificate',
      });
    }
    expect(small.size()).toBe(5);
    expect(certificateCacheOf(profiles).max).toBe(CERTIFICATE_CACHE_MAX);
    expect(() => createCertificateCache(profiles, 0)).toThrow(RangeError);
  });

  it('a cache is bound to the issuer profiles it was made for: using it with others is a programming error, not a silent mix', async () => {
    const other = loadIssuersFile(tb.demo.issuersFile).issuers;
    const der = derOf(tb.card(TOLVAN).cert);
    await expect(
      verifyCardCertificate({ der, purpose: 'authentication', at: tb.clock.now(), profiles: other, isMethodEnabled: () => Promise.resolve(true), ocsp: tb.t.services.ocsp!, cache: certificateCacheOf(profiles) }),
    ).rejects.toThrow(/other issuer profiles/);
  });
});

describe('decided on every login, even when the certificate is cached', () => {
  it('attack: a card revoked after a successful login, its responder answering without nextUpdate, logs in again with its chain cached → invariant: the responder is asked, the card is refused as revoked', async () => {
    const { card, client } = await freshCard();
    const ocsp = tb.t.services.ocsp!;
    tb.ocsp.faults.mode = 'noNextUpdate';
    try {
      expect((await counted(() => cardLogin(client))).result).toBeNull();
      const asked = ocsp.stats.requests;
      tb.demo.pki.revoke(card.auth.serialHex, { reason: 1 });
      const again = await counted(() => cardLogin(client));
      expect(again).toMatchObject({ result: 'revoked', hits: 1, misses: 0 });
      expect(ocsp.stats.requests).toBe(asked + 1);
    } finally {
      tb.ocsp.faults.mode = 'ok';
    }
  });

  it('attack: a card revoked after a successful login, its "good" answer cached until nextUpdate, logs in after nextUpdate with its chain cached → invariant: the expired answer is not used, the responder says revoked, the card is refused', async () => {
    const { card, client } = await freshCard();
    const ocsp = tb.t.services.ocsp!;
    expect(await cardLogin(client)).toBeNull();
    tb.demo.pki.revoke(card.auth.serialHex, { reason: 1 });
    // Before nextUpdate the cached answer stands (the OCSP cache's rule, unchanged)…
    expect(await cardLogin(client)).toBeNull();
    const asked = ocsp.stats.requests;
    // …after it (the test responder's answers are valid for an hour) it does not.
    tb.clock.advance(3600_000 + 1000);
    const later = await counted(() => cardLogin(client));
    expect(later).toMatchObject({ result: 'revoked', hits: 1, misses: 0 });
    expect(ocsp.stats.requests).toBe(asked + 1);
  });

  it('attack: a card that expired after a successful login logs in with its chain and OCSP answer cached → invariant: refused as expired', async () => {
    const { card, client } = await freshCard();
    expect(await cardLogin(client)).toBeNull();
    tb.clock.set(new Date(card.auth.notAfter.getTime() + DAY_MS));
    const expired = await counted(() => cardLogin(client));
    expect(expired).toMatchObject({ result: 'expired', hits: 1, misses: 0 });
  });
});

describe('a changed issuer configuration starts from nothing', () => {
  it('attack: a card accepted (and cached) while its root was configured, after a restart with that anchor removed → invariant: not accepted from the cache, refused as an unknown issuer', async () => {
    tb.clock.set(TEST_NOW);
    const der = derOf(tb.card(TOLVAN).cert);
    const state = 'c'.repeat(43);
    const cardLoginService = tb.t.services.cardLogin!;
    expect(await cardLoginService.authenticate({ der, state, ip: null })).toMatchObject({ ok: true });
    expect((await counted(() => cardLoginService.authenticate({ der, state, ip: null }))).hits).toBe(1);

    // The same issuers file, but Telia's root replaced by another issuer's: Telia's anchor is gone.
    const json = JSON.parse(readFileSync(tb.demo.issuersFile, 'utf8')) as { issuers: { id: string; anchors: string[] }[] };
    const svenskaPassRoots = json.issuers.find((i) => i.id === 'svenska_pass')?.anchors ?? [];
    for (const issuer of json.issuers) if (issuer.id === 'telia') issuer.anchors = svenskaPassRoots;
    const changed = path.join(tb.dir, 'card-issuers-without-telia-root.json');
    writeFileSync(changed, JSON.stringify(json));
    const restarted = await startTestApp({
      clock: tb.clock,
      env: { KW_CARD_ISSUERS_FILE: changed, KW_CARD_TLS_CERT: tb.demo.tls.certPath, KW_CARD_TLS_KEY: tb.demo.tls.keyPath },
    });
    try {
      const refused = await restarted.services.cardLogin!.authenticate({ der, state, ip: null });
      expect(refused).toMatchObject({ ok: false, code: 'unknown_issuer' });
      expect(certificateCacheOf(restarted.services.cardLogin!.profiles).stats).toEqual({ hits: 0, misses: 1 });
    } finally {
      await restarted.close();
    }
  });
});

describe('the OCSP answers kept in process', () => {
  it('defect: an instance kept its in-process copy of a stored answer without nextUpdate for up to a minute after reading it, past the reuse window (KW_OCSP_CACHE_WITHOUT_NEXT_UPDATE_SECONDS) → invariant: no instance reuses an answer longer than the shared entry allows; a card revoked meanwhile is refused once the window is over', async () => {
    tb.clock.set(TEST_NOW);
    const { card } = await freshCard();
    const leaf = parseCertificate(card.auth.certDer);
    const issuer = profiles.find((p) => p.id === 'telia')?.intermediates[0];
    if (!issuer) throw new Error('no Telia intermediate');
    const url = tb.demo.issuers.telia.ocspUrl;
    // Two instances sharing the store, each with its own in-process copy.
    const instance = () => createOcspClient({ clock: tb.clock, store: tb.t.services.store, timeoutMs: 1500, defaultCacheSeconds: 120 });
    const [a, b] = [instance(), instance()];
    tb.ocsp.faults.mode = 'noNextUpdate';
    try {
      expect(await a.check(leaf, issuer, url)).toMatchObject({ status: 'good', fromCache: false });
      tb.clock.advance(110_000);
      expect(await b.check(leaf, issuer, url)).toMatchObject({ status: 'good', fromCache: true }); // from the shared store
      tb.demo.pki.revoke(card.auth.serialHex, { reason: 1 });
      tb.clock.advance(5_000);
      expect(await b.check(leaf, issuer, url)).toMatchObject({ status: 'good', fromCache: true }); // still within the window
      tb.clock.advance(6_000); // 121 s after the answer was fetched
      expect(await b.check(leaf, issuer, url)).toMatchObject({ status: 'revoked', fromCache: false });
      expect(await a.check(leaf, issuer, url)).toMatchObject({ status: 'revoked' });
    } finally {
      tb.ocsp.faults.mode = 'ok';
    }
  });
});
