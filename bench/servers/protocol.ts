/**
 * The bench's child servers announce themselves with one line on stdout:
 *   BENCH_READY {"port":1234,"cookie":"kw_session=..."}
 * and stop on SIGTERM/SIGINT or when the parent closes their stdin (the parent died).
 * While stopping, a server may report counters with one more line:
 *   BENCH_STATS {"ocspRequests":1,"ocspCacheHits":41234}
 * A server whose counters the parent reads while it runs (the BankID case) also answers
 * GET / on a second loopback port (`statsPort`) with the same kind of JSON object.
 */
import { createServer } from 'node:http';
export const READY_PREFIX = 'BENCH_READY ';
export const STATS_PREFIX = 'BENCH_STATS ';

export interface ReadyMessage {
  port: number;
  /** A `name=value` Cookie header of a logged-in session (portal only). */
  cookie?: string;
  /** The agency case's portal: a Cookie header per role (company, officer, admin), and the seed's seconds per step. */
  cookies?: Record<string, string>;
  seed?: { step: string; seconds: number }[];
  /** The card-login server only: the PEM files of the demo PKI it created. */
  card?: CardFiles;
  /** Where the server answers GET / with its current counters (see serveStats). */
  statsPort?: number;
  /** The BankID test server only: its RP API URL and the PEM files the portal needs. */
  bankid?: BankIdFiles;
  /** A portal of the load case: the port of its card-login listener (mutual TLS). */
  cardPort?: number;
  /** The load case's testbed (bench/servers/load-testbed.ts): what portals and users need. */
  testbed?: LoadTestbedFiles;
}

export interface LoadTestbedFiles {
  /** The card test PKI: issuer profiles and the card listener's TLS files. */
  card: { issuersFile: string; tlsCertPath: string; tlsKeyPath: string; tlsCaPath: string };
  /** `<dir>/<personnummer>-login.pem` and `-login.key.pem` of every card holder. */
  cardsDir: string;
  /** The BankID test server, and its test app (`http://127.0.0.1:<port>`, JSON API under /api). */
  bankid: BankIdFiles & { appUrl: string };
  /** One simulated Net iD signer per portal URL the testbed was given, in that order. */
  signerUrls: string[];
  /** The receipt's test seal (PKCS#12 and its password), as production seals every receipt. */
  seal: { p12File: string; password: string };
}

export interface BankIdFiles {
  /** `https://127.0.0.1:<port>/rp/v6.0` */
  url: string;
  /** The RP API's TLS root (the portal pins it), the portal's RP certificate and key. */
  serverCaPath: string;
  rpCertPath: string;
  rpKeyPath: string;
  /** The root of the BankID user certificates (completionData.signature). */
  userRootPath: string;
}

export interface CardFiles {
  /** The card listener's TLS server certificate and key (the bare https baseline uses them too). */
  serverCertPath: string;
  serverKeyPath: string;
  /** The CA that issued the server certificate (the client verifies the server with it). */
  serverCaPath: string;
  /** The issuer CAs the card listener advertises in its CertificateRequest (its `ca` option). */
  advertisedCaPath: string;
  /** Tolvan Tolvansson's login (legitimering) certificate and key. */
  clientCertPath: string;
  clientKeyPath: string;
}

/** Counters a server reports when it stops; numbers only. */
export type StatsMessage = Record<string, number>;

export function announce(message: ReadyMessage): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(message)}\n`);
}

/** Writes the stats line (stdout is a pipe: the write is synchronous on Linux). */
export function reportStats(stats: StatsMessage): void {
  process.stdout.write(`${STATS_PREFIX}${JSON.stringify(stats)}\n`);
}

/** Runs `close` once on SIGTERM, SIGINT or end of stdin, then exits. */
export function stopOnSignal(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('bench server: error while closing', err);
        process.exit(1);
      },
    );
  };
  // When the parent died, stdout is a broken pipe: a stats line must not crash the cleanup.
  process.stdout.on('error', () => undefined);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

/**
 * Answers GET / on a free loopback port with `stats()` as JSON (plus `atMs`, the server's
 * monotonic clock, so the parent can turn counter deltas into rates); returns the port.
 * A plain node:http server, apart from the app, so reading counters costs next to nothing.
 */
export function serveStats(stats: () => StatsMessage): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...stats(), atMs: performance.now() }));
  });
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
