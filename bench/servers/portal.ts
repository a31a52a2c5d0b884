/**
 * The portal for (b) and (c): the real app (buildApp) on a file-backed SQLite in WAL mode,
 * seeded with the demo people, with one logged-in session of Tolvan Tolvansson whose
 * cookie is announced to the parent. BENCH_SQLITE_FILE names the database file (the parent
 * creates and removes its temp directory).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoData } from '../../devtools/demo/seed.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { announce, stopOnSignal } from './protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sqliteFile = process.env['BENCH_SQLITE_FILE'];
if (sqliteFile === undefined || sqliteFile === '')
  throw new Error('portal server: BENCH_SQLITE_FILE is not set');

const config = loadConfig(
  {
    KW_MODE: 'test',
    KW_SQLITE_FILE: sqliteFile,
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
  if (path.basename(dir).startsWith('kundwebben-bench-')) rmSync(dir, { recursive: true, force: true });
});
announce({ port: address.port, cookie: `${services.sessions.cookieName}=${result.session.id}` });
