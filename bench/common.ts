/**
 * What the bench's cases share: settings from the environment, the child server processes
 * (started, stopped and cleaned up here, temp directories too) and CPU readings from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { READY_PREFIX, STATS_PREFIX, type ReadyMessage, type StatsMessage } from './servers/protocol.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');

export class BenchError extends Error {}

export function intSetting(name: string, fallback: number, min: number, max: number): number {
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
/** The BENCH_STATS line a server printed while stopping (see protocol.ts). */
export const serverStats = new Map<ChildProcess, StatsMessage>();

/**
 * Starts `bench/servers/<script>` in a child Node process (`node [nodeArgs] --import tsx …`)
 * and resolves with its ready line. `nodeArgs` is for e.g. `--cpu-prof`; `readySeconds`
 * (default 60) is how long it may take to get ready (the load case's testbed issues hundreds
 * of test certificates first).
 */
export function startServer(
  script: string,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  readySeconds = 60,
): Promise<{ child: ChildProcess; ready: ReadyMessage }> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(BENCH_DIR, 'servers', script)],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new BenchError(`${script}: not ready within ${readySeconds} s`));
    }, readySeconds * 1000);
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
      if (line.startsWith(STATS_PREFIX)) {
        try {
          serverStats.set(child, JSON.parse(line.slice(STATS_PREFIX.length)) as StatsMessage);
        } catch {
          // a garbled stats line only loses a note in the report
        }
        return;
      }
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

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // 'close' comes after 'exit' once stdout is drained, so a BENCH_STATS line is read by then.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A new temporary directory (named kundwebben-bench-*), removed by cleanup(). */
export function makeTempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kundwebben-bench-'));
  tempDirs.add(dir);
  return dir;
}

export async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => stopServer(c)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// ---------------------------------------------------------------------------------------
// CPU accounting (to see whether the server or the load generator was the bottleneck)

/** User+system CPU seconds of a process from /proc (Linux); undefined elsewhere. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
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
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return Number.isFinite(busy) ? busy / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a benchmark's PostgreSQL schema; a failure is reported, not thrown (cleanup). */
export async function dropSchema(url: string, schema: string, label: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
  } catch (err) {
    console.error(`${label}: could not drop schema ${schema}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Removes a benchmark's Redis keys (in batches); a failure is reported, not thrown. */
export async function deleteKeys(url: string, prefix: string, label: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const keys = await client.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await client.del(...keys.slice(i, i + 1000));
  } catch (err) {
    console.error(`${label}: could not delete Redis keys ${prefix}*: ${(err as Error).message}`);
  } finally {
    client.disconnect();
  }
}
