/**
 * The BankID RP API v6.0 test server (devtools/bankid-test-server) for the BankID load case,
 * in its own process so its CPU is measured apart from the portal's. It creates the BankID
 * test PKI in BENCH_BANKID_DIR (a temp directory the parent creates and removes) with the
 * system clock, and listens on 127.0.0.1 (mutual TLS, real certificates).
 *
 * Order timings: BankID fails an order nobody scans with `startFailed` after 30 s. The bench
 * keeps its orders pending for minutes, so the start window and lifetime are
 * BENCH_BANKID_ORDER_SECONDS (default 900) here; the parent still re-creates an order that
 * fails, and counts that apart from errors.
 *
 * Counters: the RP API requests it received, by endpoint (from Node's
 * `http.server.request.start` diagnostics channel, so nothing in the server is changed),
 * and the orders it holds; served on `statsPort` and reported on stop.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ensureBankIdTestPki, startBankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { systemClock } from '../../src/platform/clock.js';
import { announce, reportStats, serveStats, stopOnSignal } from './protocol.js';

const dir = process.env['BENCH_BANKID_DIR'];
if (dir === undefined || dir === '') throw new Error('bankid test server: BENCH_BANKID_DIR is not set');
const orderSeconds = Number(process.env['BENCH_BANKID_ORDER_SECONDS'] ?? '900');
if (!Number.isInteger(orderSeconds) || orderSeconds < 30) {
  throw new Error('bankid test server: BENCH_BANKID_ORDER_SECONDS must be an integer >= 30');
}

const people = [{ personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' }] as const;

const counts = { auth: 0, collect: 0, cancel: 0, other: 0 };
subscribe('http.server.request.start', (message) => {
  const url = (message as { request: IncomingMessage }).request.url ?? '';
  if (url.endsWith('/collect')) counts.collect++;
  else if (url.endsWith('/auth')) counts.auth++;
  else if (url.endsWith('/cancel')) counts.cancel++;
  else counts.other++;
});

const demo = await ensureBankIdTestPki(path.join(dir, 'pki'), { clock: systemClock, people });
const server = await startBankIdTestServer({
  pki: demo.pki,
  people,
  clock: systemClock,
  timings: {
    startTimeoutMs: orderSeconds * 1000,
    lifetimeMs: orderSeconds * 1000,
    unstartedRetentionMs: orderSeconds * 1000 + 10_000,
  },
});

const stats = () => ({ ...counts, orders: server.orderCount() });
const statsPort = await serveStats(stats);
stopOnSignal(async () => {
  reportStats(stats());
  await server.close();
  // Also when the parent died without cleaning up: remove our own temp directory.
  if (path.basename(dir).startsWith('kundwebben-bench-')) rmSync(dir, { recursive: true, force: true });
});
announce({
  port: Number(new URL(server.url).port),
  statsPort,
  bankid: {
    url: server.url,
    serverCaPath: demo.files.serverCaPath,
    rpCertPath: demo.files.rpCertPath,
    rpKeyPath: demo.files.rpKeyPath,
    userRootPath: demo.files.userRootPath,
  },
});
