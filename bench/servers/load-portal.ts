/**
 * A portal instance of the load case (bench/load.ts): the real app (buildApp) in test mode
 * with the system clock and silent logging, on PostgreSQL (BENCH_DATABASE_URL, schema
 * BENCH_DATABASE_SCHEMA) with sessions and the other short-lived state in Redis
 * (BENCH_REDIS_URL, prefix BENCH_REDIS_PREFIX), listening on BENCH_PORT (the parent
 * reserves it: the simulated Net iD signer must know the portal's address before it starts),
 * with card login in `tls` mode on its own card listener, card signing through the testbed's
 * signer (KW_CARD_SIGNER_URL), BankID against the testbed's test server and receipts sealed
 * with the testbed's test seal (the parent passes the KW_CARD_*, KW_BANKID_* and KW_SEAL_*
 * variables). Two instances share the database and
 * Redis, as behind a load balancer.
 *
 * With BENCH_LOAD_SEED=1 (the first instance, started alone) it seeds the demo data, enables
 * BankID in the rollout plan (config/rollout-plan.json plans it for 2027), and adds the load
 * people of BENCH_LOAD_PEOPLE as accounts through the accounts service: their organisations,
 * each person, and their membership.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoData } from '../../devtools/demo/seed.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/platform/clock.js';
import type { LoadPeople } from '../load-people.js';
import { announce, stopOnSignal } from './protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`load portal: ${name} is not set`);
  return value;
};
const port = env('BENCH_PORT');
const passed: Record<string, string> = {};
for (const name of [
  'KW_CARD_ISSUERS_FILE',
  'KW_CARD_TLS_CERT',
  'KW_CARD_TLS_KEY',
  'KW_CARD_SIGNER_URL',
  'KW_BANKID_URL',
  'KW_BANKID_CA_FILE',
  'KW_BANKID_RP_CERT_FILE',
  'KW_BANKID_RP_KEY_FILE',
  'KW_BANKID_USER_ROOTS_FILE',
  'KW_BANKID_LAUNCH_URL',
  'KW_SEAL_P12_FILE',
  'KW_SEAL_P12_PASSWORD',
]) {
  passed[name] = env(name);
}

const config = loadConfig(
  {
    KW_MODE: 'test',
    DATABASE_URL: env('BENCH_DATABASE_URL'),
    KW_DATABASE_SCHEMA: env('BENCH_DATABASE_SCHEMA'),
    REDIS_URL: env('BENCH_REDIS_URL'),
    KW_REDIS_KEY_PREFIX: env('BENCH_REDIS_PREFIX'),
    KW_LOG_LEVEL: 'silent',
    KW_PORT: port,
    KW_PUBLIC_URL: `http://127.0.0.1:${port}`,
    KW_CARD_PORT: '0',
    KW_ROLLOUT_PLAN_FILE: path.join(root, 'config/rollout-plan.json'),
    // The highest value config accepts: 100 000/min per client address. Every simulated
    // person has an address of their own (X-Forwarded-For from the trusted loopback
    // "proxy"); the card listener sees 127.0.0.1 for all of them, in one budget.
    KW_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    KW_TRUST_PROXY: '127.0.0.1',
    ...passed,
  },
  'test',
);
const { app, services, cardListener } = await buildApp(config, { clock: systemClock });
if (!cardListener) throw new Error('load portal: card login is not configured (no card listener)');

if (process.env['BENCH_LOAD_SEED'] === '1') {
  const { accounts } = services;
  await seedDemoData(accounts);
  await services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
  const { organisations, people } = JSON.parse(readFileSync(env('BENCH_LOAD_PEOPLE'), 'utf8')) as LoadPeople;
  for (const org of organisations) await accounts.upsertOrganisation(org);
  for (const p of people) {
    const local = `${p.givenName}.${p.personnummer.slice(-4)}`.toLowerCase();
    await accounts.upsertPerson({
      personnummer: p.personnummer,
      name: `${p.givenName} ${p.surname}`,
      email: `${local}@lastprov.example`,
      phone: null,
    });
    await accounts.addMembership(p.personnummer, p.orgnr, 'user');
  }
}
if (!(await services.plan.isEnabled('bankid')))
  throw new Error('load portal: BankID is not enabled by the plan');

await app.listen({ host: '127.0.0.1', port: Number(port) });
await cardListener.listen({ host: '127.0.0.1', port: 0 });
const cardAddress = cardListener.server.address();
if (cardAddress === null || typeof cardAddress === 'string')
  throw new Error('load portal: no card listener address');
stopOnSignal(() => app.close()); // closes the card listener, the database pool and Redis too
announce({ port: Number(port), cardPort: cardAddress.port });
