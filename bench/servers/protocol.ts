/**
 * The bench's child servers announce themselves with one line on stdout:
 *   BENCH_READY {"port":1234,"cookie":"kw_session=..."}
 * and stop on SIGTERM/SIGINT or when the parent closes their stdin (the parent died).
 * While stopping, a server may report counters with one more line:
 *   BENCH_STATS {"ocspRequests":1,"ocspCacheHits":41234}
 */
export const READY_PREFIX = 'BENCH_READY ';
export const STATS_PREFIX = 'BENCH_STATS ';

export interface ReadyMessage {
  port: number;
  /** A `name=value` Cookie header of a logged-in session (portal only). */
  cookie?: string;
  /** The card-login server only: the PEM files of the demo PKI it created. */
  card?: CardFiles;
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
