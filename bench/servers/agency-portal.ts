/**
 * The portal of the agency case (bench/agency-case.ts): the real app (buildApp, test mode)
 * on a PostgreSQL schema (BENCH_DATABASE_URL, BENCH_DATABASE_SCHEMA), migrated by buildApp,
 * seeded with the demo people and, when BENCH_AGENCY_SEED=1, the large agency
 * (bench/agency-seed.ts). It logs in three people and announces their cookies: `company`
 * (Testa Testsson, a user of the largest organisation), `officer` (a seeded case officer)
 * and `admin` (Hedda, the demo administrator).
 *
 * It also records the SQL the app sends (text, parameters, milliseconds; never printed) and
 * serves the last ones on its stats port (GET /queries; GET /reset clears them), so the
 * parent can EXPLAIN the heaviest query of each page with the app's own parameters.
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seedDemoData } from '../../devtools/demo/seed.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { ADMIN_USER, COMPANY_USER, seedLargeAgency } from '../agency-seed.js';
import { announce, stopOnSignal } from './protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const databaseUrl = process.env['BENCH_DATABASE_URL'] ?? '';
const schema = process.env['BENCH_DATABASE_SCHEMA'] ?? '';
if (databaseUrl === '' || schema === '') throw new Error('agency portal: BENCH_DATABASE_URL and BENCH_DATABASE_SCHEMA are needed');

interface LoggedQuery {
  text: string;
  values: unknown[];
  ms: number;
}
let recorded: LoggedQuery[] = [];
const clientPrototype = pg.Client.prototype as unknown as { query: (this: pg.Client, ...args: unknown[]) => unknown };
const originalQuery = clientPrototype.query;
clientPrototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [first, second] = args;
  const result = originalQuery.apply(this, args);
  if (typeof first === 'string' && result instanceof Promise && recorded.length < 200) {
    const started = performance.now();
    const entry: LoggedQuery = { text: first, values: Array.isArray(second) ? second : [], ms: -1 };
    recorded.push(entry);
    result.then(
      () => (entry.ms = performance.now() - started),
      () => (entry.ms = performance.now() - started),
    );
  }
  return result;
};

const config = loadConfig(
  {
    KW_MODE: 'test',
    DATABASE_URL: databaseUrl,
    KW_DATABASE_SCHEMA: schema,
    KW_LOG_LEVEL: 'silent',
    KW_PORT: '0',
    KW_ROLLOUT_PLAN_FILE: path.join(root, 'config/rollout-plan.json'),
    KW_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    KW_TRUST_PROXY: '127.0.0.1',
  },
  'test',
);
const { app, services } = await buildApp(config);
await seedDemoData(services.accounts);
let seed: { step: string; seconds: number }[] | undefined;
if (process.env['BENCH_AGENCY_SEED'] === '1') {
  seed = await seedLargeAgency(databaseUrl, schema, (line) => console.error(line));
}

async function firstCaseOfficer(): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const res = await client.query<{ personnummer: string }>(
      `select personnummer from staff_role where role = 'case_officer' and personnummer <> $1 order by personnummer limit 1`,
      [ADMIN_USER],
    );
    return res.rows[0]?.personnummer ?? ADMIN_USER;
  } finally {
    await client.end();
  }
}

const cookies: Record<string, string> = {};
for (const [role, personnummer] of [
  ['company', COMPANY_USER],
  ['officer', await firstCaseOfficer()],
  ['admin', ADMIN_USER],
] as const) {
  const result = await services.login.login({ personnummer, method: 'telia_card', evidence: {}, previous: undefined, ip: '127.0.0.1' });
  if (!result.ok) throw new Error(`agency portal: login of the ${role} failed (${result.reason})`);
  cookies[role] = `${services.sessions.cookieName}=${result.session.id}`;
}

const queries = createServer((req, res) => {
  if (req.url === '/reset') recorded = [];
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(req.url === '/queries' ? recorded : { ok: true }));
});
queries.unref();
await new Promise<void>((resolve) => queries.listen(0, '127.0.0.1', resolve));
const queriesAddress = queries.address();

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('agency portal: no TCP address');
stopOnSignal(async () => {
  await app.close();
});
announce({
  port: address.port,
  cookies,
  ...(seed ? { seed } : {}),
  statsPort: typeof queriesAddress === 'object' && queriesAddress ? queriesAddress.port : 0,
});
