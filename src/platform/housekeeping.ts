/**
 * Housekeeping: what would otherwise grow without bound is removed on a timer. Expired rows
 * of the SQL TTL store (sessions, BankID orders, tickets, counters; Redis expires its own)
 * and file contents no attachment refers to any more. Every instance may run it: each step
 * is one idempotent delete. A failing run is logged and the next one tries again.
 */
import type { Logger } from 'pino';

export interface HousekeepingStep {
  readonly name: string;
  run(): Promise<number>;
}

export interface Housekeeping {
  /** Runs every step once; returns what each removed (a failed step counts as 0 and is logged). */
  runOnce(): Promise<Record<string, number>>;
  stop(): void;
}

export function startHousekeeping(deps: { steps: readonly HousekeepingStep[]; intervalSeconds: number; logger: Logger }): Housekeeping {
  const { steps, logger } = deps;
  let running: Promise<Record<string, number>> | undefined;
  const runOnce = (): Promise<Record<string, number>> => {
    // One run at a time: a slow database must not pile runs up behind each other.
    running ??= (async () => {
      const removed: Record<string, number> = {};
      for (const step of steps) {
        try {
          removed[step.name] = await step.run();
        } catch (err) {
          removed[step.name] = 0;
          logger.warn({ err: err instanceof Error ? err.message : String(err), step: step.name }, 'housekeeping step failed');
        }
      }
      if (Object.values(removed).some((n) => n > 0)) logger.info({ removed }, 'housekeeping');
      return removed;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void runOnce(), deps.intervalSeconds * 1000);
  timer.unref();
  return {
    runOnce,
    stop: () => clearInterval(timer),
  };
}
