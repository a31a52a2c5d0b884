/**
 * `npm run bench`: requests per second of
 *   (a) a bare Fastify hello-world (the baseline of this machine, this Node, this run),
 *   (b) the portal's public login page GET /login,
 *   (c) a logged-in page that reads the session: GET /start with a session cookie,
 * and the ratios (b)/(a) and (c)/(a). Target: (c)/(a) >= 0.25.
 *
 * Each server runs in its own child Node process (bench/servers/*.ts); autocannon runs
 * here, in the parent, against 127.0.0.1 only. The targets run one after the other, each
 * with a warm-up that is not counted: (a), (b), (c), then (a) again to see drift.
 * Settings (environment):
 *   BENCH_DURATION         measured seconds per target (default 8)
 *   BENCH_WARMUP           warm-up seconds per target (default 2, 0 to skip)
 *   BENCH_CONNECTIONS      concurrent connections (default 20)
 *   BENCH_PIPELINING       requests in flight per connection (default 1)
 *   BENCH_REPEAT_BASELINE  1 (default): run (a) again at the end and divide by the faster
 *                          of both runs; 0: skip the repeat
 *
 * Exit code 1 when a server does not start, a sanity check fails, or a measured run saw
 * errors or non-2xx responses (its figures would be meaningless). Missing the target is
 * reported, not an error: this is a measurement, not a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { READY_PREFIX, type ReadyMessage } from './servers/protocol.js';

const TARGET_RATIO = 0.25;
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');

class BenchError extends Error {}

function intSetting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BenchError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Child servers and cleanup

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function startServer(
  script: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; ready: ReadyMessage }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'servers', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new BenchError(`${script}: not ready within 60 s`));
    }, 60_000);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(
        new BenchError(
          `${script}: exited before it was ready (code ${code ?? '-'}, signal ${signal ?? '-'}); see its stderr above`,
        ),
      );
    };
    child.once('exit', onExit);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith(READY_PREFIX)) return; // anything else the server prints is ignored
      clearTimeout(timer);
      child.off('exit', onExit);
      try {
        resolve({ child, ready: JSON.parse(line.slice(READY_PREFIX.length)) as ReadyMessage });
      } catch (err) {
        reject(new BenchError(`${script}: unreadable ready line: ${(err as Error).message}`));
      }
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => stopServer(c)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nbench: ${signal}, stopping servers and removing temp files`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------
// CPU accounting (to see whether the server or the load generator was the bottleneck)

/** User+system CPU seconds of a process from /proc (Linux); undefined elsewhere. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return (utime + stime) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine spent busy (all cores, incl. steal) from /proc/stat. */
function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return Number.isFinite(busy) ? busy / 100 : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Measuring

interface Settings {
  duration: number;
  warmup: number;
  connections: number;
  pipelining: number;
}

interface Measurement {
  label: string;
  title: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: string;
  serverCpu: number | undefined;
  loadgenCpu: number;
  /** Cores used by everything else on the machine during the run (other work, steal). */
  otherCpu: number | undefined;
}

async function measure(
  label: string,
  title: string,
  url: string,
  headers: Record<string, string>,
  server: ChildProcess,
  settings: Settings,
  options: { distinctClientPerConnection?: boolean } = {},
): Promise<Measurement> {
  let clients = 0;
  const common: autocannon.Options = {
    url,
    headers,
    connections: settings.connections,
    pipelining: settings.pipelining,
    timeout: 10,
  };
  if (options.distinctClientPerConnection) {
    // Each connection poses as its own client address (X-Forwarded-For from the trusted
    // loopback proxy), as real visitors would be, so the per-address login rate limit
    // (at most 100 000/min) is not what the figure measures.
    common.setupClient = (client) => {
      clients += 1;
      client.setHeaders({
        ...headers,
        'x-forwarded-for': `10.77.${Math.floor(clients / 250) % 250}.${(clients % 250) + 1}`,
      });
    };
  }
  if (settings.warmup > 0) {
    process.stdout.write(`  ${label} ${title}: warm-up ${settings.warmup} s ... `);
    await autocannon({ ...common, duration: settings.warmup });
  } else {
    process.stdout.write(`  ${label} ${title}: `);
  }
  process.stdout.write(`measuring ${settings.duration} s ... `);
  const serverCpuBefore = processCpuSeconds(server.pid);
  const machineBefore = machineBusySeconds();
  const loadgenBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const result = await autocannon({ ...common, duration: settings.duration, title });
  const wall = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const loadgen = process.cpuUsage(loadgenBefore);
  const serverCpuAfter = processCpuSeconds(server.pid);
  const machineAfter = machineBusySeconds();
  const serverCpu =
    serverCpuBefore !== undefined && serverCpuAfter !== undefined
      ? (serverCpuAfter - serverCpuBefore) / wall
      : undefined;
  const loadgenCpu = (loadgen.user + loadgen.system) / 1e6 / wall;
  const otherCpu =
    serverCpu !== undefined && machineBefore !== undefined && machineAfter !== undefined
      ? Math.max(0, (machineAfter - machineBefore) / wall - serverCpu - loadgenCpu)
      : undefined;

  const statusCodes = Object.entries(result.statusCodeStats)
    .map(([code, s]) => `${code}:${s.count}`)
    .join(' ');
  const m: Measurement = {
    label,
    title,
    // Completed requests over the measured time (autocannon's per-second average agrees
    // to within sampling noise).
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    serverCpu,
    loadgenCpu,
    otherCpu,
  };
  console.log(`${Math.round(m.reqPerSec)} req/s`);
  return m;
}

async function fetchText(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

/** Fails loudly unless the page is what we mean to measure (not an error or login page). */
async function sanityCheck(
  what: string,
  url: string,
  headers: Record<string, string>,
  mustContain: string,
): Promise<void> {
  const { status, body } = await fetchText(url, headers);
  if (status !== 200) {
    throw new BenchError(
      `sanity check failed: ${what} ${url} answered ${status}, expected 200:\n${body.slice(0, 500)}`,
    );
  }
  if (!body.includes(mustContain)) {
    throw new BenchError(
      `sanity check failed: ${what} ${url} answered 200 but the body lacks "${mustContain}":\n${body.slice(0, 500)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// Output

/** autocannon records latency in whole milliseconds; 0 means under 1 ms. */
const ms = (v: number) => (v === 0 ? '<1' : String(Math.round(v)));
const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);

function printTable(rows: readonly Measurement[]): void {
  const header = [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'requests',
    'non-2xx',
    'errors',
    'CPU: server',
    'loadgen',
    'other',
  ];
  const body = rows.map((r) => [
    `${r.label} ${r.title}`,
    r.reqPerSec.toFixed(0),
    ms(r.p50),
    ms(r.p99),
    String(r.total),
    String(r.non2xx),
    r.timeouts > 0 ? `${r.errors} (${r.timeouts} timeouts)` : String(r.errors),
    pct(r.serverCpu),
    pct(r.loadgenCpu),
    pct(r.otherCpu),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
  console.log(
    '(CPU columns: cores busy during the measured seconds; 100% = one core. "other" = everything else',
  );
  console.log(
    ' on the machine, e.g. tests running meanwhile; it should be near 0% for trustworthy figures.)',
  );
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const settings: Settings = {
    duration: intSetting('BENCH_DURATION', 8, 1, 600),
    warmup: intSetting('BENCH_WARMUP', 2, 0, 600),
    connections: intSetting('BENCH_CONNECTIONS', 20, 1, 10_000),
    pipelining: intSetting('BENCH_PIPELINING', 1, 1, 100),
  };
  const repeatBaseline = intSetting('BENCH_REPEAT_BASELINE', 1, 0, 1) === 1;
  const cpus = os.cpus();
  console.log(
    `Kundwebben bench: node ${process.version}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? '?'}), ` +
      `load average ${os.loadavg()[0]?.toFixed(2) ?? '?'}; ${settings.connections} connections, ` +
      `pipelining ${settings.pipelining}, warm-up ${settings.warmup} s + ${settings.duration} s per target, ` +
      'loopback only',
  );

  const rows: Measurement[] = [];
  const baselines: Measurement[] = [];

  // (a) baseline. The hello server stays up (idle) for the repeat at the end.
  const hello = await startServer('hello.ts');
  const helloUrl = `http://127.0.0.1:${hello.ready.port}/`;
  await sanityCheck('(a) hello-world', helloUrl, {}, 'hello');
  baselines.push(await measure('(a)', 'bare Fastify hello-world', helloUrl, {}, hello.child, settings));
  rows.push(...baselines);

  // (b) and (c): the portal on a file-backed SQLite (WAL) in a temp directory
  {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kundwebben-bench-'));
    tempDirs.add(dir);
    const { child, ready } = await startServer('portal.ts', {
      BENCH_SQLITE_FILE: path.join(dir, 'bench.sqlite'),
    });
    if (ready.cookie === undefined) throw new BenchError('portal server announced no session cookie');
    const base = `http://127.0.0.1:${ready.port}`;
    const session = { cookie: ready.cookie };

    await sanityCheck('(b) login page', `${base}/login`, {}, 'data-method="telia_card"');
    await sanityCheck('(c) start page', `${base}/start`, session, 'Tolvan');
    rows.push(
      await measure('(b)', 'GET /login', `${base}/login`, {}, child, settings, {
        distinctClientPerConnection: true,
      }),
    );
    rows.push(await measure('(c)', 'GET /start (session)', `${base}/start`, session, child, settings));
    // The session must have stayed valid throughout (e.g. no idle expiry mid-run).
    await sanityCheck('(c) start page after the run', `${base}/start`, session, 'Tolvan');
    await stopServer(child);
  }

  // (a) again: shows whether the machine's speed drifted during the run.
  if (repeatBaseline) {
    const again = await measure(
      "(a')",
      'bare Fastify hello-world, again',
      helloUrl,
      {},
      hello.child,
      settings,
    );
    baselines.push(again);
    rows.push(again);
  }
  await stopServer(hello.child);

  console.log('');
  printTable(rows);
  const [b, c] = rows.filter((r) => r.label === '(b)' || r.label === '(c)');
  if (!b || !c || baselines.length === 0) throw new BenchError('internal: missing measurements');
  // The faster baseline run is the less disturbed one (other load only ever slows it down);
  // dividing by it also keeps the ratios on the safe (low) side.
  const baseline = Math.max(...baselines.map((r) => r.reqPerSec));
  const ratioB = b.reqPerSec / baseline;
  const ratioC = c.reqPerSec / baseline;
  console.log('');
  if (baselines.length > 1) {
    console.log(`baseline (a) = ${baseline.toFixed(0)} req/s (the faster of (a) and (a'))`);
  }
  console.log(`(b)/(a) = ${ratioB.toFixed(3)}   login page vs bare Fastify`);
  console.log(
    `(c)/(a) = ${ratioC.toFixed(3)}   logged-in page vs bare Fastify; target >= ${TARGET_RATIO}: ` +
      (ratioC >= TARGET_RATIO ? 'MET' : 'NOT MET'),
  );

  const bad = rows.filter((r) => r.non2xx > 0 || r.errors > 0);
  for (const r of bad) {
    console.error(
      `WARNING: ${r.label} ${r.title} had ${r.non2xx} non-2xx responses and ${r.errors} errors ` +
        `(status codes: ${r.statusCodes || 'none'}); its figures do not measure the page.`,
    );
  }
  const [first, second] = baselines;
  if (
    first &&
    second &&
    Math.abs(first.reqPerSec - second.reqPerSec) / Math.max(first.reqPerSec, second.reqPerSec) > 0.15
  ) {
    console.log(
      `note: the two baseline runs differ by more than 15% (${first.reqPerSec.toFixed(0)} vs ` +
        `${second.reqPerSec.toFixed(0)} req/s): the machine's speed drifted; repeat on a quiet machine.`,
    );
  }
  for (const r of rows.filter((row) => (row.otherCpu ?? 0) > 0.25)) {
    console.log(
      `note: other processes used ${pct(r.otherCpu)} of a core during ${r.label}; the machine was busy ` +
        '(tests running?), its figures are low.',
    );
  }
  for (const r of rows.filter((row) => row.loadgenCpu > 0.9)) {
    console.log(
      `note: the load generator used ${pct(r.loadgenCpu)} of a core during ${r.label}; ` +
        'that figure may be limited by the client, not the server.',
    );
  }
  if (bad.length > 0) process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  console.error(
    `\nbench failed: ${err instanceof BenchError ? err.message : ((err as Error).stack ?? String(err))}`,
  );
} finally {
  await cleanup();
}
