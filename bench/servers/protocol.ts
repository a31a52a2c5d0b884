/**
 * The bench's child servers announce themselves with one line on stdout:
 *   BENCH_READY {"port":1234,"cookie":"kw_session=..."}
 * and stop on SIGTERM/SIGINT or when the parent closes their stdin (the parent died).
 */
export const READY_PREFIX = 'BENCH_READY ';

export interface ReadyMessage {
  port: number;
  /** A `name=value` Cookie header of a logged-in session (portal only). */
  cookie?: string;
}

export function announce(message: ReadyMessage): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(message)}\n`);
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
