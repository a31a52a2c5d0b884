/**
 * The agency case of `npm run bench` (BENCH_CASES=agency, `npm run bench:agency`; not part of
 * `all`, it needs PostgreSQL): are the list and search pages flat as data grows? It seeds a
 * large agency in a fresh PostgreSQL schema (bench/agency-seed.ts: 100,000 people, 10,000
 * organisations, 200,000 cases, 1,000,000 audit events, two years of login history), starts
 * the real app on it (bench/servers/agency-portal.ts) and measures, with autocannon at
 * BENCH_CONNECTIONS (20) connections, each page as the person who uses it:
 *   the company's cases list and start page (a user of the largest organisation), the case
 *   officers' inbox (each status filter), the admin's people search, audit search, the at-risk
 *   report with its login chart;
 * then the full audit CSV export (all events) once, sampling the portal's RSS every 100 ms,
 * and `EXPLAIN (ANALYZE, BUFFERS)` of the slowest query each page sent (recorded by the
 * portal with the app's own parameters).
 *
 * BENCH_AGENCY_SCHEMA=<schema> reuses a schema seeded by an earlier run (it is then neither
 * seeded nor dropped): for developing, the seed takes about a minute. BENCH_AGENCY_PAGES=a,b
 * measures only the pages whose label or path contains one of the words (and skips the export
 * unless one of them is `csv`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { BenchError, dropSchema, machineBusySeconds, processCpuSeconds, startServer, stopServer } from './common.js';

export interface AgencySettings {
  duration: number;
  warmup: number;
  connections: number;
  postgresUrl: string;
  /** An already seeded schema to reuse (kept), or undefined: a fresh one, seeded and dropped. */
  reuseSchema: string | undefined;
  /** Only the pages matching one of these words; empty: all (and the export). */
  only: string[];
}

export function readAgencySettings(common: { duration: number; warmup: number; connections: number }): AgencySettings {
  const reuse = (process.env['BENCH_AGENCY_SCHEMA'] ?? '').trim();
  if (reuse !== '' && !/^[a-z_][a-z0-9_]{0,62}$/.test(reuse)) throw new BenchError('BENCH_AGENCY_SCHEMA must be a plain schema name');
  return {
    ...common,
    postgresUrl: process.env['BENCH_POSTGRES_URL'] ?? process.env['KW_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    reuseSchema: reuse === '' ? undefined : reuse,
    only: (process.env['BENCH_AGENCY_PAGES'] ?? '').split(',').map((w) => w.trim()).filter((w) => w !== ''),
  };
}

type Who = 'company' | 'officer' | 'admin';

interface Page {
  label: string;
  who: Who;
  path: string;
  /** p99 target in milliseconds. */
  target: number;
  /** Text the page must hold (sanity check). */
  expect: string;
}

interface Row extends Page {
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  bytes: number;
  serverCpu: number | undefined;
  otherCpu: number | undefined;
  heaviest: LoggedQuery | undefined;
  queries: number;
  /** The first request alone (no other load), milliseconds. */
  firstMs: number;
}

interface LoggedQuery {
  text: string;
  values: unknown[];
  ms: number;
}

/** The local date `offset` days from today, as the search form takes it. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function pages(adminSubject: string): Page[] {
  return [
    { label: 'cases list', who: 'company', path: '/cases', target: 200, expect: '<h1' },
    { label: 'start page', who: 'company', path: '/start', target: 200, expect: 'Testa' },
    { label: 'officer inbox', who: 'officer', path: '/officer/cases', target: 200, expect: '<table' },
    { label: 'officer: submitted', who: 'officer', path: '/officer/cases?status=submitted', target: 200, expect: '<table' },
    { label: 'officer: in progress', who: 'officer', path: '/officer/cases?status=in_progress', target: 200, expect: '<table' },
    { label: 'officer: closed', who: 'officer', path: '/officer/cases?status=closed', target: 200, expect: '<table' },
    { label: 'people: name', who: 'admin', path: '/admin/people?q=anna', target: 200, expect: '<table' },
    { label: 'people: rare name', who: 'admin', path: '/admin/people?q=xyz', target: 200, expect: '<h1' },
    { label: 'people: number prefix', who: 'admin', path: '/admin/people?q=19450', target: 200, expect: '<table' },
    { label: 'audit: all', who: 'admin', path: '/admin/audit', target: 200, expect: '<table' },
    { label: 'audit: page 500', who: 'admin', path: '/admin/audit?page=500', target: 200, expect: '<table' },
    { label: 'audit: person', who: 'admin', path: `/admin/audit?person=${adminSubject}`, target: 200, expect: '<table' },
    { label: 'audit: event+dates', who: 'admin', path: `/admin/audit?event=login_failed&from=${day(-90)}&to=${day(-30)}`, target: 200, expect: '<table' },
    { label: 'at-risk + chart', who: 'admin', path: '/admin/at-risk', target: 2000, expect: '<h1' },
  ];
}

async function fetchPage(url: string, cookie: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

async function recordedQueries(statsPort: number, what: 'reset' | 'queries'): Promise<LoggedQuery[]> {
  const res = await fetch(`http://127.0.0.1:${statsPort}/${what}`);
  const body = (await res.json()) as unknown;
  return Array.isArray(body) ? (body as LoggedQuery[]) : [];
}

async function measurePage(
  page: Page,
  base: string,
  cookies: Record<string, string>,
  statsPort: number,
  pid: number | undefined,
  settings: AgencySettings,
): Promise<Row> {
  const cookie = cookies[page.who] ?? '';
  const url = `${base}${page.path}`;
  // Requests of the previous page may still be running: wait until the portal is idle.
  for (let i = 0; i < 600; i++) {
    await recordedQueries(statsPort, 'reset');
    await new Promise((resolve) => setTimeout(resolve, 250));
    if ((await recordedQueries(statsPort, 'queries')).length === 0) break;
  }
  const firstStarted = performance.now();
  const first = await fetchPage(url, cookie);
  const firstMs = performance.now() - firstStarted;
  const sent = (await recordedQueries(statsPort, 'queries')).filter((q) => !/kv_store|^(begin|commit|rollback)/i.test(q.text));
  if (first.status !== 200 || !first.body.includes(page.expect)) {
    throw new BenchError(`agency case: ${page.path} answered ${first.status} without "${page.expect}":\n${first.body.slice(0, 400)}`);
  }
  const heaviest = [...sent].sort((a, b) => b.ms - a.ms)[0];
  process.stdout.write(`  ${page.label} (${page.path}): `);
  const run = (seconds: number) =>
    autocannon({ url, headers: { cookie }, connections: settings.connections, timeout: 30, duration: seconds });
  if (settings.warmup > 0) await run(settings.warmup);
  const cpuBefore = processCpuSeconds(pid);
  const machineBefore = machineBusySeconds();
  const loadgenBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const r = await run(settings.duration);
  const wall = (performance.now() - wallBefore) / 1000;
  const cpuAfter = processCpuSeconds(pid);
  const machineAfter = machineBusySeconds();
  const loadgen = process.cpuUsage(loadgenBefore);
  const serverCpu = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / wall : undefined;
  const loadgenCpu = (loadgen.user + loadgen.system) / 1e6 / wall;
  const machine = machineBefore !== undefined && machineAfter !== undefined ? (machineAfter - machineBefore) / wall : undefined;
  const row: Row = {
    ...page,
    reqPerSec: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    bytes: Buffer.byteLength(first.body),
    serverCpu,
    otherCpu: machine !== undefined && serverCpu !== undefined ? Math.max(0, machine - serverCpu - loadgenCpu) : undefined,
    heaviest,
    queries: sent.length,
    firstMs,
  };
  console.log(`${row.reqPerSec.toFixed(1)} req/s, p99 ${row.p99} ms`);
  return row;
}

function rssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Downloads the full CSV export, reading it as a stream, while sampling the portal's RSS. */
async function measureExport(base: string, cookie: string, pid: number | undefined) {
  const samples: number[] = [];
  const before = rssKb(pid);
  const timer = setInterval(() => {
    const v = rssKb(pid);
    if (v !== undefined) samples.push(v);
  }, 100);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  let firstByteMs: number | undefined;
  let status = 0;
  try {
    const res = await fetch(`${base}/admin/audit.csv`, { headers: { cookie } });
    status = res.status;
    if (res.body) {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        firstByteMs ??= performance.now() - started;
        bytes += chunk.byteLength;
        for (const b of chunk) if (b === 10) lines++;
      }
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  return { status, bytes, rows: Math.max(0, lines - 1), seconds, firstByteMs, before, samples };
}

async function explain(url: string, schema: string, q: LoggedQuery): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const res = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${q.text}`, q.values);
    return res.rows.map((r) => r['QUERY PLAN']);
  } finally {
    await client.end();
  }
}

const ms = (v: number) => (v === 0 ? '<1' : String(Math.round(v)));
const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);

function printTable(rows: readonly Row[]): void {
  const header = ['page', 'alone ms', 'req/s', 'p50 ms', 'p99 ms', 'target', 'verdict', 'KiB', 'SQL', 'non-2xx', 'errors', 'CPU: portal', 'other'];
  const body = rows.map((r) => [
    `${r.label} ${r.path}`,
    ms(r.firstMs),
    r.reqPerSec.toFixed(1),
    r.total === 0 ? 'n/a' : ms(r.p50),
    r.total === 0 ? 'none done' : ms(r.p99),
    `≤ ${r.target}`,
    r.total > 0 && r.non2xx + r.errors === 0 && r.p99 <= r.target ? 'MET' : 'NOT MET',
    (r.bytes / 1024).toFixed(0),
    String(r.queries),
    String(r.non2xx),
    String(r.errors),
    pct(r.serverCpu),
    pct(r.otherCpu),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

/** Runs the agency case; false when a page answered with errors or the export failed (a missed target is reported, not an error). */
export async function runAgencyCase(settings: AgencySettings): Promise<boolean> {
  const schema = settings.reuseSchema ?? `kw_bench_${randomBytes(5).toString('hex')}`;
  const seeding = settings.reuseSchema === undefined;
  console.log(
    `Agency case: PostgreSQL schema ${schema} (${seeding ? 'fresh, seeded now' : 'reused, not seeded'}), ` +
      `${settings.connections} connections, warm-up ${settings.warmup} s + ${settings.duration} s per page`,
  );
  let ok = true;
  let child: Awaited<ReturnType<typeof startServer>>['child'] | undefined;
  try {
    const started = performance.now();
    const server = await startServer(
      'agency-portal.ts',
      { BENCH_DATABASE_URL: settings.postgresUrl, BENCH_DATABASE_SCHEMA: schema, BENCH_AGENCY_SEED: seeding ? '1' : '0' },
      [],
      900,
    );
    child = server.child;
    const { ready } = server;
    const cookies = ready.cookies ?? {};
    if (ready.seed) {
      const total = ready.seed.reduce((s, t) => s + t.seconds, 0);
      console.log(
        `seeded in ${total.toFixed(1)} s (${ready.seed.map((t) => `${t.step} ${t.seconds.toFixed(1)} s`).join(', ')}); ` +
          `portal ready after ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    const base = `http://127.0.0.1:${ready.port}`;
    const statsPort = ready.statsPort ?? 0;
    const pid = child.pid;
    const rows: Row[] = [];
    const chosen = (p: Page) => settings.only.length === 0 || settings.only.some((w) => p.label.includes(w) || p.path.includes(w));
    for (const page of pages('198112289874').filter(chosen)) rows.push(await measurePage(page, base, cookies, statsPort, pid, settings));

    const exporting = settings.only.length === 0 || settings.only.includes('csv');
    if (exporting) console.log('  full audit CSV export (all events), RSS sampled every 100 ms ...');
    const csv = exporting
      ? await measureExport(base, cookies['admin'] ?? '', pid)
      : { status: 200, bytes: 0, rows: 1_000_000, seconds: 0, firstByteMs: undefined, before: 0, samples: [0] };
    console.log('');
    printTable(rows);
    console.log('(alone: the first request, with no other load. p99 target: every page ≤ 200 ms at the connections above,');
    console.log(' the at-risk report ≤ 2 s; "none done": no request finished within the measured seconds. KiB: the page\'s');
    console.log(' size; SQL: statements one request sent (session and store reads not counted). CPU: cores busy, 100% = one');
    console.log(' core; "other" is everything but the portal and the load generator: PostgreSQL and other work.)');
    const peak = Math.max(...csv.samples);
    const growth = csv.before !== undefined ? peak - csv.before : undefined;
    console.log('');
    console.log(
      `audit CSV export: HTTP ${csv.status}, ${csv.rows} rows, ${(csv.bytes / 1048576).toFixed(1)} MiB in ${csv.seconds.toFixed(1)} s, ` +
        `first byte after ${csv.firstByteMs === undefined ? 'n/a' : `${Math.round(csv.firstByteMs)} ms`}; portal RSS before ` +
        `${csv.before === undefined ? 'n/a' : `${Math.round(csv.before / 1024)} MiB`}, peak ${Math.round(peak / 1024)} MiB ` +
        `(+${growth === undefined ? 'n/a' : Math.round(growth / 1024)} MiB), ${csv.samples.length} samples`,
    );
    const flat = growth !== undefined && growth < 64 * 1024 && csv.status === 200;
    console.log(`  memory while exporting: ${flat ? 'FLAT (MET: grew < 64 MiB)' : 'NOT MET (grew ≥ 64 MiB or failed)'}`);
    const csvComplete = csv.rows >= 1_000_000;
    if (!csvComplete) console.log(`  the export held ${csv.rows} rows, not every event (≥ 1,000,000)`);

    console.log('');
    console.log('EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of each page (first request, the app\'s parameters):');
    const explained = new Set<string>();
    for (const r of rows) {
      const q = r.heaviest;
      if (!q || explained.has(q.text)) continue;
      explained.add(q.text);
      console.log('');
      console.log(`-- ${r.label} ${r.path}: ${Math.round(q.ms)} ms on the first request`);
      console.log(`-- ${q.text.replace(/\s+/g, ' ').slice(0, 600)}`);
      try {
        for (const line of await explain(settings.postgresUrl, schema, q)) console.log(`   ${line}`);
      } catch (err) {
        console.log(`   (explain failed: ${(err as Error).message})`);
      }
    }
    const missed = rows.filter((r) => r.total === 0 || r.non2xx + r.errors > 0 || r.p99 > r.target);
    console.log('');
    console.log(`targets: ${rows.length - missed.length} of ${rows.length} pages MET; CSV memory ${flat ? 'MET' : 'NOT MET'}${csvComplete ? '' : ', export incomplete'}`);
    ok = rows.every((r) => r.non2xx + r.errors === 0) && csv.status === 200;
  } finally {
    if (child) await stopServer(child);
    if (seeding) await dropSchema(settings.postgresUrl, schema, 'agency case');
  }
  return ok;
}
