/**
 * The portal for (b) and (c): the real app (buildApp) on a file-backed SQLite in WAL mode,
 * seeded with the demo people, with one logged-in session of Tolvan Tolvansson whose
 * cookie is announced to the parent. BENCH_SQLITE_FILE names the database file (the parent
 * creates and removes its temp directory).
 * The scale case runs it on PostgreSQL instead (BENCH_DATABASE_URL, BENCH_DATABASE_SCHEMA)
 * and optionally with sessions in Redis (BENCH_REDIS_URL, BENCH_REDIS_PREFIX); the parent
 * creates and drops the schema and the keys.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoData } from '../../devtools/demo/seed.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { announce, stopOnSignal } from './protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sqliteFile = process.env['BENCH_SQLITE_FILE'] ?? '';
const databaseUrl = process.env['BENCH_DATABASE_URL'] ?? '';
const redisUrl = process.env['BENCH_REDIS_URL'] ?? '';
if (sqliteFile === '' && databaseUrl === '')
  throw new Error('portal server: neither BENCH_SQLITE_FILE nor BENCH_DATABASE_URL is set');
const database: Record<string, string> =
  databaseUrl === ''
    ? { KW_SQLITE_FILE: sqliteFile }
    : { DATABASE_URL: databaseUrl, KW_DATABASE_SCHEMA: process.env['BENCH_DATABASE_SCHEMA'] ?? '' };
const redis: Record<string, string> =
  redisUrl === '' ? {} : { REDIS_URL: redisUrl, KW_REDIS_KEY_PREFIX: process.env['BENCH_REDIS_PREFIX'] ?? 'kw:' };

const config = loadConfig(
  {
    KW_MODE: 'test',
    ...database,
    ...redis,
    KW_LOG_LEVEL: 'silent',
    KW_PORT: '0',
    KW_ROLLOUT_PLAN_FILE: path.join(root, 'config/rollout-plan.json'),
    // The highest value config accepts: 100 000/min per client address. The bench's
    // connections to GET /login each pose as their own address through X-Forwarded-For
    // from the loopback "proxy" (as production sits behind one), so no address reaches it.
    KW_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    KW_TRUST_PROXY: '127.0.0.1',
  },
  'test',
);
const { app, services } = await buildApp(config);
await seedDemoData(services.accounts);
const result = await services.login.login({
  personnummer: '191212121212',
  method: 'telia_card',
  evidence: {},
  previous: undefined,
  ip: '127.0.0.1',
});
if (!result.ok) throw new Error(`portal server: demo login failed (${result.reason})`);

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('portal server: no TCP address');
stopOnSignal(async () => {
  await app.close();
  // Also when the parent died without cleaning up: remove our own temp directory.
  const dir = path.dirname(sqliteFile);
  if (sqliteFile !== '' && path.basename(dir).startsWith('kundwebben-bench-')) rmSync(dir, { recursive: true, force: true });
});
announce({ port: address.port, cookie: `${services.sessions.cookieName}=${result.session.id}` });
