/**
 * The BankID load case of `npm run bench` (BENCH_CASES=bankid, and part of `all`): N
 * concurrent pending BankID orders, each polled once a second by a simulated browser
 * (bench/bankid-load.ts), against one portal instance (bench/servers/bankid-portal.ts) and
 * the BankID test server (bench/servers/bankid-test.ts), each in its own child process.
 * N steps up (250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 10000 by default); each
 * step adds browsers gradually, lets them settle, and measures BENCH_BANKID_SECONDS of
 * steady polling.
 *
 * Reported per step: N, polls/s, p50/p99/max poll latency, errors, restarts, /collect calls/s
 * seen by the test server (at most N/2: one per order per 2 s; about N/2.5 in practice), CPU of the
 * portal, the test server, the load generator and everything else; and the largest N held
 * with p99 <= 50 ms and zero errors, and CPU seconds per 1,000 order-minutes there.
 * Target: N >= 5 000.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrowserFleet, type PollWindow } from './bankid-load.js';
import {
  BenchError,
  intSetting,
  machineBusySeconds,
  makeTempDir,
  processCpuSeconds,
  serverStats,
  startServer,
  stopServer,
} from './common.js';
import type { StatsMessage } from './servers/protocol.js';
import { percentile } from './tls-load.js';

export const TARGET_BANKID_N = 5000;
export const TARGET_BANKID_P99_MS = 50;
const DEFAULT_STEPS = [250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 10000];

export interface BankIdSettings {
  steps: number[];
  seconds: number;
  settle: number;
  rampPerSecond: number;
  rampConcurrency: number;
  sockets: number;
  budgetSeconds: number;
  qrSvg: boolean;
  orderSeconds: number;
  cpuProfDir: string | undefined;
}

/** The BENCH_BANKID_* settings; throws BenchError on a bad value (read before any case runs). */
export function readBankIdSettings(): BankIdSettings {
  const rawSteps = (process.env['BENCH_BANKID_STEPS'] ?? '').trim();
  const steps = rawSteps === '' ? DEFAULT_STEPS : rawSteps.split(',').map((s) => Number(s.trim()));
  if (
    steps.some((n, i) => !Number.isInteger(n) || n < 1 || n > 50_000 || (i > 0 && n <= (steps[i - 1] ?? 0)))
  ) {
    throw new BenchError(
      `BENCH_BANKID_STEPS must be increasing integers between 1 and 50000, comma-separated (got "${rawSteps}")`,
    );
  }
  const cpuProfDir = (process.env['BENCH_BANKID_CPU_PROF'] ?? '').trim();
  return {
    steps,
    seconds: intSetting('BENCH_BANKID_SECONDS', 15, 1, 600),
    settle: intSetting('BENCH_BANKID_SETTLE', 3, 0, 60),
    rampPerSecond: intSetting('BENCH_BANKID_RAMP_PER_SEC', 250, 1, 10_000),
    rampConcurrency: intSetting('BENCH_BANKID_RAMP_CONCURRENCY', 16, 1, 1000),
    sockets: intSetting('BENCH_BANKID_SOCKETS', 256, 1, 10_000),
    budgetSeconds: intSetting('BENCH_BANKID_MAX_SECONDS', 250, 10, 3600),
    qrSvg: intSetting('BENCH_BANKID_QR_SVG', 0, 0, 1) === 1,
    orderSeconds: intSetting('BENCH_BANKID_ORDER_SECONDS', 900, 30, 3600),
    cpuProfDir: cpuProfDir === '' ? undefined : path.resolve(cpuProfDir),
  };
}

/** Current counters of a child (its stats port), with `atMs` on its own clock. */
async function childStats(port: number | undefined, what: string): Promise<StatsMessage> {
  if (port === undefined) throw new BenchError(`${what} announced no stats port`);
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as StatsMessage;
}

/** Delta of a counter per second of the child's own clock. */
function ratePerSecond(before: StatsMessage, after: StatsMessage, key: string): number | undefined {
  const a = before[key];
  const b = after[key];
  const t0 = before['atMs'];
  const t1 = after['atMs'];
  if (a === undefined || b === undefined || t0 === undefined || t1 === undefined || t1 <= t0)
    return undefined;
  return ((b - a) * 1000) / (t1 - t0);
}

interface StepRow {
  n: number;
  seconds: number;
  pollsPerSec: number;
  p50: number;
  p99: number;
  max: number;
  answered: number;
  /** Poll errors in the window plus creation failures while growing to this step. */
  errors: number;
  errorSamples: string;
  restarts: number;
  late: number;
  qrP99: number | undefined;
  collectsPerSec: number | undefined;
  authsPerSec: number | undefined;
  portalCollectsPerSec: number | undefined;
  /** Cores (1 = one core busy) during the window. */
  portalCpu: number | undefined;
  testCpu: number | undefined;
  loadgenCpu: number;
  otherCpu: number | undefined;
  /** Event loop utilisation of the portal's main thread (0..1). */
  portalElu: number | undefined;
  held: boolean;
}

/** CPU seconds per 1,000 order-minutes from cores busy with N orders pending. */
function perThousandOrderMinutes(cores: number | undefined, n: number): number | undefined {
  return cores === undefined ? undefined : (cores * 60_000) / n;
}

const fmtMs = (v: number) => (v < 10 ? v.toFixed(1) : String(Math.round(v)));
const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);
const num = (v: number | undefined, digits = 0) => (v === undefined ? 'n/a' : v.toFixed(digits));

function printBankIdTable(rows: readonly StepRow[]): void {
  const header = [
    'N',
    'polls/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'errors',
    'restarts',
    'collect/s',
    'CPU: portal',
    'test srv',
    'loadgen',
    'other',
    'portal ELU',
    'CPU-s/1000 order-min: portal',
    '+test srv',
    'held',
  ];
  const body = rows.map((r) => [
    String(r.n),
    r.pollsPerSec.toFixed(0),
    fmtMs(r.p50),
    fmtMs(r.p99),
    fmtMs(r.max),
    String(r.errors),
    String(r.restarts),
    num(r.collectsPerSec),
    pct(r.portalCpu),
    pct(r.testCpu),
    pct(r.loadgenCpu),
    pct(r.otherCpu),
    pct(r.portalElu),
    num(perThousandOrderMinutes(r.portalCpu, r.n), 1),
    num(
      perThousandOrderMinutes(
        r.portalCpu === undefined || r.testCpu === undefined ? undefined : r.portalCpu + r.testCpu,
        r.n,
      ),
      1,
    ),
    r.held ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
  console.log(
    '(N = browsers polling, each GET /bankid/status once a second; latency of the polls sent in the measured',
  );
  console.log(
    ` seconds. "held" = p99 <= ${TARGET_BANKID_P99_MS} ms and zero errors (failed polls, and failed order starts while`,
  );
  console.log(' growing to N). "restarts": orders BankID failed and the browser started again (not errors).');
  console.log(
    ' collect/s: /collect calls the test server received: at most one per order per 2 s (N/2); with a 2 s lock',
  );
  console.log(' and a poll each second the next collect comes after 2 or 3 s, so about N/2.5 is expected.');
  console.log(
    ' CPU: cores busy during the measured seconds (100% = one core); "portal ELU": how busy its event loop was.',
  );
  console.log(' CPU-s/1000 order-min: CPU seconds per 1,000 order-minutes = cores x 60 000 / N.)');
}

function summarise(
  w: PollWindow,
): Pick<StepRow, 'pollsPerSec' | 'p50' | 'p99' | 'max' | 'answered' | 'qrP99'> {
  const sorted = Float64Array.from(w.latencies).sort();
  const qr = Float64Array.from(w.qrLatencies).sort();
  return {
    pollsPerSec: w.answered / w.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? 0) : 0,
    answered: w.answered,
    qrP99: qr.length > 0 ? percentile(qr, 99) : undefined,
  };
}

/**
 * Runs the case and prints its table. Returns false when its figures mean nothing (the
 * first step already had errors); throws BenchError when a server or a sanity check fails.
 */
export async function runBankIdCase(settings: BankIdSettings): Promise<boolean> {
  const caseStart = performance.now();
  console.log(
    `BankID load: steps N = ${settings.steps.join(', ')}; each step adds browsers (at most ` +
      `${settings.rampPerSecond}/s), settles ${settings.settle} s and measures ${settings.seconds} s of polling; ` +
      `${settings.sockets} keep-alive connections; ${settings.qrSvg ? 'each poll also loads /bankid/qr.svg; ' : ''}` +
      `budget ${settings.budgetSeconds} s`,
  );

  // The test server first: it creates the BankID test PKI whose files the portal needs.
  const testDir = makeTempDir();
  const test = await startServer('bankid-test.ts', {
    BENCH_BANKID_DIR: testDir,
    BENCH_BANKID_ORDER_SECONDS: String(settings.orderSeconds),
  });
  const files = test.ready.bankid;
  if (files === undefined) throw new BenchError('the BankID test server announced no PKI files');
  const portalDir = makeTempDir();
  const portal = await startServer(
    'bankid-portal.ts',
    {
      BENCH_SQLITE_FILE: path.join(portalDir, 'bench.sqlite'),
      KW_BANKID_URL: files.url,
      KW_BANKID_CA_FILE: files.serverCaPath,
      KW_BANKID_RP_CERT_FILE: files.rpCertPath,
      KW_BANKID_RP_KEY_FILE: files.rpKeyPath,
      KW_BANKID_USER_ROOTS_FILE: files.userRootPath,
    },
    settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [],
  );
  const fleet = new BrowserFleet({
    origin: `http://127.0.0.1:${portal.ready.port}`,
    sockets: settings.sockets,
    timeoutMs: 10_000,
    qrSvg: settings.qrSvg,
  });

  const rows: StepRow[] = [];
  const notes: string[] = [];
  let firstStepBroken = false;
  try {
    try {
      const first = await fleet.sanityCheck();
      console.log(
        `  sanity: /login/bankid → /bankid/start → /bankid/wait → /bankid/status answered ` +
          `state ${String(first['state'])}, qrData ${String(first['qrData']).slice(0, 24)}…`,
      );
    } catch (err) {
      throw new BenchError(`sanity check failed: BankID flow: ${(err as Error).message}`);
    }
    const seen = await childStats(test.ready.statsPort, 'the BankID test server');
    if ((seen['auth'] ?? 0) < 1 || (seen['collect'] ?? 0) < 1) {
      throw new BenchError(
        `sanity check failed: the BankID test server saw ${seen['auth'] ?? 0} /auth and ` +
          `${seen['collect'] ?? 0} /collect calls, expected at least one of each`,
      );
    }

    let failedInARow = 0;
    for (const [index, target] of settings.steps.entries()) {
      const elapsed = (performance.now() - caseStart) / 1000;
      const growSeconds = Math.max(0, target - fleet.size) / settings.rampPerSecond;
      const needed = growSeconds + settings.settle + settings.seconds + 2;
      if (elapsed + needed > settings.budgetSeconds) {
        notes.push(
          `steps from N = ${target} skipped: they would not fit the time budget ` +
            `(BENCH_BANKID_MAX_SECONDS=${settings.budgetSeconds}, ${Math.round(elapsed)} s used)`,
        );
        break;
      }
      process.stdout.write(`  N = ${target}: adding ${target - fleet.size} browsers ... `);
      const growStart = performance.now();
      const createErrorsBefore = fleet.totals.createErrors;
      // Starting orders slows down when the portal is overloaded: growing stops in time for
      // this step's measurement to fit the budget, and the step measures the N it reached.
      await fleet.grow(target, {
        perSecond: settings.rampPerSecond,
        concurrency: settings.rampConcurrency,
        maxFailures: Math.max(20, target / 20),
        deadlineMs: caseStart + (settings.budgetSeconds - settings.settle - settings.seconds - 2) * 1000,
      });
      const createErrors = fleet.totals.createErrors - createErrorsBefore;
      process.stdout.write(
        `${((performance.now() - growStart) / 1000).toFixed(1)} s, settle ${settings.settle} s ... `,
      );
      if (fleet.size < target) {
        notes.push(
          `step N = ${target}: only ${fleet.size} browsers had started their orders when the time budget ` +
            `allowed no more growing (${createErrors} failed); measured with N = ${fleet.size}`,
        );
      }
      await sleep(settings.settle * 1000);

      process.stdout.write(`measuring ${settings.seconds} s ... `);
      const [testBefore, portalBefore] = await Promise.all([
        childStats(test.ready.statsPort, 'the BankID test server'),
        childStats(portal.ready.statsPort, 'the portal'),
      ]);
      const portalCpu0 = processCpuSeconds(portal.child.pid);
      const testCpu0 = processCpuSeconds(test.child.pid);
      const machine0 = machineBusySeconds();
      const self0 = process.cpuUsage();
      const wall0 = performance.now();
      const w = fleet.startWindow();
      await sleep(settings.seconds * 1000);
      const wall = (performance.now() - wall0) / 1000;
      const portalCpu1 = processCpuSeconds(portal.child.pid);
      const testCpu1 = processCpuSeconds(test.child.pid);
      const machine1 = machineBusySeconds();
      const self = process.cpuUsage(self0);
      const [testAfter, portalAfter] = await Promise.all([
        childStats(test.ready.statsPort, 'the BankID test server'),
        childStats(portal.ready.statsPort, 'the portal'),
      ]);
      await fleet.endWindow(w);

      const cores = (a: number | undefined, b: number | undefined) =>
        a === undefined || b === undefined ? undefined : (b - a) / wall;
      const portalCpu = cores(portalCpu0, portalCpu1);
      const testCpu = cores(testCpu0, testCpu1);
      const loadgenCpu = (self.user + self.system) / 1e6 / wall;
      const machine = cores(machine0, machine1);
      const otherCpu =
        machine === undefined || portalCpu === undefined || testCpu === undefined
          ? undefined
          : Math.max(0, machine - portalCpu - testCpu - loadgenCpu);
      const eluActive = ratePerSecond(portalBefore, portalAfter, 'eluActiveMs');
      const summary = summarise(w);
      const errors = w.errors + createErrors;
      const samples = new Map(w.errorSamples);
      if (createErrors > 0)
        samples.set(
          `order starts while growing (${[...fleet.createErrorSamples.keys()].join('; ')})`,
          createErrors,
        );
      const row: StepRow = {
        n: fleet.size,
        seconds: w.seconds,
        ...summary,
        errors,
        errorSamples: [...samples].map(([what, count]) => `${what}: ${count}`).join(', '),
        restarts: w.restarts,
        late: w.late,
        collectsPerSec: ratePerSecond(testBefore, testAfter, 'collect'),
        authsPerSec: ratePerSecond(testBefore, testAfter, 'auth'),
        portalCollectsPerSec: ratePerSecond(portalBefore, portalAfter, 'collects'),
        portalCpu,
        testCpu,
        loadgenCpu,
        otherCpu,
        portalElu: eluActive === undefined ? undefined : eluActive / 1000,
        held: summary.p99 <= TARGET_BANKID_P99_MS && errors === 0 && summary.answered > 0,
      };
      rows.push(row);
      console.log(
        `${row.pollsPerSec.toFixed(0)} polls/s, p99 ${fmtMs(row.p99)} ms, ${row.errors} errors` +
          (row.held ? '' : ' (not held)'),
      );
      if (index === 0 && row.errors > 0) {
        firstStepBroken = true;
        break;
      }
      failedInARow = row.held ? 0 : failedInARow + 1;
      if (!row.held && (row.pollsPerSec < row.n * 0.9 || row.p99 > 4 * TARGET_BANKID_P99_MS)) {
        notes.push(
          `stopped after N = ${row.n}: ${row.pollsPerSec.toFixed(0)} polls/s answered of ${row.n} offered, ` +
            `p99 ${fmtMs(row.p99)} ms: overloaded, a larger N would only queue more`,
        );
        break;
      }
      if (failedInARow >= 2) {
        notes.push(`stopped after N = ${row.n}: two steps in a row were not held`);
        break;
      }
    }
  } finally {
    await fleet.stop();
    await stopServer(portal.child);
    await stopServer(test.child);
  }

  console.log('');
  printBankIdTable(rows);
  console.log('');
  const held = rows.filter((r) => r.held);
  const best = held.reduce<StepRow | undefined>((a, r) => (a === undefined || r.n > a.n ? r : a), undefined);
  const cpuPerThousand = (r: StepRow) =>
    `portal ${num(perThousandOrderMinutes(r.portalCpu, r.n), 1)}, portal + test server ` +
    num(
      perThousandOrderMinutes(
        r.portalCpu === undefined || r.testCpu === undefined ? undefined : r.portalCpu + r.testCpu,
        r.n,
      ),
      1,
    );
  if (best) {
    console.log(
      `BankID: largest N held (p99 <= ${TARGET_BANKID_P99_MS} ms, zero errors) = ${best.n}` +
        `${best === rows[rows.length - 1] ? ' (the largest step measured)' : ''}; target N >= ${TARGET_BANKID_N}: ` +
        (best.n >= TARGET_BANKID_N ? 'MET' : 'NOT MET'),
    );
    console.log(`BankID: CPU seconds per 1,000 order-minutes at N = ${best.n}: ${cpuPerThousand(best)}`);
  } else {
    console.log(
      `BankID: no step held (p99 <= ${TARGET_BANKID_P99_MS} ms and zero errors); target N >= ${TARGET_BANKID_N}: NOT MET`,
    );
  }
  // The largest N held varies from run to run; the figure at the target N compares better.
  const atTarget = rows.find((r) => r.n === TARGET_BANKID_N);
  if (atTarget && atTarget !== best) {
    console.log(
      `BankID: CPU seconds per 1,000 order-minutes at N = ${atTarget.n} (the target): ${cpuPerThousand(atTarget)}`,
    );
  }
  const portalStats = serverStats.get(portal.child);
  const testStats = serverStats.get(test.child);
  console.log(
    `BankID: ${fleet.totals.created} orders started by browsers, ${fleet.totals.restarts} restarted after BankID ` +
      `failed them, ${fleet.totals.createErrors} starts failed; the test server saw ` +
      `${testStats?.['auth'] ?? '?'} /auth and ${testStats?.['collect'] ?? '?'} /collect calls` +
      (portalStats
        ? `; the portal's RP client made ${portalStats['rpCalls'] ?? '?'} calls, ${portalStats['rpFailures'] ?? '?'} failed; ` +
          `of its ${portalStats['polls'] ?? '?'} polls ${portalStats['fromMemory'] ?? '?'} were answered from memory (between two collects, no store)`
        : ''),
  );
  for (const note of notes) console.log(`note: ${note}`);
  for (const r of rows) {
    if (r.errors > 0) console.log(`note: N = ${r.n}: ${r.errors} errors (${r.errorSamples})`);
    if (r.qrP99 !== undefined) console.log(`note: N = ${r.n}: GET /bankid/qr.svg p99 ${fmtMs(r.qrP99)} ms`);
    // A wide band: short windows right after growing see the first collects of new orders.
    if (r.collectsPerSec !== undefined && (r.collectsPerSec > r.n * 0.6 + 5 || r.collectsPerSec < r.n / 4)) {
      console.log(
        `note: N = ${r.n}: the test server saw ${r.collectsPerSec.toFixed(0)} /collect calls/s, far from the ` +
          `expected N/3 .. N/2 (${Math.round(r.n / 3)} .. ${Math.round(r.n / 2)})`,
      );
    }
    if ((r.otherCpu ?? 0) > 0.25) {
      console.log(
        `note: other processes used ${pct(r.otherCpu)} of a core during N = ${r.n}; the machine was busy ` +
          '(tests running?), its figures are pessimistic.',
      );
    }
    if (r.late > r.answered * 0.01) {
      console.log(
        `note: N = ${r.n}: ${r.late} polls went out more than 50 ms after they were due (answers came late, ` +
          'or the load generator was busy)',
      );
    }
  }
  if ((portalStats?.['rpRejectedByBreaker'] ?? 0) > 0) {
    console.log(
      `note: the portal's circuit breaker to BankID opened (${portalStats?.['rpRejectedByBreaker']} calls refused)`,
    );
  }
  if (settings.cpuProfDir)
    console.log(`The portal's CPU profile is in ${settings.cpuProfDir} (see bench/README.md).`);
  if (firstStepBroken) {
    console.error(
      `WARNING: the first step (N = ${rows[0]?.n ?? '?'}) already had errors (${rows[0]?.errorSamples ?? ''}); ` +
        'the figures do not measure BankID polling.',
    );
    return false;
  }
  return true;
}
