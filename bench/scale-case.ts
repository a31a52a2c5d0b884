/**
 * The scale case of `npm run bench` (BENCH_CASES=scale; not part of `all`, because it needs
 * PostgreSQL and Redis): the logged-in page GET /start with a session cookie (session
 * lookup, memberships query, render; as row (c)), with the state in
 *   (s1) SQLite (database and sessions), one instance: the baseline of this run,
 *   (s2) PostgreSQL (database and sessions, the `kv_store` table), one instance,
 *   (s3) PostgreSQL, sessions in Redis, one instance,
 *   (s4) PostgreSQL, two instances (two processes) sharing it,
 *   (s5) PostgreSQL and Redis, two instances sharing them,
 * and each row's throughput as a ratio of (s1). Two instances are loaded by two autocannon
 * runs in parallel (the connections split between them), their requests summed; both use
 * the session cookie of a login made on the first, so the figure is of shared sessions.
 *
 * Everything runs on this machine: the portal processes, PostgreSQL, Redis and the load
 * generator share its cores, so "other" CPU includes PostgreSQL and Redis here.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { BenchError, deleteKeys, dropSchema, machineBusySeconds, makeTempDir, processCpuSeconds, startServer, stopServer } from './common.js';

export interface ScaleSettings {
  duration: number;
  warmup: number;
  connections: number;
  pipelining: number;
  postgresUrl: string;
  redisUrl: string;
}

export function readScaleSettings(common: Omit<ScaleSettings, 'postgresUrl' | 'redisUrl'>): ScaleSettings {
  return {
    ...common,
    postgresUrl: process.env['BENCH_POSTGRES_URL'] ?? process.env['KW_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env['BENCH_REDIS_URL'] ?? process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15',
  };
}

interface Row {
  label: string;
  title: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  serversCpu: number | undefined;
  loadgenCpu: number;
  otherCpu: number | undefined;
}

interface Target {
  child: ChildProcess;
  url: string;
}

async function fetchStart(url: string, cookie: string): Promise<void> {
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const body = await res.text();
  if (res.status !== 200 || !body.includes('Tolvan')) {
    throw new BenchError(`sanity check failed: ${url} answered ${res.status} without Tolvan's start page:\n${body.slice(0, 300)}`);
  }
}

/** autocannon against every target at once, the connections split between them. */
async function load(targets: readonly Target[], cookie: string, settings: ScaleSettings, seconds: number) {
  const connections = Math.max(1, Math.round(settings.connections / targets.length));
  return Promise.all(
    targets.map((t) =>
      autocannon({
        url: t.url,
        headers: { cookie },
        connections,
        pipelining: settings.pipelining,
        timeout: 10,
        duration: seconds,
      }),
    ),
  );
}

async function measure(label: string, title: string, targets: readonly Target[], cookie: string, settings: ScaleSettings): Promise<Row> {
  for (const t of targets) await fetchStart(t.url, cookie);
  process.stdout.write(`  ${label} ${title}: `);
  if (settings.warmup > 0) {
    process.stdout.write(`warm-up ${settings.warmup} s ... `);
    await load(targets, cookie, settings, settings.warmup);
  }
  process.stdout.write(`measuring ${settings.duration} s ... `);
  const cpuOf = () => targets.map((t) => processCpuSeconds(t.child.pid));
  const serversBefore = cpuOf();
  const machineBefore = machineBusySeconds();
  const loadgenBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const results = await load(targets, cookie, settings, settings.duration);
  const wall = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const serversAfter = cpuOf();
  const machineAfter = machineBusySeconds();
  const loadgen = process.cpuUsage(loadgenBefore);
  for (const t of targets) await fetchStart(t.url, cookie); // the session stayed valid

  const serversCpu = serversBefore.every((v, i) => v !== undefined && serversAfter[i] !== undefined)
    ? serversAfter.reduce<number>((sum, v, i) => sum + (v ?? 0) - (serversBefore[i] ?? 0), 0) / wall
    : undefined;
  const loadgenCpu = (loadgen.user + loadgen.system) / 1e6 / wall;
  const machine = machineBefore !== undefined && machineAfter !== undefined ? (machineAfter - machineBefore) / wall : undefined;
  const row: Row = {
    label,
    title,
    reqPerSec: results.reduce((sum, r) => sum + r.requests.total / r.duration, 0),
    // Per-instance latency percentiles; with two instances the worse of the two.
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    total: results.reduce((sum, r) => sum + r.requests.total, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    serversCpu,
    loadgenCpu,
    otherCpu: machine !== undefined && serversCpu !== undefined ? Math.max(0, machine - serversCpu - loadgenCpu) : undefined,
  };
  console.log(`${Math.round(row.reqPerSec)} req/s`);
  return row;
}

async function startPortals(count: number, env: Record<string, string>): Promise<{ targets: Target[]; cookie: string }> {
  const targets: Target[] = [];
  let cookie: string | undefined;
  // One after the other: the first migrates and seeds, the second finds it done.
  for (let i = 0; i < count; i++) {
    const { child, ready } = await startServer('portal.ts', env);
    cookie ??= ready.cookie;
    targets.push({ child, url: `http://127.0.0.1:${ready.port}/start` });
  }
  if (cookie === undefined) throw new BenchError('portal server announced no session cookie');
  return { targets, cookie };
}

const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);
const ms = (v: number) => (v === 0 ? '<1' : String(Math.round(v)));

function printTable(rows: readonly Row[], baseline: number): void {
  const header = ['target', 'req/s', 'ratio', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors', 'CPU: portals', 'loadgen', 'other (PG, Redis…)'];
  const body = rows.map((r) => [
    `${r.label} ${r.title}`,
    r.reqPerSec.toFixed(0),
    (r.reqPerSec / baseline).toFixed(2),
    ms(r.p50),
    ms(r.p99),
    String(r.total),
    String(r.non2xx),
    String(r.errors),
    pct(r.serversCpu),
    pct(r.loadgenCpu),
    pct(r.otherCpu),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
  console.log('(ratio: req/s divided by (s1) of this run. CPU columns: cores busy, 100% = one core; "other" is');
  console.log(' everything else on the machine, here mostly PostgreSQL and Redis serving the portals.)');
}

/** Runs the scale case; false when a row saw errors or non-2xx answers. */
export async function runScaleCase(settings: ScaleSettings): Promise<boolean> {
  const id = randomBytes(5).toString('hex');
  const schema = `kw_bench_${id}`;
  const redisPrefix = `kwbench-${id}:`;
  const postgres = { BENCH_DATABASE_URL: settings.postgresUrl, BENCH_DATABASE_SCHEMA: schema };
  const redis = { BENCH_REDIS_URL: settings.redisUrl, BENCH_REDIS_PREFIX: redisPrefix };
  const configurations: { label: string; title: string; instances: number; env: () => Record<string, string> }[] = [
    { label: '(s1)', title: 'SQLite, 1 instance', instances: 1, env: () => ({ BENCH_SQLITE_FILE: path.join(makeTempDir(), 'bench.sqlite') }) },
    { label: '(s2)', title: 'PostgreSQL, 1 instance', instances: 1, env: () => postgres },
    { label: '(s3)', title: 'PostgreSQL + Redis sessions, 1 instance', instances: 1, env: () => ({ ...postgres, ...redis }) },
    { label: '(s4)', title: 'PostgreSQL, 2 instances', instances: 2, env: () => postgres },
    { label: '(s5)', title: 'PostgreSQL + Redis, 2 instances', instances: 2, env: () => ({ ...postgres, ...redis }) },
  ];
  console.log(
    `Scale case: GET /start (session) with ${settings.connections} connections in all, ` +
      `PostgreSQL schema ${schema}, Redis prefix ${redisPrefix}`,
  );
  const rows: Row[] = [];
  try {
    for (const c of configurations) {
      const { targets, cookie } = await startPortals(c.instances, c.env());
      try {
        rows.push(await measure(c.label, c.title, targets, cookie, settings));
      } finally {
        for (const t of targets) await stopServer(t.child);
      }
    }
  } finally {
    await dropSchema(settings.postgresUrl, schema, 'scale case');
    await deleteKeys(settings.redisUrl, redisPrefix, 'scale case');
  }

  const baseline = rows[0]?.reqPerSec ?? 0;
  if (baseline === 0) throw new BenchError('scale case: the SQLite baseline measured nothing');
  console.log('');
  printTable(rows, baseline);
  const ratio = (label: string) => (rows.find((r) => r.label === label)?.reqPerSec ?? 0);
  console.log('');
  console.log(`sessions: PostgreSQL/SQLite = ${(ratio('(s2)') / baseline).toFixed(2)}, Redis (on PostgreSQL)/SQLite = ${(ratio('(s3)') / baseline).toFixed(2)}`);
  console.log(
    `two instances vs one: PostgreSQL ${(ratio('(s4)') / ratio('(s2)')).toFixed(2)}x, ` +
      `PostgreSQL + Redis ${(ratio('(s5)') / ratio('(s3)')).toFixed(2)}x ` +
      `(on this machine's ${os.cpus().length} cores, shared with PostgreSQL, Redis and the load generator)`,
  );
  const quiet = rows[0]?.otherCpu;
  if (quiet !== undefined && quiet > 0.25) {
    console.log(
      `note: other processes used ${pct(quiet)} of a core during (s1), which uses neither PostgreSQL nor Redis: ` +
        'the machine was busy (tests running?); the ratios are unreliable, repeat on a quiet machine.',
    );
  }
  const bad = rows.filter((r) => r.non2xx > 0 || r.errors > 0);
  for (const r of bad) console.error(`WARNING: ${r.label} had ${r.non2xx} non-2xx answers and ${r.errors} errors; its figure does not measure the page.`);
  return bad.length === 0;
}
