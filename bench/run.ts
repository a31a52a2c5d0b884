/**
 * `npm run bench`: requests per second of
 *   (a) a bare Fastify hello-world (the baseline of this machine, this Node, this run),
 *   (b) the portal's public login page GET /login,
 *   (c) a logged-in page that reads the session: GET /start with a session cookie,
 * and the ratios (b)/(a) and (c)/(a). Target: (c)/(a) >= 0.25.
 * Card login, in handshakes per second (a new connection and a full mutual-TLS handshake
 * with Tolvan's card certificate per request):
 *   (d) a bare node:https server with the card listener's TLS settings answering "ok",
 *   (e) the card listener's GET /card/login (handshake + certificate validation + ticket),
 *       with the OCSP cache warm,
 * and the ratio (e)/(d). Target: (e)/(d) >= 0.85.
 *
 * Each server runs in its own child Node process (bench/servers/*.ts); the load generators
 * (autocannon for (a)-(c), bench/tls-load.ts for (d) and (e)) run here, in the parent,
 * against 127.0.0.1 only. The targets run one after the other, each with a warm-up that is
 * not counted: (a), (b), (c), (d), (e), then (d) and (a) again to see drift.
 * Settings (environment):
 *   BENCH_DURATION         measured seconds per target (default 8)
 *   BENCH_WARMUP           warm-up seconds per target (default 2, 0 to skip)
 *   BENCH_CONNECTIONS      concurrent keep-alive connections for (a)-(c) (default 20)
 *   BENCH_PIPELINING       requests in flight per connection for (a)-(c) (default 1)
 *   BENCH_TLS_CONCURRENCY  concurrent handshakes for (d) and (e) (default 16)
 *   BENCH_REPEAT_BASELINE  1 (default): run (d) and (a) again at the end and divide by the
 *                          faster run of each; 0: skip the repeats
 *   BENCH_CASES            all (default), web ((a)-(c)), card ((d), (e)), bankid, scale
 *                          (not in all: GET /start with sessions in SQLite, PostgreSQL and
 *                          Redis, one instance and two; bench/scale-case.ts), or load (not in
 *                          all: simulated people logging in, filing and signing cases against
 *                          one instance and two, then a data integrity check; bench/load.ts,
 *                          settings LOAD_* in bench/README.md), or agency (not in all: a large
 *                          agency seeded on PostgreSQL, every list and search page against
 *                          its target, the audit CSV export's memory; bench/agency-case.ts)
 * BankID load (bench/bankid-case.ts): N concurrent pending BankID orders, each polled once a
 * second by a simulated browser, against one portal and the BankID test server; the largest N
 * with p99 poll latency <= 50 ms and zero errors, and CPU seconds per 1,000 order-minutes.
 * Target: N >= 5 000. Its settings (BENCH_BANKID_*) are described in bench/README.md.
 *
 * Exit code 1 when a server does not start, a sanity check fails, or a measured run saw
 * errors or unexpected responses (its figures would be meaningless; in the BankID case only
 * its first, smallest step: errors at a larger N are a result). Missing a target is
 * reported, not an error: this is a measurement, not a test.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { readBankIdSettings, runBankIdCase } from './bankid-case.js';
import { readLoadSettings, runLoadCase } from './load.js';
import { readAgencySettings, runAgencyCase } from './agency-case.js';
import { readScaleSettings, runScaleCase } from './scale-case.js';
import {
  BenchError,
  cleanup,
  intSetting,
  machineBusySeconds,
  makeTempDir,
  processCpuSeconds,
  serverStats,
  startServer,
  stopServer,
} from './common.js';
import type { StatsMessage } from './servers/protocol.js';
import { percentile, runTlsLoad, tlsClient, tlsGet, type Answer, type TlsClient } from './tls-load.js';

const TARGET_RATIO = 0.25;
const TARGET_CARD_RATIO = 0.85;

// Ctrl-C: stop the child servers and remove the temp directories (common.ts) before exiting.
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
// Measuring

interface Settings {
  duration: number;
  warmup: number;
  connections: number;
  pipelining: number;
  tlsConcurrency: number;
}

interface Measurement {
  label: string;
  title: string;
  reqPerSec: number;
  /** Milliseconds; whole milliseconds from autocannon, fractions from tls-load. */
  p50: number;
  p99: number;
  total: number;
  /** Answers that are not what the row measures: non-2xx for autocannon rows; for the TLS
   * rows anything but 200 "ok" (d) or a 303 with a ticket (e), and resumed sessions. */
  unexpected: number;
  errors: number;
  timeouts: number;
  /** Answers by status code (autocannon) or by outcome (tls-load), for the warning. */
  statusCodes: string;
  serverCpu: number | undefined;
  loadgenCpu: number;
  /** Cores used by everything else on the machine during the run (other work, steal). */
  otherCpu: number | undefined;
}

type CpuReading = Pick<Measurement, 'serverCpu' | 'loadgenCpu' | 'otherCpu'>;

/** Starts measuring CPU use; the returned function gives cores busy since then. */
function cpuWindow(server: ChildProcess): () => CpuReading {
  const serverCpuBefore = processCpuSeconds(server.pid);
  const machineBefore = machineBusySeconds();
  const loadgenBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  return () => {
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
    return { serverCpu, loadgenCpu, otherCpu };
  };
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
  const cpu = cpuWindow(server);
  const result = await autocannon({ ...common, duration: settings.duration, title });
  const cpuReading = cpu();

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
    unexpected: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    ...cpuReading,
  };
  console.log(`${Math.round(m.reqPerSec)} req/s`);
  return m;
}

/**
 * Like `measure`, for full mutual-TLS handshakes: `settings.tlsConcurrency` workers, a new
 * connection per request (bench/tls-load.ts). `classify` names an answer's outcome, and
 * `expected` is the one the row means to measure; everything else counts as unexpected.
 */
async function measureTls(
  label: string,
  title: string,
  client: TlsClient,
  pathOf: () => string,
  classify: (answer: Answer) => string,
  server: ChildProcess,
  settings: Settings,
): Promise<Measurement> {
  const run = (seconds: number) =>
    runTlsLoad({ client, path: pathOf, concurrency: settings.tlsConcurrency, seconds, classify });
  if (settings.warmup > 0) {
    process.stdout.write(`  ${label} ${title}: warm-up ${settings.warmup} s ... `);
    await run(settings.warmup);
  } else {
    process.stdout.write(`  ${label} ${title}: `);
  }
  process.stdout.write(`measuring ${settings.duration} s ... `);
  const cpu = cpuWindow(server);
  const result = await run(settings.duration);
  const cpuReading = cpu();
  const statusCodes = [
    ...[...result.outcomes].map(([outcome, count]) => `${outcome}:${count}`),
    ...result.errorSamples.map((message) => `error "${message}"`),
  ].join(' ');
  const m: Measurement = {
    label,
    title,
    // Completed requests (answered or failed) over the wall time of the run, which ends
    // when the last request started before the deadline is answered.
    reqPerSec: result.total / result.seconds,
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
    total: result.total,
    unexpected: result.total - result.errors - result.expected,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    ...cpuReading,
  };
  console.log(`${Math.round(m.reqPerSec)} handshakes/s`);
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

/** Fails loudly unless a TLS answer is what the row means to measure; returns it. */
async function tlsSanityCheck(
  what: string,
  client: TlsClient,
  pathAndQuery: string,
  classify: (answer: Answer) => string,
  expected: string,
): Promise<Answer> {
  let answer: Answer;
  try {
    answer = await tlsGet(client, pathAndQuery);
  } catch (err) {
    throw new BenchError(`sanity check failed: ${what}: ${(err as Error).message}`);
  }
  if (answer.sessionReused) {
    throw new BenchError(`sanity check failed: ${what}: the TLS session was resumed, not a full handshake`);
  }
  const outcome = classify(answer);
  if (outcome !== 'expected') {
    throw new BenchError(
      `sanity check failed: ${what} answered ${answer.status}` +
        `${answer.location ? ` (Location: ${answer.location})` : ''} [${outcome}], expected ${expected}:\n` +
        answer.body.slice(0, 500),
    );
  }
  return answer;
}

/** (d): 200 "ok". */
function classifyBare(answer: Answer): string {
  return answer.status === 200 && answer.body === 'ok' ? 'expected' : String(answer.status);
}

/** (e): a 303 back to the portal with a ticket; refusals are named by their code. */
function classifyCardLogin(answer: Answer): string {
  const location = answer.location ?? '';
  if (answer.status === 303) {
    if (/\/login\/card\/return\?ticket=[A-Za-z0-9_-]{43}$/.test(location)) return 'expected';
    const refused = /\/login\/card\/failed\?code=([a-z_]+)/.exec(location);
    if (refused) return `refused_${refused[1] ?? ''}`;
    if (location.includes('m=rate_limited')) return 'rate_limited';
  }
  return `${answer.status}${location ? `_${location}` : ''}`;
}

// ---------------------------------------------------------------------------------------
// Output

/** autocannon records latency in whole milliseconds (0 means under 1 ms); tls-load records
 * fractions, shown with one decimal below 10 ms. */
const ms = (v: number) =>
  v === 0 ? '<1' : v < 10 && !Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v));
const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);

function printTable(rows: readonly Measurement[]): void {
  const header = [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'requests',
    'unexpected',
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
    String(r.unexpected),
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
  console.log(' on the machine, e.g. tests running meanwhile; it should be near 0% for trustworthy figures.');
  console.log(' (d), (e): req/s = full mutual-TLS handshakes per second, one request per new connection.');
  console.log(
    ' "unexpected": non-2xx for (a)-(c); for (d) anything but 200 "ok", for (e) anything but a 303',
  );
  console.log(' with a ticket, and any resumed TLS session.)');
}

/** The faster of a row and its repeat: the less disturbed run (other load only slows it). */
function fastest(runs: readonly Measurement[]): number {
  return Math.max(...runs.map((r) => r.reqPerSec));
}

/** Server CPU milliseconds per request, when the server's CPU was readable. */
function serverMsPerRequest(r: Measurement): string {
  return r.serverCpu === undefined || r.reqPerSec === 0
    ? 'n/a'
    : `${((r.serverCpu / r.reqPerSec) * 1000).toFixed(2)} ms`;
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const settings: Settings = {
    duration: intSetting('BENCH_DURATION', 8, 1, 600),
    warmup: intSetting('BENCH_WARMUP', 2, 0, 600),
    connections: intSetting('BENCH_CONNECTIONS', 20, 1, 10_000),
    pipelining: intSetting('BENCH_PIPELINING', 1, 1, 100),
    tlsConcurrency: intSetting('BENCH_TLS_CONCURRENCY', 16, 1, 1000),
  };
  const repeatBaseline = intSetting('BENCH_REPEAT_BASELINE', 1, 0, 1) === 1;
  const cases = (process.env['BENCH_CASES'] ?? '').trim() || 'all';
  if (!['all', 'web', 'card', 'bankid', 'scale', 'load', 'agency'].includes(cases)) {
    throw new BenchError(`BENCH_CASES must be all, web, card, bankid, scale, load or agency (got "${cases}")`);
  }
  // The load case stands alone (it needs PostgreSQL and Redis, and has its own settings).
  if (cases === 'load') {
    if (!(await runLoadCase(readLoadSettings()))) process.exitCode = 1;
    return;
  }
  const runWeb = cases === 'all' || cases === 'web';
  const runCard = cases === 'all' || cases === 'card';
  const runBankId = cases === 'all' || cases === 'bankid';
  const bankIdSettings = runBankId ? readBankIdSettings() : undefined;
  const cpus = os.cpus();
  console.log(
    `Kundwebben bench: node ${process.version}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? '?'}), ` +
      `load average ${os.loadavg()[0]?.toFixed(2) ?? '?'}; ${settings.connections} connections, ` +
      `pipelining ${settings.pipelining}, ${settings.tlsConcurrency} concurrent handshakes for (d)/(e), ` +
      `warm-up ${settings.warmup} s + ${settings.duration} s per target, loopback only`,
  );

  // The agency case stands alone (it needs PostgreSQL and seeds a large agency).
  if (cases === 'agency') {
    if (!(await runAgencyCase(readAgencySettings(settings)))) process.exitCode = 1;
    return;
  }

  // The scale case stands alone (it needs PostgreSQL and Redis).
  if (cases === 'scale') {
    if (!(await runScaleCase(readScaleSettings(settings)))) process.exitCode = 1;
    return;
  }

  const rows: Measurement[] = [];
  const baselines: Measurement[] = [];
  const tlsBaselines: Measurement[] = [];
  let cardRow: Measurement | undefined;
  let ocspStats: StatsMessage | undefined;

  // (a) baseline. The hello server stays up (idle) for the repeat at the end.
  const hello = runWeb ? await startServer('hello.ts') : undefined;
  const helloUrl = hello ? `http://127.0.0.1:${hello.ready.port}/` : '';
  if (hello) {
    await sanityCheck('(a) hello-world', helloUrl, {}, 'hello');
    baselines.push(await measure('(a)', 'bare Fastify hello-world', helloUrl, {}, hello.child, settings));
    rows.push(...baselines);

    // (b) and (c): the portal on a file-backed SQLite (WAL) in a temp directory
    const dir = makeTempDir();
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

  // (d) and (e): card login. The card server creates the test PKI (a few seconds of RSA key
  // generation) in a temp directory; the bare https server gets its TLS files.
  if (runCard) {
    const dir = makeTempDir();
    const card = await startServer('card.ts', { BENCH_SQLITE_FILE: path.join(dir, 'bench.sqlite') });
    const files = card.ready.card;
    if (files === undefined) throw new BenchError('card server announced no PKI files');
    const bare = await startServer('https-bare.ts', {
      BENCH_TLS_CERT: files.serverCertPath,
      BENCH_TLS_KEY: files.serverKeyPath,
      BENCH_TLS_CA: files.advertisedCaPath,
    });
    // Tolvan's login certificate; the server certificate is checked against the TLS CA.
    const pem = {
      cert: readFileSync(files.clientCertPath),
      key: readFileSync(files.clientKeyPath),
      ca: readFileSync(files.serverCaPath),
    };
    const bareClient = tlsClient(bare.ready.port, pem);
    const cardClient = tlsClient(card.ready.port, pem);
    const barePath = () => '/';
    // A fresh state per login, as each browser's session would have (43 base64url chars).
    const cardPath = () => `/card/login?state=${randomBytes(32).toString('base64url')}`;

    const first = await tlsSanityCheck('(d) bare https', bareClient, barePath(), classifyBare, '200 "ok"');
    console.log(
      `  (d)/(e) TLS: ${first.protocol}, client certificate of Tolvan Tolvansson (Telia, RSA 2048)`,
    );
    // The first login also asks the OCSP responder and fills the OCSP cache.
    const ticketed = 'a 303 to /login/card/return?ticket=…';
    await tlsSanityCheck('(e) card login', cardClient, cardPath(), classifyCardLogin, ticketed);

    const bareTitle = 'bare node:https, mTLS handshake';
    tlsBaselines.push(
      await measureTls('(d)', bareTitle, bareClient, barePath, classifyBare, bare.child, settings),
    );
    rows.push(...tlsBaselines);
    cardRow = await measureTls(
      '(e)',
      'GET /card/login (mTLS + validation)',
      cardClient,
      cardPath,
      classifyCardLogin,
      card.child,
      settings,
    );
    rows.push(cardRow);
    await tlsSanityCheck('(e) card login after the run', cardClient, cardPath(), classifyCardLogin, ticketed);
    await stopServer(card.child);
    ocspStats = serverStats.get(card.child);

    if (repeatBaseline) {
      const again = await measureTls(
        "(d')",
        `${bareTitle}, again`,
        bareClient,
        barePath,
        classifyBare,
        bare.child,
        settings,
      );
      tlsBaselines.push(again);
      rows.push(again);
    }
    await stopServer(bare.child);
  }

  // (a) again: shows whether the machine's speed drifted during the run.
  if (hello && repeatBaseline) {
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
  if (hello) await stopServer(hello.child);

  if (rows.length > 0) {
    console.log('');
    printTable(rows);
    console.log('');
  }
  if (runWeb) {
    const [b, c] = rows.filter((r) => r.label === '(b)' || r.label === '(c)');
    if (!b || !c || baselines.length === 0) throw new BenchError('internal: missing measurements');
    // The faster baseline run is the less disturbed one (other load only ever slows it down);
    // dividing by it also keeps the ratios on the safe (low) side.
    const baseline = fastest(baselines);
    const ratioB = b.reqPerSec / baseline;
    const ratioC = c.reqPerSec / baseline;
    if (baselines.length > 1) {
      console.log(`baseline (a) = ${baseline.toFixed(0)} req/s (the faster of (a) and (a'))`);
    }
    console.log(`(b)/(a) = ${ratioB.toFixed(3)}   login page vs bare Fastify`);
    console.log(
      `(c)/(a) = ${ratioC.toFixed(3)}   logged-in page vs bare Fastify; target >= ${TARGET_RATIO}: ` +
        (ratioC >= TARGET_RATIO ? 'MET' : 'NOT MET'),
    );
  }
  if (runCard) {
    if (!cardRow || tlsBaselines.length === 0) throw new BenchError('internal: missing card measurements');
    const baseline = fastest(tlsBaselines);
    const ratioE = cardRow.reqPerSec / baseline;
    console.log(
      `baseline (d) = ${baseline.toFixed(0)} handshakes/s` +
        `${tlsBaselines.length > 1 ? " (the faster of (d) and (d'))" : ''}; ` +
        `(e) = ${cardRow.reqPerSec.toFixed(0)} card logins/s`,
    );
    console.log(
      `(e)/(d) = ${ratioE.toFixed(3)}   card login vs bare mutual-TLS handshake; target >= ${TARGET_CARD_RATIO}: ` +
        (ratioE >= TARGET_CARD_RATIO ? 'MET' : 'NOT MET'),
    );
    console.log(
      `server CPU per request: ${tlsBaselines.map((r) => `${r.label} ${serverMsPerRequest(r)}`).join(', ')}, ` +
        `(e) ${serverMsPerRequest(cardRow)}`,
    );
    if (ocspStats) {
      const asked = ocspStats['ocspRequests'] ?? 0;
      console.log(
        `OCSP: the card server asked the responder ${asked} time(s) and answered ` +
          `${ocspStats['ocspCacheHits'] ?? 0} checks from its cache` +
          (asked > 1 ? ' (more than the one warm-up request: the cache was not warm throughout)' : ''),
      );
      const misses = ocspStats['certificateCacheMisses'];
      if (misses !== undefined) {
        console.log(
          `certificate cache: ${misses} certificate(s) parsed and their paths checked, ` +
            `${ocspStats['certificateCacheHits'] ?? 0} checks answered from the cache ` +
            '(validity, key usage, policy, plan and OCSP decided on every login)',
        );
      }
    }
  }

  const bad = rows.filter((r) => r.unexpected > 0 || r.errors > 0);
  for (const r of bad) {
    console.error(
      `WARNING: ${r.label} ${r.title} had ${r.unexpected} unexpected responses and ${r.errors} errors ` +
        `(${r.statusCodes || 'no answers'}); its figures do not measure the page.`,
    );
  }
  if (cardRow?.statusCodes.includes('rate_limited:')) {
    console.log(
      "note: (e) hit the card listener's login rate limit (100 000/min per address, the highest the " +
        'config accepts; all bench connections come from 127.0.0.1 and tls mode has no proxy header).',
    );
  }
  for (const runs of [baselines, tlsBaselines]) {
    const [first, second] = runs;
    if (
      first &&
      second &&
      Math.abs(first.reqPerSec - second.reqPerSec) / Math.max(first.reqPerSec, second.reqPerSec) > 0.15
    ) {
      console.log(
        `note: ${first.label} and ${second.label} differ by more than 15% (${first.reqPerSec.toFixed(0)} vs ` +
          `${second.reqPerSec.toFixed(0)} req/s): the machine's speed drifted; repeat on a quiet machine.`,
      );
    }
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

  // The BankID load case last: it has its own table (steps of N, not rows of req/s).
  if (bankIdSettings) {
    if (rows.length > 0) console.log('');
    if (!(await runBankIdCase(bankIdSettings))) process.exitCode = 1;
  }
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
