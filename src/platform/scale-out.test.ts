/**
 * Several portal instances behind one load balancer, as the agency runs them: two instances
 * (each its own app, card listener, database pool and Redis client) share PostgreSQL and
 * Redis. A person's requests may land on either, and an instance may restart at any time;
 * nothing a person started may depend on which instance answers. Then what a person sees
 * when PostgreSQL or Redis goes away, and that the instance recovers by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realTimeEnv } from '../../test/support/child-env.js';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { ensureDemoPki, startOcspResponder, type DemoPki, type OcspResponder } from '../../devtools/test-pki/index.js';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { BANKID_PEOPLE } from '../../test/support/bankid.js';
import { CARD_PEOPLE } from '../../test/support/card.js';
import { POSTGRES_URL } from '../../test/support/databases.js';
import { freePort } from '../../test/support/ports.js';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy.js';
import { ManualClock } from './clock.js';

const REDIS_URL = process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';
const TOLVAN = '191212121212';
const LIMIT = 10;

/** A schema of our own on the test PostgreSQL, and a Redis key prefix of our own. */
function isolation() {
  const id = randomBytes(6).toString('hex');
  return { schema: `t_${id}`, redisPrefix: `kwtest-${id}:` };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
  return first?.split(';')[0] ?? '';
}

describe('two instances sharing PostgreSQL and Redis', () => {
  const clock = new ManualClock(TEST_NOW);
  const { schema, redisPrefix } = isolation();
  const dir = mkdtempSync(path.join(tmpdir(), 'kw-scale-'));
  let env: Record<string, string>;
  let demo: DemoPki;
  let ocsp: OcspResponder;
  let bankidServer: BankIdTestServer;
  let a: TestApp;
  let b: TestApp;

  async function startInstance(): Promise<TestApp> {
    const t = await startTestApp({ clock, env });
    await t.cardListener?.listen({ host: '127.0.0.1', port: 0 });
    return t;
  }

  beforeAll(async () => {
    const ocspPort = await freePort();
    demo = await ensureDemoPki(path.join(dir, 'card'), {
      clock,
      ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`,
      people: CARD_PEOPLE,
      password: 'kundwebben',
    });
    ocsp = await startOcspResponder(demo.pki, { port: ocspPort, clock });
    const bankidPki = await ensureBankIdTestPki(path.join(dir, 'bankid'), { clock, people: BANKID_PEOPLE });
    bankidServer = await startBankIdTestServer({ pki: bankidPki.pki, people: BANKID_PEOPLE, clock });
    env = {
      DATABASE_URL: POSTGRES_URL,
      KW_DATABASE_SCHEMA: schema,
      REDIS_URL,
      KW_REDIS_KEY_PREFIX: redisPrefix,
      KW_LOGIN_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      KW_CARD_ISSUERS_FILE: demo.issuersFile,
      KW_CARD_TLS_CERT: demo.tls.certPath,
      KW_CARD_TLS_KEY: demo.tls.keyPath,
      KW_OCSP_TIMEOUT_MS: '1500',
      KW_BANKID_URL: bankidServer.url,
      KW_BANKID_CA_FILE: bankidPki.files.serverCaPath,
      KW_BANKID_RP_CERT_FILE: bankidPki.files.rpCertPath,
      KW_BANKID_RP_KEY_FILE: bankidPki.files.rpKeyPath,
      KW_BANKID_USER_ROOTS_FILE: bankidPki.files.userRootPath,
      KW_BANKID_TIMEOUT_MS: '2000',
    };
    a = await startInstance();
    // The plan lives in the shared database: enabling BankID on one instance enables it for both.
    await a.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
    b = await startInstance();
  }, 90_000);

  afterAll(async () => {
    await a.close();
    await b.close();
    await bankidServer.close();
    await ocsp.close();
    await dropSchema(schema);
    await deleteRedisKeys(REDIS_URL, redisPrefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('really shares: both instances use PostgreSQL and Redis, with shared rate-limit counters', () => {
    for (const t of [a, b]) {
      expect(t.config.database.kind).toBe('postgres');
      expect(t.services.redis).toBeDefined();
    }
  });

  /** Starts a BankID order (QR) on `t`; returns the browser's cookie. */
  async function startBankIdOrder(t: TestApp): Promise<string> {
    const page = await t.app.inject('/login/bankid');
    expect(page.statusCode).toBe(200);
    const cookie = cookieOf(page.headers['set-cookie']);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const started = await t.app.inject({ method: 'POST', url: '/bankid/start', headers: { cookie }, payload: { kind: 'auth', flow: 'qr', _csrf: csrf } });
    expect(started.headers.location).toBe('/bankid/wait');
    return cookie;
  }

  async function bankIdStatus(t: TestApp, cookie: string) {
    const res = await t.app.inject({ url: '/bankid/status', headers: { cookie, accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    return res.json<{ state: string; qrData: string | null; next: string | null }>();
  }

  /** Tolvan scans the QR the browser shows now (read through `t`) and approves. */
  async function approveInApp(t: TestApp, cookie: string): Promise<void> {
    const qr = (await bankIdStatus(t, cookie)).qrData ?? '';
    const scanned = bankidServer.testApp.scan({ qr });
    await bankidServer.testApp.complete({ orderRef: scanned.orderRef, personnummer: TOLVAN, deviceIp: '198.51.100.7' });
  }

  /** Polls `t` as the waiting page does until the order is done; completes the login there. */
  async function finishBankIdLogin(t: TestApp, cookie: string): Promise<string> {
    for (let i = 0; i < 10; i++) {
      clock.advance(2_000);
      if ((await bankIdStatus(t, cookie)).next !== null) break;
    }
    const complete = await t.app.inject({ url: '/bankid/complete', headers: { cookie } });
    expect(complete.headers.location).toBe('/start/organisation'); // Tolvan acts for two companies: the choice first
    return cookieOf(complete.headers['set-cookie']);
  }

  async function welcomes(t: TestApp, cookie: string): Promise<boolean> {
    const start = await t.app.inject({ url: '/start', headers: { cookie } });
    return start.statusCode === 200 && start.body.includes('Välkommen, Tolvan Tolvansson');
  }

  it('a BankID login started on one instance completes by polling the other', async () => {
    const cookie = await startBankIdOrder(a);
    await approveInApp(b, cookie);
    const loggedIn = await finishBankIdLogin(b, cookie);
    expect(await welcomes(a, loggedIn)).toBe(true);
    expect(await welcomes(b, loggedIn)).toBe(true);
  });

  it('BankID polls spread over both instances: /collect at most once per 2 s for the order, a completion collected by one is seen by the other, and a cancel on one ends the polls on both', async () => {
    const cookie = await startBankIdOrder(a);
    const collects = () => (a.services.bankid?.stats.collects ?? 0) + (b.services.bankid?.stats.collects ?? 0);
    const before = collects();
    for (const t of [b, a, b, a, b, a]) expect((await bankIdStatus(t, cookie)).state).toBe('pending');
    expect(collects() - before).toBe(1);
    clock.advance(1_000);
    for (const t of [a, b, a, b]) await bankIdStatus(t, cookie);
    expect(collects() - before).toBe(1);
    clock.advance(1_000);
    for (const t of [b, a, b, a]) await bankIdStatus(t, cookie);
    expect(collects() - before).toBe(2);
    // Approved in the app; b collects the completion, and a (which collected nothing since) sees it.
    await approveInApp(a, cookie);
    clock.advance(2_000);
    expect((await bankIdStatus(b, cookie)).next).toBe('/bankid/complete');
    expect((await bankIdStatus(a, cookie)).next).toBe('/bankid/complete');
    expect(collects() - before).toBe(3);

    // Cancelled through one instance while the other knows the order: neither answers for it.
    const other = await startBankIdOrder(a);
    expect((await bankIdStatus(a, other)).state).toBe('pending');
    expect((await bankIdStatus(b, other)).state).toBe('pending');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await b.app.inject({ url: '/bankid/wait', headers: { cookie: other } })).body)?.[1] ?? '';
    const cancelled = await b.app.inject({ method: 'POST', url: '/bankid/cancel', headers: { cookie: other }, payload: { _csrf: csrf } });
    expect(cancelled.headers.location).toBe('/login/bankid?m=cancelled');
    for (const t of [a, b]) expect((await t.app.inject({ url: '/bankid/status', headers: { cookie: other, accept: 'application/json' } })).statusCode).toBe(404);
  });

  it('a card-login ticket issued by one instance is redeemed on the other', async () => {
    const start = await a.app.inject('/login/card?method=telia_card');
    const cookie = cookieOf(start.headers['set-cookie']);
    const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
    const card = demo.cards.find((c) => c.personnummer === TOLVAN)?.login;
    if (!card || !a.cardListener) throw new Error('no demo card or card listener');
    const address = a.cardListener.server.address();
    const listenerPort = typeof address === 'object' && address ? address.port : 0;
    const location = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: listenerPort,
          path: `/card/login?state=${state}`,
          servername: 'localhost',
          ca: readFileSync(demo.tls.caPath),
          cert: readFileSync(card.certPath),
          key: readFileSync(card.keyPath),
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.headers.location ?? '');
        },
      );
      req.on('error', reject);
      req.end();
    });
    const ticketPath = new URL(location).pathname + new URL(location).search;
    expect(ticketPath).toMatch(/^\/login\/card\/return\?ticket=/);
    const back = await b.app.inject({ url: ticketPath, headers: { cookie } });
    expect(back.headers.location).toBe('/start/organisation');
    expect(await welcomes(a, cookieOf(back.headers['set-cookie']))).toBe(true);
    // Used once, whichever instance is asked again.
    const replay = await a.app.inject({ url: ticketPath, headers: { cookie } });
    expect(replay.headers.location).toBe('/login/card/failed?code=ticket_invalid');
  });

  it('logout on one instance ends the session on both', async () => {
    const { cookie, csrf } = await a.loginAs(TOLVAN);
    expect(await welcomes(b, cookie)).toBe(true);
    const out = await b.app.inject({ method: 'POST', url: '/logout', headers: { cookie }, payload: { _csrf: csrf } });
    expect(out.statusCode).toBe(303);
    expect((await a.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(401);
    expect((await b.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(401);
  });

  it('an address that spreads its login attempts over both instances gets the limit once, not twice', async () => {
    const attacker = '203.0.113.9';
    const hit = (t: TestApp, remoteAddress = attacker) => t.app.inject({ url: '/login', remoteAddress });
    for (let i = 0; i < LIMIT / 2; i++) {
      expect((await hit(a)).statusCode).toBe(200);
      expect((await hit(b)).statusCode).toBe(200);
    }
    const refusedA = await hit(a);
    expect(refusedA.statusCode).toBe(429);
    expect(refusedA.body).toContain('Du har gjort för många försök på kort tid.');
    expect((await hit(b)).statusCode).toBe(429);
    // Another address is not affected; the window ends after a minute, on both.
    expect((await hit(b, '203.0.113.10')).statusCode).toBe(200);
    clock.advance(60_000);
    expect((await hit(b)).statusCode).toBe(200);
    expect((await hit(a)).statusCode).toBe(200);
  });

  it('an instance restarted in the middle of a BankID login loses nothing', async () => {
    const cookie = await startBankIdOrder(a);
    await approveInApp(a, cookie);
    await a.close();
    a = await startInstance();
    const loggedIn = await finishBankIdLogin(a, cookie);
    expect(await welcomes(b, loggedIn)).toBe(true);
  });
});

describe('two instances on PostgreSQL without Redis', () => {
  it('count rate limits together too (counters in the shared kv_store table)', async () => {
    const { schema } = isolation();
    const env = { DATABASE_URL: POSTGRES_URL, KW_DATABASE_SCHEMA: schema, KW_LOGIN_RATE_LIMIT_PER_MINUTE: '4' };
    const a = await startTestApp({ env });
    const b = await startTestApp({ env, clock: a.clock });
    try {
      expect(a.services.redis).toBeUndefined();
      const hit = (t: TestApp) => t.app.inject({ url: '/login', remoteAddress: '203.0.113.20' });
      for (const t of [a, b, a, b]) expect((await hit(t)).statusCode).toBe(200);
      expect((await hit(a)).statusCode).toBe(429);
      expect((await hit(b)).statusCode).toBe(429);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });
});

/** A throwaway Redis on its own port, saving its data when stopped (as a restart would keep it). */
async function startRedisServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '3600 1', '--appendonly', 'no', '--dir', dataDir], {
    stdio: 'ignore',
    env: realTimeEnv(),
  });
  for (let i = 0; i < 100; i++) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // not up yet: connect() rejects, which is the answer
    const ok = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Asks until `check` holds (the clients reconnect with a back-off of their own). */
async function eventually(check: () => Promise<boolean>, seconds = 15): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not recovered within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function expectUnavailable(t: TestApp, cookie: string): Promise<void> {
  const page = await t.app.inject({ url: '/start', headers: { cookie } });
  expect(page.statusCode).toBe(503);
  expect(page.headers['content-type']).toContain('text/html');
  expect(page.headers['retry-after']).toBe('5');
  expect(page.body).toContain('Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.');
  for (const internal of ['ECONNREFUSED', 'MaxRetriesPerRequest', 'Connection terminated', ' at ']) {
    expect(page.body).not.toContain(internal);
  }
  const english = await t.app.inject({ url: '/start', headers: { cookie: `${cookie}; kw_lang=en`, accept: 'application/json' } });
  expect(english.statusCode).toBe(503);
  expect(english.json()).toMatchObject({ error: { code: 'unavailable', message: 'The service is temporarily unavailable. Try again in a while.' } });
}

describe('PostgreSQL or Redis unavailable', () => {
  it('Redis stops: pages answer a translated 503, readiness fails, and the instance recovers when Redis is back', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kw-redis-'));
    const port = await freePort();
    let redisServer = await startRedisServer(port, dataDir);
    // SQLite for the rest, so only Redis (sessions, rate-limit counters) goes away.
    const t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}/0` } });
    try {
      const { cookie } = await t.loginAs(TOLVAN);
      expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);

      await stopRedisServer(redisServer);
      await expectUnavailable(t, cookie);
      expect((await t.app.inject({ url: '/login' })).statusCode).toBe(503); // its rate-limit counter is in Redis
      const ready = await t.app.inject('/health/ready');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ checks: { redis: { ok: false }, database: { ok: true } } });
      expect(ready.body).not.toContain(String(port));

      redisServer = await startRedisServer(port, dataDir);
      await eventually(async () => (await t.app.inject({ url: '/start', headers: { cookie } })).statusCode === 200);
      expect((await t.app.inject('/health/ready')).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/login' })).statusCode).toBe(200);
    } finally {
      await t.close();
      await stopRedisServer(redisServer);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('PostgreSQL unreachable: pages answer a translated 503, readiness fails, and the instance recovers when it is back', async () => {
    const target = new URL(POSTGRES_URL);
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(POSTGRES_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const { schema } = isolation();
    // Sessions in PostgreSQL too (no Redis): everything depends on it.
    const t = await startTestApp({ env: { DATABASE_URL: viaProxy.toString(), KW_DATABASE_SCHEMA: schema } });
    try {
      const { cookie } = await t.loginAs(TOLVAN);
      expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);

      await proxy.down();
      // The session and the account facts of this page may be cached: the instance serves
      // them until it notices that its listening connection is gone (at once; then the
      // caches are emptied and bypassed), never longer than KW_SESSION_CACHE_SECONDS.
      await eventually(async () => (await t.app.inject({ url: '/start', headers: { cookie } })).statusCode === 503, 5);
      await expectUnavailable(t, cookie);
      const ready = await t.app.inject('/health/ready');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ checks: { database: { ok: false, detail: 'unavailable' } } });
      // Attack: an anonymous caller reads the probe to map the network → invariant: no host,
      // port or driver message in the answer (it goes to the log).
      expect(ready.body).not.toContain(String(proxy.port));
      expect(ready.body).not.toMatch(/127\.0\.0\.1|ECONN|connect/i);

      await proxy.up();
      await eventually(async () => (await t.app.inject({ url: '/start', headers: { cookie } })).statusCode === 200);
      expect((await t.app.inject('/health/ready')).statusCode).toBe(200);
    } finally {
      await t.close();
      await proxy.close();
      await dropSchema(schema);
    }
  }, 60_000);
});
