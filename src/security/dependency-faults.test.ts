/**
 * What a person sees, and what operations see in GET /metrics, when a dependency goes away
 * and comes back: BankID (the test server stopped and restarted on its port), the OCSP
 * responder (likewise), PostgreSQL and Redis (a TCP proxy in front of them dropped and
 * restored). In every case the portal answers with a clear message in the person's language,
 * never lets anyone in on a guess, recovers without anyone restarting it, and the metrics
 * show both the outage and the recovery.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { startOcspResponder } from '../../devtools/test-pki/index.js';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { BANKID_PEOPLE } from '../../test/support/bankid.js';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { POSTGRES_URL } from '../../test/support/databases.js';
import { startTcpProxy } from '../../test/support/tcp-proxy.js';
import { ManualClock } from '../platform/clock.js';

const TOLVAN = '191212121212';
const REDIS_URL = process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';
const UNAVAILABLE_SV = 'Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.';
const UNAVAILABLE_EN = 'The service is temporarily unavailable. Try again in a while.';

/** The sum of a metric's samples whose labels include `labels`, as GET /metrics shows them. */
async function metric(t: TestApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await t.app.inject('/metrics');
  expect(res.statusCode).toBe(200);
  let sum = 0;
  for (const line of res.body.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const have = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(match[3]);
  }
  return sum;
}

const http5xx = (t: TestApp, route: string) => metric(t, 'kundwebben_http_request_duration_seconds_count', { route, status: '5xx' });

/** Polls `check` (200 ms apart, real time) until it holds or `ms` have passed. */
async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('did not recover in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** /start while a dependency is down: a translated 503 page (and JSON), nothing internal. */
async function expectUnavailable(t: TestApp, cookie: string): Promise<void> {
  const page = await t.app.inject({ url: '/start', headers: { cookie } });
  expect(page.statusCode).toBe(503);
  expect(page.headers['retry-after']).toBe('5');
  expect(page.body).toContain(UNAVAILABLE_SV);
  for (const internal of ['ECONNREFUSED', 'MaxRetriesPerRequest', 'Connection terminated', 'Connection is closed', ' at ']) {
    expect(page.body).not.toContain(internal);
  }
  const english = await t.app.inject({ url: '/start', headers: { cookie: `${cookie}; kw_lang=en`, accept: 'application/json' } });
  expect(english.statusCode).toBe(503);
  expect(english.json()).toMatchObject({ error: { code: 'unavailable', message: UNAVAILABLE_EN } });
}

describe('BankID down', () => {
  function cookieOf(setCookie: string | string[] | undefined): string {
    const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
    return first?.split(';')[0] ?? '';
  }

  it('the test server stopped: the order in progress and new ones get RFA5 in the person’s language, the metrics count it, and BankID is used again by itself once it is back', async () => {
    const clock = new ManualClock(TEST_NOW);
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-bankid-down-'));
    const demo = await ensureBankIdTestPki(dir, { clock, people: BANKID_PEOPLE });
    let server: BankIdTestServer | undefined = await startBankIdTestServer({ pki: demo.pki, people: BANKID_PEOPLE, clock });
    const port = Number(new URL(server.url).port);
    const t = await startTestApp({
      clock,
      env: {
        KW_BANKID_URL: server.url,
        KW_BANKID_CA_FILE: demo.files.serverCaPath,
        KW_BANKID_RP_CERT_FILE: demo.files.rpCertPath,
        KW_BANKID_RP_KEY_FILE: demo.files.rpKeyPath,
        KW_BANKID_USER_ROOTS_FILE: demo.files.userRootPath,
        KW_BANKID_TIMEOUT_MS: '1000',
        KW_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      },
    });
    await t.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
    const start = async (lang: 'sv' | 'en' = 'sv') => {
      const page = await t.app.inject('/login/bankid');
      const cookie = `${cookieOf(page.headers['set-cookie'])}; kw_lang=${lang}`;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const res = await t.app.inject({ method: 'POST', url: '/bankid/start', headers: { cookie }, payload: { kind: 'auth', flow: 'qr', _csrf: csrf } });
      return { cookie, res };
    };
    const poll = async (cookie: string) => {
      clock.advance(2_000);
      return (await t.app.inject({ url: '/bankid/status', headers: { cookie, accept: 'application/json' } })).json<{ state: string; message: string; qrData: string | null; next: string | null }>();
    };
    try {
      const inProgress = await start();
      expect(inProgress.res.headers.location).toBe('/bankid/wait');
      await server.close();
      server = undefined;

      expect(await poll(inProgress.cookie)).toMatchObject({ state: 'failed', message: 'Något gick fel. Försök igen.' });
      const sv = await start('sv');
      expect(sv.res.statusCode).toBe(503);
      expect(sv.res.body).toContain('Något gick fel. Försök igen.');
      const en = await start('en');
      expect(en.res.statusCode).toBe(503);
      expect(en.res.body).toContain('Something went wrong. Please try again.');
      for (const internal of ['ECONNREFUSED', 'unavailable', 'undici']) expect(en.res.body).not.toContain(internal);
      // Repeated failures open the circuit: readiness reports it (without failing the instance).
      for (let i = 0; i < 3; i++) expect((await start()).res.statusCode).toBe(503);
      const ready = await t.app.inject('/health/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ checks: { bankid: { ok: false } } });
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'bankid' })).toBe(0);
      expect(await metric(t, 'kundwebben_bankid_orders_total', { kind: 'auth', outcome: 'unavailable' })).toBe(6);
      expect(await http5xx(t, '/bankid/start')).toBe(5);

      server = await startBankIdTestServer({ pki: demo.pki, people: BANKID_PEOPLE, clock, port });
      clock.advance(31_000); // the circuit's open period passes: time, not an operator
      const back = await start();
      expect(back.res.headers.location).toBe('/bankid/wait');
      const scanned = server.testApp.scan({ qr: (await poll(back.cookie)).qrData ?? '' });
      await server.testApp.complete({ orderRef: scanned.orderRef, personnummer: TOLVAN });
      expect(await poll(back.cookie)).toMatchObject({ next: '/bankid/complete' });
      expect((await t.app.inject({ url: '/bankid/complete', headers: { cookie: back.cookie } })).headers.location).toBe('/start/organisation');
      expect((await t.app.inject('/health/ready')).json()).toMatchObject({ checks: { bankid: { ok: true } } });
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'bankid' })).toBe(1);
      expect(await metric(t, 'kundwebben_bankid_orders_total', { kind: 'auth', outcome: 'complete' })).toBe(1);
      expect(await metric(t, 'kundwebben_logins_total', { method: 'bankid', outcome: 'success' })).toBe(1);
    } finally {
      await t.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('OCSP responder down', () => {
  async function cardLogin(bed: CardTestbed) {
    const start = await bed.t.app.inject('/login/card?method=telia_card');
    const cookie = String(start.headers['set-cookie']).split(';')[0] ?? '';
    const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
    const res = await bed.cardGet(`/card/login?state=${state}`, bed.card(TOLVAN));
    const location = new URL(res.location ?? '');
    if (location.pathname === '/login/card/failed') return { failed: location.pathname + location.search };
    const back = await bed.t.app.inject({ url: location.pathname + location.search, headers: { cookie } });
    return { failed: null, location: back.headers.location };
  }

  it('the responder stopped: card login is refused (fail closed) with the translated "cannot check" message, the metrics count the errors, and cards work again by themselves once it is back', async () => {
    const bed = await startCardTestbed();
    let responder = bed.ocsp;
    try {
      const port = Number(new URL(bed.ocsp.url).port);
      await bed.ocsp.close();

      const down = await cardLogin(bed);
      expect(down.failed).toBe('/login/card/failed?code=ocsp_unavailable');
      const sv = await bed.t.app.inject({ url: down.failed ?? '' });
      expect(sv.statusCode).toBe(503);
      expect(sv.body).toContain('Vi kan just nu inte kontrollera hos utfärdaren att ditt ID-kort inte är spärrat');
      const en = await bed.t.app.inject({ url: down.failed ?? '', headers: { cookie: 'kw_lang=en' } });
      expect(en.body).toContain('We cannot check with the issuer right now that your ID card is not revoked');
      expect(await metric(bed.t, 'kundwebben_ocsp_lookups_total', { source: 'error' })).toBe(1);
      expect(await metric(bed.t, 'kundwebben_ocsp_lookups_total', { source: 'responder' })).toBe(0);
      expect(await metric(bed.t, 'kundwebben_logins_total', { method: 'telia_card', outcome: 'failure' })).toBe(1);

      responder = await startOcspResponder(bed.demo.pki, { port, clock: bed.clock });
      expect(await cardLogin(bed)).toMatchObject({ failed: null, location: '/start/organisation' });
      expect(await metric(bed.t, 'kundwebben_ocsp_lookups_total', { source: 'responder' })).toBe(1);
      expect(await metric(bed.t, 'kundwebben_logins_total', { method: 'telia_card', outcome: 'success' })).toBe(1);
    } finally {
      await responder.close();
      await bed.close();
    }
  });
});

describe('PostgreSQL and Redis restarts', () => {
  it('PostgreSQL goes away and comes back: a translated 503, readiness and metrics show the database down, and the instance recovers by itself', async () => {
    const target = new URL(POSTGRES_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(POSTGRES_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const t = await startTestApp({ env: { DATABASE_URL: viaProxy.toString(), KW_DATABASE_SCHEMA: schema } });
    try {
      const { cookie } = await t.loginAs(TOLVAN);
      expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);
      expect((await t.app.inject('/health/ready')).statusCode).toBe(200);
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'database' })).toBe(1);

      await proxy.down();
      // The instance caches sessions and account facts only while it hears every change
      // (platform/invalidation.ts); it stops trusting them once its listening connection is
      // gone, which it notices as the socket closes. No request is made while waiting, so the
      // 5xx count below stays exact.
      await eventually(async () => !(t.services.invalidation?.listening('accounts') ?? false), 5_000);
      await expectUnavailable(t, cookie);
      expect((await t.app.inject('/health/ready')).json()).toMatchObject({ status: 'unavailable', checks: { database: { ok: false } } });
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'database' })).toBe(0);
      expect(await http5xx(t, '/start')).toBe(2);

      await proxy.up();
      await eventually(async () => (await t.app.inject({ url: '/start', headers: { cookie } })).statusCode === 200);
      expect((await t.app.inject('/health/ready')).statusCode).toBe(200);
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'database' })).toBe(1);
      expect(await http5xx(t, '/start')).toBe(2);
    } finally {
      await t.close();
      await proxy.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }, 40_000);

  it('Redis goes away and comes back: a translated 503, readiness and metrics show Redis down, and the instance recovers by itself with the session intact', async () => {
    const target = new URL(REDIS_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const prefix = `kwtest-${randomBytes(6).toString('hex')}:`;
    const t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}${target.pathname}`, KW_REDIS_KEY_PREFIX: prefix } });
    try {
      const { cookie } = await t.loginAs(TOLVAN);
      expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);

      await proxy.down();
      // As for PostgreSQL: cached sessions are trusted only while the subscription is up.
      await eventually(async () => !(t.services.invalidation?.listening('session') ?? false), 5_000);
      await expectUnavailable(t, cookie);
      expect((await t.app.inject('/login')).statusCode).toBe(503); // its rate-limit counter lives in Redis
      expect((await t.app.inject('/health/ready')).json()).toMatchObject({ status: 'unavailable', checks: { redis: { ok: false }, database: { ok: true } } });
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'redis' })).toBe(0);
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'database' })).toBe(1);
      expect(await http5xx(t, '/start')).toBe(2);

      await proxy.up();
      await eventually(async () => (await t.app.inject({ url: '/start', headers: { cookie } })).statusCode === 200);
      expect((await t.app.inject({ url: '/start', headers: { cookie } })).body).toContain('Välkommen, Tolvan Tolvansson');
      expect((await t.app.inject('/health/ready')).statusCode).toBe(200);
      expect(await metric(t, 'kundwebben_dependency_up', { dependency: 'redis' })).toBe(1);
    } finally {
      await t.close();
      await proxy.close();
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
      await redis.connect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }, 40_000);
});
