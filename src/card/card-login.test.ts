/**
 * Card login over real TLS with the test PKI and its OCSP responder. Each refusal test
 * opens with the attack or fault and the invariant: the person is not logged in, the
 * refusal is specific, and nothing else changes.
 */
import helmet from '@fastify/helmet';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardVariant, OcspFaultMode } from '../../devtools/test-pki/index.js';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { TEST_NOW } from '../../test/support/app.js';
import { LISTENER_HELMET_OPTIONS } from './listener.js';

let tb: CardTestbed;
beforeAll(async () => {
  tb = await startCardTestbed();
}, 60_000);
afterAll(() => tb.close());

type Client = { cert: string; key: string } | undefined;

/** The whole journey: portal start page → card listener (TLS client cert) → ticket back. */
async function cardLogin(client: Client, method = 'telia_card') {
  const start = await tb.t.app.inject(`/login/card?method=${method}`);
  expect(start.statusCode).toBe(200);
  const cookie = String(start.headers['set-cookie']).split(';')[0] ?? '';
  const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
  const res = await tb.cardGet(`/card/login?state=${state}`, client);
  expect(res.status).toBe(303);
  const location = new URL(res.location ?? '');
  const failed = location.pathname === '/login/card/failed' ? location.searchParams.get('code') : null;
  if (failed) return { failed, cookie, location: location.pathname + location.search };
  const back = await tb.t.app.inject({ url: location.pathname + location.search, headers: { cookie } });
  return { failed: null, cookie, back, ticketPath: location.pathname + location.search };
}

async function freshCard(variant?: CardVariant, issuer: 'telia' | 'svenska_pass' = 'telia') {
  const card = await tb.demo.pki.issueCard({
    issuer,
    personnummer: '191212121212',
    givenName: 'Tolvan',
    surname: 'Tolvansson',
    ...(variant ? { variant } : {}),
  });
  return { card, client: { cert: card.auth.certPem, key: card.auth.keyPem } };
}

describe('card login', () => {
  it('logs a Telia card holder in, records the card, and audits it', async () => {
    const result = await cardLogin(tb.card('191212121212'));
    expect(result.failed).toBeNull();
    expect(result.back?.statusCode).toBe(303);
    expect(result.back?.headers.location).toBe('/start/organisation'); // Tolvan acts for two companies: the login ends at the choice of company
    const newCookie = String(result.back?.headers['set-cookie']).split(';')[0] ?? '';
    expect(newCookie).not.toBe(result.cookie); // a new session id at login
    const start = await tb.t.app.inject({ url: '/start', headers: { cookie: newCookie } });
    expect(start.body).toContain('Välkommen, Tolvan Tolvansson');
    expect(start.body).toContain('Du loggade in med ID-kort från Telia');
    const seen = await tb.t.services.db.selectFrom('credential_seen').selectAll().where('personnummer', '=', '191212121212').executeTakeFirstOrThrow();
    expect(seen.method).toBe('telia_card');
    expect(seen.cert_issuer).toContain('Telia');
    expect(seen.cert_serial).toMatch(/^[0-9a-f]+$/);
    expect(seen.cert_not_after).toMatch(/^20\d\d-/);
  });

  it('attack: while a card login is on its way, another site links the user to GET /login/card → invariant: the login in progress still completes', async () => {
    const start = await tb.t.app.inject('/login/card?method=telia_card');
    const cookie = String(start.headers['set-cookie']).split(';')[0] ?? '';
    const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
    const res = await tb.cardGet(`/card/login?state=${state}`, tb.card('191212121212'));
    expect(res.status).toBe(303);
    // Before the browser follows the listener's redirect back, a cross-site link opens the card page again.
    const linked = await tb.t.app.inject({ url: '/login/card?method=telia_card', headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    expect(linked.statusCode).toBe(200);
    const location = new URL(res.location ?? '');
    const back = await tb.t.app.inject({ url: location.pathname + location.search, headers: { cookie } });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe('/start/organisation');
  });

  it('offers the card on the login page while its method is enabled', async () => {
    const page = await tb.t.app.inject('/login');
    expect(page.body).toContain('href="/login/card?method=telia_card"');
  });

  it('outside demo mode the card page offers no demo card reader', async () => {
    const page = await tb.t.app.inject('/login/card?method=telia_card');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('data-demo="card-reader"');
    expect(page.body).not.toContain('Använd ett demokort');
  });

  it('a Skatteverket card works from week 35, not before', async () => {
    const client = tb.card('198112289874');
    expect((await cardLogin(client, 'svenska_pass_card')).failed).toBe('issuer_not_enabled');
    tb.clock.set('2027-08-30T08:00:00Z');
    try {
      const result = await cardLogin(client, 'svenska_pass_card');
      expect(result.failed).toBeNull();
      expect(result.back?.headers.location).toBe('/start');
    } finally {
      tb.clock.set(TEST_NOW);
    }
  });

  it('a valid card of someone without an account gets the "no account" page, and no account is made', async () => {
    const result = await cardLogin(tb.card('197505121231'));
    expect(result.back?.headers.location).toBe('/login/no-account');
    expect(await tb.t.services.accounts.findPerson('197505121231')).toBeUndefined();
    const page = await tb.t.app.inject('/login/no-account');
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Du har inget konto i Kundwebben');
  });

  it('accepts the PNOSE- form of the personal number', async () => {
    const { client } = await freshCard('pnoPrefix');
    expect((await cardLogin(client)).failed).toBeNull();
  });
});

describe('refused certificates: nobody is logged in and the message says why', () => {
  const cases: [string, CardVariant | 'none' | 'signing' | 'revoked', string][] = [
    ['no certificate at all', 'none', 'no_certificate'],
    ['the card’s signing certificate (nonRepudiation only)', 'signing', 'signing_certificate_for_login'],
    ['an expired card', 'expired', 'expired'],
    ['a card not yet valid', 'notYetValid', 'not_yet_valid'],
    ['a login certificate with nonRepudiation only', 'authWithNonRepudiationOnly', 'signing_certificate_for_login'],
    ['no serialNumber in the subject', 'noSerialNumber', 'no_personnummer'],
    ['a malformed serialNumber', 'malformedSerialNumber', 'invalid_personnummer'],
    ['a look-alike issuer that only the signature tells apart', 'foreignCa', 'unknown_issuer'],
    ['a self-signed certificate', 'selfSigned', 'self_signed'],
    ['no OCSP address', 'noAia', 'ocsp_unavailable'],
    ['a revoked card', 'revoked', 'revoked'],
  ];
  it.each(cases)('%s', async (_name, variant, code) => {
    let client: Client;
    if (variant === 'none') client = undefined;
    else if (variant === 'signing') client = tb.card('191212121212', 'signing');
    else if (variant === 'revoked') {
      const fresh = await freshCard();
      tb.demo.pki.revoke(fresh.card.auth.serialHex, { reason: 1 });
      client = fresh.client;
    } else client = (await freshCard(variant)).client;
    const before = await tb.t.services.audit.list({ event: 'login', limit: 1000 });
    const result = await cardLogin(client);
    expect(result.failed).toBe(code);
    const page = await tb.t.app.inject({ url: result.location ?? '', headers: { cookie: 'kw_lang=en' } });
    expect(page.statusCode).toBe(code === 'ocsp_unavailable' ? 503 : 403);
    expect(page.body).toContain(`data-code="${code}"`);
    expect((await tb.t.services.audit.list({ event: 'login', limit: 1000 })).length).toBe(before.length);
    const failures = await tb.t.services.audit.list({ event: 'login_failed', limit: 1 });
    expect(failures[0]?.details).toMatchObject({ reason: code });
  });
});

describe('OCSP faults: the card is refused (fail closed), never let in', () => {
  const modes: OcspFaultMode[] = ['down', 'tryLater', 'badSignature', 'staleNextUpdate', 'wrongNonce', 'unauthorizedResponder', 'wrongCertId'];
  it.each(modes)('responder %s', async (mode) => {
    const { client } = await freshCard();
    tb.ocsp.faults.mode = mode;
    try {
      expect((await cardLogin(client)).failed).toBe('ocsp_unavailable');
    } finally {
      tb.ocsp.faults.mode = 'ok';
    }
    // The same card works once the responder is healthy: nothing bad was cached.
    expect((await cardLogin(client)).failed).toBeNull();
  });

  it('a slow responder is given up on after the timeout', async () => {
    const { client } = await freshCard();
    tb.ocsp.faults.mode = 'slow';
    tb.ocsp.faults.delayMs = 3000;
    try {
      expect((await cardLogin(client)).failed).toBe('ocsp_unavailable');
    } finally {
      tb.ocsp.faults.mode = 'ok';
    }
  });

  it('attack: a card revoked at the issuer, whose responder gives answers without nextUpdate, goes on logging in from a cached "good" → invariant: every login asks again, the revoked card is refused at once', async () => {
    const { card, client } = await freshCard();
    const ocsp = tb.t.services.ocsp;
    tb.ocsp.faults.mode = 'noNextUpdate';
    try {
      expect((await cardLogin(client)).failed).toBeNull();
      const requests = ocsp?.stats.requests ?? 0;
      tb.demo.pki.revoke(card.auth.serialHex, { reason: 1 });
      expect((await cardLogin(client)).failed).toBe('revoked');
      expect(ocsp?.stats.requests).toBe(requests + 1);
    } finally {
      tb.ocsp.faults.mode = 'ok';
    }
  });

  it('caches a good answer until nextUpdate', async () => {
    const { client } = await freshCard();
    const ocsp = tb.t.services.ocsp;
    expect((await cardLogin(client)).failed).toBeNull();
    const requests = ocsp?.stats.requests;
    expect((await cardLogin(client)).failed).toBeNull();
    expect(ocsp?.stats.requests).toBe(requests);
  });
});

describe('tickets', () => {
  it('a ticket works once: replaying it does not log in again', async () => {
    const result = await cardLogin(tb.card('191212121212'));
    const replay = await tb.t.app.inject({ url: result.ticketPath ?? '', headers: { cookie: result.cookie } });
    expect(replay.headers.location).toBe('/login/card/failed?code=ticket_invalid');
  });

  it('a relayed card-login link cannot log in another browser (ticket bound to the starting session)', async () => {
    const victim = await tb.t.app.inject('/login/card');
    const state = /state=([A-Za-z0-9_-]{43})/.exec(victim.body)?.[1] ?? '';
    const res = await tb.cardGet(`/card/login?state=${state}`, tb.card('191212121212'));
    const ticketPath = new URL(res.location ?? '').pathname + new URL(res.location ?? '').search;
    // The attacker's browser, with its own session, presents the victim's ticket.
    const attacker = await tb.t.app.inject('/login/card');
    const attackerCookie = String(attacker.headers['set-cookie']).split(';')[0] ?? '';
    const stolen = await tb.t.app.inject({ url: ticketPath, headers: { cookie: attackerCookie } });
    expect(stolen.headers.location).toBe('/login/card/failed?code=ticket_invalid');
    const noSession = await tb.t.app.inject({ url: ticketPath });
    expect(noSession.headers.location).toBe('/login/card/failed?code=ticket_invalid');
  });

  it('refuses a listener call without a valid state', async () => {
    const res = await tb.cardGet('/card/login?state=abc', tb.card('191212121212'));
    expect(res.location).toMatch(/\/login\/card\/failed\?code=bad_request$/);
  });

  it('an unknown failure code renders the generic card error, not attacker text', async () => {
    const page = await tb.t.app.inject('/login/card/failed?code=<script>alert(1)</script>');
    expect(page.body).toContain('data-code="bad_request"');
    expect(page.body).not.toContain('<script>alert');
  });
});

describe('certificate forwarded by a reverse proxy', () => {
  let proxied: CardTestbed;
  let untrusted: CardTestbed;
  beforeAll(async () => {
    proxied = await startCardTestbed({ env: { KW_CARD_MODE: 'proxy', KW_CARD_PROXY_ADDRESSES: '127.0.0.1,::1' }, pkiDir: tb.dir });
    untrusted = await startCardTestbed({ env: { KW_CARD_MODE: 'proxy', KW_CARD_PROXY_ADDRESSES: '10.9.9.9' }, pkiDir: tb.dir });
  }, 60_000);
  afterAll(async () => {
    await proxied.close();
    await untrusted.close();
  });

  async function viaProxy(bed: CardTestbed, header: string | undefined) {
    const start = await bed.t.app.inject('/login/card');
    const cookie = String(start.headers['set-cookie']).split(';')[0] ?? '';
    const state = /state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
    const res = await bed.cardGet(`/card/login?state=${state}`, undefined, header ? { 'x-client-cert': header } : {});
    const location = new URL(res.location ?? '');
    if (location.pathname === '/login/card/failed') return { failed: location.searchParams.get('code') };
    const back = await bed.t.app.inject({ url: location.pathname + location.search, headers: { cookie } });
    return { failed: null, back };
  }

  it('accepts the certificate from a configured proxy (URL-encoded PEM, as nginx forwards it)', async () => {
    const result = await viaProxy(proxied, encodeURIComponent(tb.card('191212121212').cert));
    expect(result.failed).toBeNull();
    expect(result.back?.headers.location).toBe('/start/organisation');
  });

  it('a forged header from an address that is not a configured proxy is refused', async () => {
    expect((await viaProxy(untrusted, encodeURIComponent(tb.card('191212121212').cert))).failed).toBe('untrusted_forwarded_certificate');
  });

  it('garbage in the header is a missing certificate, not a crash', async () => {
    expect((await viaProxy(proxied, 'not-a-certificate!!')).failed).toBe('no_certificate');
    expect((await viaProxy(proxied, Buffer.from('garbage').toString('base64'))).failed).toBe('malformed_certificate');
    // An oversized header never reaches validation: Node refuses it (431) before any handler.
    const huge = await proxied.cardGet('/card/login?state=' + 'a'.repeat(43), undefined, { 'x-client-cert': Buffer.alloc(20_000, 7).toString('base64') });
    expect(huge.status).toBe(431);
  });
});

describe('the listener’s security headers', () => {
  it('defect: @fastify/helmet rebuilt its middleware on every card login → invariant: the listener, which now sets the headers itself, answers every request (a login, a refusal, an unknown path) with exactly the headers @fastify/helmet gives for its options', async () => {
    const listener = tb.t.cardListener;
    if (!listener) throw new Error('no card listener');
    // What the plugin itself sets with the listener's options, on an app of its own.
    const probe = Fastify({ logger: false });
    await probe.register(helmet, LISTENER_HELMET_OPTIONS);
    probe.get('/', async () => '');
    const expected = (await probe.inject('/')).headers;
    await probe.close();
    expect(expected['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(expected['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const helmetNames = Object.keys(expected).filter((name) => !['content-type', 'content-length', 'date', 'connection'].includes(name));
    expect(helmetNames.length).toBeGreaterThanOrEqual(10);

    const answers = [
      await listener.inject({ method: 'GET', url: `/card/login?state=${'s'.repeat(43)}` }), // no certificate: a refusal
      await listener.inject({ method: 'GET', url: '/card/login?state=short' }), // bad request
      await listener.inject({ method: 'GET', url: '/nowhere' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303, 404]);
    for (const answer of answers) {
      for (const name of helmetNames) expect(answer.headers[name], name).toBe(expected[name]);
    }
    expect(answers[0]?.headers.location).toMatch(/\/login\/card\/failed\?code=no_certificate$/);
  });
});
