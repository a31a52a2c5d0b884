/**
 * Graceful shutdown of the real process (`src/main.ts serve`): what a load balancer and a
 * person with a request in flight see when the orchestrator sends SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../test/support/ports.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Portal {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

const started: { child: ChildProcess; dir: string }[] = [];
afterEach(() => {
  for (const { child, dir } of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

async function startPortal(env: Record<string, string>): Promise<Portal> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kw-shutdown-'));
  const port = await freePort();
  // Only what the portal needs: no DATABASE_URL or REDIS_URL from the test environment.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      KW_MODE: 'test',
      KW_HOST: '127.0.0.1',
      KW_PORT: String(port),
      KW_SQLITE_FILE: path.join(dir, 'kw.sqlite'),
      KW_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push({ child, dir });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 150; i++) {
    if ((await ready(port).catch(() => 0)) === 200) return { child, port, output: () => output, exited };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`portal did not start:\n${output}`);
}

async function ready(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
  await res.arrayBuffer();
  return res.status;
}

/** A POST whose body is only half sent: a request in flight until `finish` is called. */
function requestInFlight(port: number): { finish: () => void; response: Promise<IncomingMessage & { body: string }> } {
  const body = 'lang=en&_csrf=nothing';
  let req: ClientRequest | undefined;
  const response = new Promise<IncomingMessage & { body: string }>((resolve, reject) => {
    req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/logout',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(Object.assign(res, { body: text })));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 8));
  });
  return { finish: () => req?.end(body.slice(8)), response };
}

describe('graceful shutdown (SIGTERM)', () => {
  it('fails readiness at once, lets a request in flight finish after the listener closed, and exits 0', async () => {
    const portal = await startPortal({ KW_SHUTDOWN_DRAIN_SECONDS: '1' });
    const inFlight = requestInFlight(portal.port);
    await new Promise((r) => setTimeout(r, 100));
    portal.child.kill('SIGTERM');

    // During the drain time the instance still answers, but says it is not ready.
    await new Promise((r) => setTimeout(r, 200));
    const probe = await fetch(`http://127.0.0.1:${portal.port}/health/ready`);
    expect(probe.status).toBe(503);
    expect(await probe.json()).toMatchObject({ status: 'unavailable', checks: { accepting: { ok: false, detail: 'shutting down' } } });

    // After the drain time new connections are refused…
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await fetch(`http://127.0.0.1:${portal.port}/health/live`).then(
        () => false,
        () => true,
      );
    }
    expect(refused).toBe(true);
    // …while the request already in flight is still answered (here: refused for its
    // missing session, which shows the app handled it rather than the socket dying).
    inFlight.finish();
    const answer = await inFlight.response;
    expect(answer.statusCode).toBe(403);
    expect(await portal.exited).toBe(0);
    expect(portal.output()).toContain('shutting down: readiness fails now');
    expect(portal.output()).toContain('shut down cleanly');
  }, 30_000);

  it('a second signal exits at once without waiting for the drain', async () => {
    const portal = await startPortal({ KW_SHUTDOWN_DRAIN_SECONDS: '60' });
    portal.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const before = Date.now();
    portal.child.kill('SIGINT');
    expect(await portal.exited).toBe(1);
    expect(Date.now() - before).toBeLessThan(5_000);
    expect(portal.output()).toContain('second signal: exiting now');
  }, 30_000);
});
