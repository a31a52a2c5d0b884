/**
 * Crash points: a test hook that kills the process (SIGKILL, no cleanup, no flush) at a
 * named step of a multi-step write, so src/crash/crash-safety.test.ts can show that a real
 * crash there leaves nothing half-done after a restart.
 *
 * Inert unless armed: only `main.ts` arms a point, from `config.crashAt` (KW_CRASH_AT),
 * which src/config/config.ts accepts in test and demo mode and refuses in production. Tests that
 * build the app in-process never arm one. A module-level setting rather than a dependency
 * of every service: the point is process-wide (so is SIGKILL), and threading it through
 * each factory would widen the product's interfaces for a test.
 */
import { writeSync } from 'node:fs';
import type { CrashPoint } from '../config/crash-points.js';

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
