/**
 * The portal for the BankID load case: the real app (buildApp) in test mode with silent
 * logging, on a file-backed SQLite in WAL mode (the default TTL store is the SQLite one:
 * that is what is measured), seeded with the demo people, with the system clock, configured
 * against the BankID test server (the parent passes the KW_BANKID_* variables it
 * announced), and with BankID enabled in the rollout plan (config/rollout-plan.json plans it
 * for 2027).
 *
 * Counters (served on `statsPort` while it runs, reported on stop): the BankID service's
 * polls and /collect calls, the RP client's calls and failures, and the event loop
 * utilisation of the main thread.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { seedDemoData } from '../../devtools/demo/seed.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/platform/clock.js';
import { announce, reportStats, serveStats, stopOnSignal } from './protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sqliteFile = process.env['BENCH_SQLITE_FILE'];
if (sqliteFile === undefined || sqliteFile === '')
  throw new Error('bankid portal: BENCH_SQLITE_FILE is not set');
const bankidEnv: Record<string, string> = {};
for (const name of [
  'KW_BANKID_URL',
  'KW_BANKID_CA_FILE',
  'KW_BANKID_RP_CERT_FILE',
  'KW_BANKID_RP_KEY_FILE',
  'KW_BANKID_USER_ROOTS_FILE',
]) {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bankid portal: ${name} is not set`);
  bankidEnv[name] = value;
}

const config = loadConfig(
  {
    KW_MODE: 'test',
    KW_SQLITE_FILE: sqliteFile,
    KW_LOG_LEVEL: 'silent',
    KW_PORT: '0',
    KW_ROLLOUT_PLAN_FILE: path.join(root, 'config/rollout-plan.json'),
    ...bankidEnv,
    // The highest value config accepts: 100 000/min per client address, on /login/bankid and
    // /bankid/start. Each simulated browser poses as its own address through X-Forwarded-For
    // from the loopback "proxy", so no address comes near it.
    KW_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    KW_TRUST_PROXY: '127.0.0.1',
  },
  'test',
);
const { app, services } = await buildApp(config, { clock: systemClock });
const { bankid, bankidClient } = services;
if (!bankid || !bankidClient) throw new Error('bankid portal: BankID is not configured');
await seedDemoData(services.accounts);
await services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
if (!(await services.plan.isEnabled('bankid')))
  throw new Error('bankid portal: BankID is not enabled by the plan');

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('bankid portal: no TCP address');

const stats = () => {
  const elu = performance.eventLoopUtilization();
  return {
    polls: bankid.stats.polls,
    collects: bankid.stats.collects,
    fromMemory: bankid.stats.fromMemory,
    rpCalls: bankidClient.stats.calls,
    rpFailures: bankidClient.stats.failures,
    rpRejectedByBreaker: bankidClient.stats.rejectedByBreaker,
    // Cumulative milliseconds the main thread was busy / idle (event loop utilisation).
    eluActiveMs: elu.active,
    eluIdleMs: elu.idle,
  };
};
const statsPort = await serveStats(stats);
stopOnSignal(async () => {
  reportStats(stats());
  await app.close();
  // Also when the parent died without cleaning up: remove our own temp directory.
  const dir = path.dirname(sqliteFile);
  if (path.basename(dir).startsWith('kundwebben-bench-')) rmSync(dir, { recursive: true, force: true });
});
announce({ port: address.port, statsPort });
