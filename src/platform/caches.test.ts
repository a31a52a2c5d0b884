/**
 * The in-process caches of sessions and account facts (platform/cache.ts,
 * platform/invalidation.ts): whatever is cached, logout, deactivation, a removed staff role
 * or membership and a deactivated organisation take effect on the next request, on one
 * instance and across two (Redis pub/sub; PostgreSQL LISTEN/NOTIFY without Redis).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUsers } from '../accounts/import.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import type { Topic } from './invalidation.js';
import { DATABASE_KINDS, POSTGRES_URL } from '../../test/support/databases.js';
import { startTcpProxy } from '../../test/support/tcp-proxy.js';
import { ManualClock } from './clock.js';

const REDIS_URL = process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';
const TOLVAN = '191212121212';
const TESTA = '198112289874';
const HEDDA = '196408231238';
const NORDVIK = '5566778899';
const NORDVIK_NAME = 'Nordvik Försvarsteknik AB';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function listening(t: TestApp): boolean {
  const inv = t.services.invalidation;
  return inv !== undefined && inv.listening('session') && inv.listening('accounts');
}

/**
 * Runs `change` and, when `other` hears changes over a connection, waits until the message
 * has arrived there (it travels in well under a millisecond; the test does not guess a time).
 */
async function changed<T>(other: TestApp, change: () => Promise<T>, topic: Topic = 'accounts'): Promise<T> {
  const inv = other.services.invalidation;
  // Only this topic's messages count: a session message still on its way (a save made on
  // either instance before the change) must not pass for the change's own.
  const before = inv?.received(topic) ?? 0;
  const result = await change();
  if (inv && other.config.database.kind === 'postgres') await until(() => inv.received(topic) >= before + 1, 'the other instance heard the change');
  return result;
}

async function startPage(t: TestApp, cookie: string) {
  return t.app.inject({ url: '/start', headers: { cookie } });
}

async function post(t: TestApp, who: { cookie: string; csrf: string }, url: string, fields: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie }, payload: { _csrf: who.csrf, ...fields } });
}

/** The guarantees, on instances `a` (where the change is made) and `b` (where the next request lands). */
function guarantees(setup: () => { a: TestApp; b: TestApp }) {
  it('logout on one instance: the very next request on the other is logged out', async () => {
    const { a, b } = setup();
    const testa = await a.loginAs(TESTA);
    expect((await startPage(b, testa.cookie)).statusCode).toBe(200);
    expect((await startPage(b, testa.cookie)).statusCode).toBe(200); // from the cache now
    const out = await changed(b, () => post(a, testa, '/logout'), 'session');
    expect(out.statusCode).toBe(303);
    expect((await startPage(b, testa.cookie)).statusCode).toBe(401);
    expect((await startPage(a, testa.cookie)).statusCode).toBe(401);
  });

  it('a person deactivated by an admin: the next request on the other instance ends the session', async () => {
    const { a, b } = setup();
    const hedda = await a.loginAs(HEDDA);
    const testa = await a.loginAs(TESTA);
    expect((await startPage(b, testa.cookie)).statusCode).toBe(200);
    expect((await startPage(b, testa.cookie)).statusCode).toBe(200);
    const done = await changed(b, () => post(a, hedda, `/admin/people/${TESTA}/active`, { active: '0' }));
    expect(done.statusCode).toBe(303);
    expect((await startPage(b, testa.cookie)).statusCode).toBe(401);
    await changed(b, () => post(a, hedda, `/admin/people/${TESTA}/active`, { active: '1' }));
  });

  it('a staff role removed: the next request on the other instance no longer has it', async () => {
    const { a, b } = setup();
    const hedda = await a.loginAs(HEDDA);
    expect((await b.app.inject({ url: '/admin', headers: { cookie: hedda.cookie } })).statusCode).toBe(200);
    expect((await b.app.inject({ url: '/admin', headers: { cookie: hedda.cookie } })).statusCode).toBe(200);
    // No page removes a staff role: whatever path does, the database's write is what is heard.
    await changed(b, () => a.services.db.deleteFrom('staff_role').where('personnummer', '=', HEDDA).where('role', '=', 'admin').execute());
    expect((await b.app.inject({ url: '/admin', headers: { cookie: hedda.cookie } })).statusCode).toBe(403);
    await changed(b, () => a.services.accounts.addStaffRole(HEDDA, 'admin'));
    expect((await b.app.inject({ url: '/admin', headers: { cookie: hedda.cookie } })).statusCode).toBe(200);
  });

  it('a membership removed, an organisation deactivated: the next request on the other instance no longer acts for it', async () => {
    const { a, b } = setup();
    const hedda = await a.loginAs(HEDDA);
    const testa = await a.loginAs(TESTA);
    expect((await startPage(b, testa.cookie)).body).toContain(NORDVIK_NAME);
    expect((await startPage(b, testa.cookie)).body).toContain(NORDVIK_NAME);
    const removed = await changed(b, () => post(a, hedda, `/admin/people/${TESTA}/memberships/${NORDVIK}/remove`));
    expect(removed.statusCode).toBe(303);
    expect((await startPage(b, testa.cookie)).body).not.toContain(NORDVIK_NAME);
    await changed(b, () => post(a, hedda, `/admin/people/${TESTA}/memberships`, { orgnr: NORDVIK, role: 'user' }));

    const again = await a.loginAs(TESTA);
    expect((await startPage(b, again.cookie)).body).toContain(NORDVIK_NAME);
    expect((await startPage(b, again.cookie)).body).toContain(NORDVIK_NAME);
    const deactivated = await changed(b, () => post(a, hedda, `/admin/organisations/${NORDVIK}/active`, { active: '0' }));
    expect(deactivated.statusCode).toBe(303);
    expect((await startPage(b, again.cookie)).body).not.toContain(NORDVIK_NAME);
    await changed(b, () => post(a, hedda, `/admin/organisations/${NORDVIK}/active`, { active: '1' }));
  });
}

describe('one instance on SQLite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('caches: sessions and account facts are kept in process', () => {
    expect(listening(t)).toBe(true);
  });
  guarantees(() => ({ a: t, b: t }));

  it('every write of the accounts service, the CSV import and raw Kysely writes empty the account facts', async () => {
    const { accounts, accountFacts, db, clock, audit } = t.services;
    const writes: Record<string, () => Promise<unknown>> = {
      upsertOrganisation: () => accounts.upsertOrganisation({ orgnr: NORDVIK, name: NORDVIK_NAME }),
      upsertPerson: () => accounts.upsertPerson({ personnummer: TESTA, name: 'Testa Testsson' }),
      addMembership: () => accounts.addMembership(TESTA, NORDVIK, 'user'),
      addStaffRole: () => accounts.addStaffRole(HEDDA, 'admin'),
      setPersonActive: () => accounts.setPersonActive(TESTA, true),
      addPerson: () => accounts.addPerson({ personnummer: TESTA, name: 'x', email: null, phone: null }),
      updatePerson: () => accounts.updatePerson(TESTA, { name: 'Testa Testsson', email: null, phone: null }),
      removeMembership: () => accounts.removeMembership('190001019876', NORDVIK),
      addOrganisation: () => accounts.addOrganisation({ orgnr: NORDVIK, name: 'x' }),
      renameOrganisation: () => accounts.renameOrganisation(NORDVIK, NORDVIK_NAME),
      setOrganisationActive: () => accounts.setOrganisationActive(NORDVIK, true),
    };
    // A new write method of the accounts service must be listed here (and so checked).
    const writing = Object.entries(accounts)
      .filter(([, f]) => /insertInto|updateTable|deleteFrom/.test(String(f)))
      .map(([name]) => name)
      .sort();
    expect(writing).toEqual(Object.keys(writes).sort());
    const others: Record<string, () => Promise<unknown>> = {
      csvImport: () => importUsers({ db, clock, audit }, `name,personnummer,email,phone,orgnr,role\nTesta Testsson,${TESTA},,,${NORDVIK},user\n`),
      rawKysely: () => db.updateTable('membership').set({ role: 'user' }).where('personnummer', '=', TESTA).execute(),
      transaction: () => db.transaction().execute((trx) => trx.deleteFrom('staff_role').where('personnummer', '=', '190001019876').execute()),
    };
    for (const [name, write] of Object.entries({ ...writes, ...others })) {
      const first = await accountFacts.of(TESTA);
      expect(await accountFacts.of(TESTA), name).toBe(first); // cached
      await write();
      expect(await accountFacts.of(TESTA), name).not.toBe(first);
    }
  });
});

describe('SQLite written by another process (a command on the same file)', () => {
  it('drops everything cached when another connection commits (pragma data_version)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-caches-'));
    const file = path.join(dir, 'db.sqlite');
    const t = await startTestApp({ env: { KW_SQLITE_FILE: file } });
    const other = new SQLite(file);
    try {
      const testa = await t.loginAs(TESTA);
      expect((await startPage(t, testa.cookie)).statusCode).toBe(200);
      expect((await startPage(t, testa.cookie)).statusCode).toBe(200);
      other.prepare('update person set active = 0 where personnummer = ?').run(TESTA);
      expect((await startPage(t, testa.cookie)).statusCode).toBe(401);

      const tolvan = await t.loginAs(TOLVAN);
      expect((await startPage(t, tolvan.cookie)).statusCode).toBe(200);
      expect((await startPage(t, tolvan.cookie)).statusCode).toBe(200);
      other.prepare("delete from kv_store where key like 'sess:%'").run();
      expect((await startPage(t, tolvan.cookie)).statusCode).toBe(401);
    } finally {
      other.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('KW_SESSION_CACHE_SECONDS=0', () => {
  it('turns the caches off', async () => {
    const t = await startTestApp({ env: { KW_SESSION_CACHE_SECONDS: '0' } });
    try {
      expect(t.services.invalidation).toBeUndefined();
      const first = await t.services.accountFacts.of(TESTA);
      expect(await t.services.accountFacts.of(TESTA)).not.toBe(first);
      const testa = await t.loginAs(TESTA);
      expect((await startPage(t, testa.cookie)).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

for (const kind of DATABASE_KINDS.filter((k) => k.name === 'postgres')) {
  for (const withRedis of [true, false]) {
    describe(`two instances on ${kind.name}${withRedis ? ' and Redis' : ' without Redis (LISTEN/NOTIFY)'}`, () => {
      const id = randomBytes(6).toString('hex');
      const schema = `t_${id}`;
      const prefix = `kwtest-${id}:`;
      const clock = new ManualClock('2026-11-28T09:00:00Z');
      let a: TestApp;
      let b: TestApp;
      beforeAll(async () => {
        const env = { DATABASE_URL: POSTGRES_URL, KW_DATABASE_SCHEMA: schema, ...(withRedis ? { REDIS_URL, KW_REDIS_KEY_PREFIX: prefix } : {}) };
        a = await startTestApp({ env, clock });
        b = await startTestApp({ env, clock });
        await until(() => listening(a) && listening(b), 'both instances listen');
        expect(b.services.redis !== undefined).toBe(withRedis);
      }, 30_000);
      afterAll(async () => {
        await a.close();
        await b.close();
        await dropSchema(schema);
        if (withRedis) await deleteRedisKeys(prefix);
      });

      guarantees(() => ({ a, b }));

      it('a change made outside the portal (another connection, raw SQL) is heard too', async () => {
        const testa = await a.loginAs(TESTA);
        expect((await startPage(b, testa.cookie)).statusCode).toBe(200);
        expect((await startPage(b, testa.cookie)).statusCode).toBe(200);
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          await changed(b, () => client.query(`update ${schema}.person set active = 0 where personnummer = $1`, [TESTA]));
          expect((await startPage(b, testa.cookie)).statusCode).toBe(401);
          await changed(b, () => client.query(`update ${schema}.person set active = 1 where personnummer = $1`, [TESTA]));
        } finally {
          await client.end();
        }
      });
    });
  }
}

describe('the listening connection lost (PostgreSQL)', () => {
  it('empties and bypasses the caches until it is back', async () => {
    const target = new URL(POSTGRES_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(POSTGRES_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const t = await startTestApp({ env: { DATABASE_URL: viaProxy.toString(), KW_DATABASE_SCHEMA: schema } });
    try {
      await until(() => listening(t), 'listening');
      // The seeding's own notifications may still be arriving: until one read is kept.
      let first = await t.services.accountFacts.of(TESTA);
      for (let i = 0; i < 100 && (await t.services.accountFacts.of(TESTA)) !== first; i++) first = await t.services.accountFacts.of(TESTA);
      expect(await t.services.accountFacts.of(TESTA)).toBe(first);
      await proxy.down();
      await until(() => !listening(t), 'the loss noticed');
      await proxy.up();
      await until(() => listening(t), 'listening again', 10_000);
      expect(await t.services.accountFacts.of(TESTA)).not.toBe(first);
    } finally {
      await t.close();
      await proxy.close();
      await dropSchema(schema);
    }
  }, 30_000);
});

describe('write paths', () => {
  it('no product code writes the account tables with raw SQL (only Kysely writes are heard in process)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts') && !p.includes(`${path.sep}migrations${path.sep}`)) files.push(p);
      }
    };
    walk(path.resolve('src'));
    const raw = /\b(insert\s+into|update|delete\s+from|truncate)\s+"?(person|organisation|membership|staff_role)"?\s/i;
    const offenders = files.filter((f) => readFileSync(f, 'utf8').split('\n').some((line) => raw.test(line) && line.includes('`')));
    expect(offenders).toEqual([]);
  });
});
