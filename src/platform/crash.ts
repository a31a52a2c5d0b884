/**
 * Crash points: a test hook that kills the process (SIGKILL, no cleanup, no flush) at a
 * named step of a multi-step write, so src/crash/crash-safety.test.ts can show that a real
 * crash there leaves nothing half-done after a restart.
 *
 * Inert unless armed: only `main.ts` arms a point, from `config.crashAt` (KW_CRASH_AT),
 * which src/config.ts accepts in test and demo mode and refuses in production. Tests that
 * build the app in-process never arm one. A module-level setting rather than a dependency
 * of every service: the point is process-wide (so is SIGKILL), and threading it through
 * each factory would widen the product's interfaces for a test.
 */
import { writeSync } from 'node:fs';

/** Every step at which the process can be made to crash. */
export const CRASH_POINTS = [
  /** signing.complete: the evidence row is inserted, the purpose handler has not run. */
  'sign:after-evidence',
  /** signing.complete: the purpose handler updated the case; the transaction is not committed. */
  'sign:before-commit',
  /** signing.complete: committed; the sign request is not yet marked completed in the store. */
  'sign:after-commit',
  /** signing.complete: marked completed; nothing audited, no answer sent. */
  'sign:after-mark',
  /** login: the new session is stored; credential_seen not written, no cookie sent. */
  'login:after-session',
  /** login: credential_seen written; the login not audited, no cookie sent. */
  'login:after-credential',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export function isCrashPoint(value: string): value is CrashPoint {
  return (CRASH_POINTS as readonly string[]).includes(value);
}

let armed: CrashPoint | undefined;

/** Arms (or, with undefined, disarms) the one point at which this process will crash. */
export function armCrashPoint(point: CrashPoint | undefined): void {
  armed = point;
}

/**
 * Kills this process with SIGKILL if `point` is the armed one; otherwise does nothing.
 * The line on stderr (written synchronously) lets the test tell this crash from another.
 */
export function crashPoint(point: CrashPoint): void {
  if (armed !== point) return;
  writeSync(2, `crash point ${point}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
