/**
 * The production build as an operator gets it (`npm run build`, the Dockerfile): dist/ holds
 * the product and nothing of the test servers, the demo or the test support, and the built
 * `dist/src/main.js serve` starts in production mode and answers its health checks.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanOf } from '../devtools/test-pki/crypto.js';
import { createTestSeal } from '../devtools/test-pki/seal.js';
import { createTestTsa } from '../devtools/test-tsa/index.js';
import { toPem } from '../devtools/test-pki/crypto.js';
import { childEnv } from '../test/support/child-env.js';
import { systemClock } from './platform/clock.js';
import { freePort } from '../test/support/ports.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DIST = path.join(ROOT, 'dist');
const dir = mkdtempSync(path.join(tmpdir(), 'kw-build-'));
const SEAL_PASSWORD = 'build-test-seal';

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const full = path.join(d, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

beforeAll(async () => {
  rmSync(DIST, { recursive: true, force: true });
  await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, timeout: 240_000 });
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the production build', () => {
  it('holds src/ only: no devtools, no test support, no tests, and no built file imports them or vitest', () => {
    const files = filesUnder(DIST).map((f) => path.relative(DIST, f));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !f.startsWith(`src${path.sep}`))).toEqual([]);
    expect(files.filter((f) => /\.test\.|fixture|route-table|devtools|test-pki|bankid-test-server|netid/.test(f))).toEqual([]);
    const imports = files
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => {
        const text = readFileSync(path.join(DIST, f), 'utf8');
        return [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => ({ file: f, spec: m[1] ?? '' }));
      });
    expect(imports.length).toBeGreaterThan(100);
    const forbidden = imports.filter(({ spec }) => /devtools|(^|\/)test\/|vitest|playwright/.test(spec));
    expect(forbidden).toEqual([]);
  });

  it('starts from dist/src/main.js in production mode and answers /health/live and /health/ready; the demo command says it runs from source', async () => {
    const port = await freePort();
    // A seal is required in production; a test one, under a path production does not refuse.
    const sealFile = path.join(dir, 'agency-seal.p12');
    const seal = await createTestSeal({ organisation: 'Inspektionen för strategiska produkter', organisationIdentifier: 'NTRSE-2021005018' }, spanOf(systemClock), SEAL_PASSWORD);
    writeFileSync(sealFile, seal.p12);
    // Production requires a TSA: a root to trust (no token is asked for without a signature).
    const tsaRoots = path.join(dir, 'tsa-roots.pem');
    writeFileSync(tsaRoots, toPem((await createTestTsa()).root.der, 'CERTIFICATE'));
    const child = spawn(process.execPath, [path.join(DIST, 'src', 'main.js'), 'serve'], {
      cwd: ROOT,
      env: childEnv({
        KW_MODE: 'production',
        KW_SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
        KW_PUBLIC_URL: 'https://kundwebben.example',
        KW_HOST: '127.0.0.1',
        KW_PORT: String(port),
        KW_CARD_PORT: '0',
        KW_SQLITE_FILE: path.join(dir, 'production.sqlite'),
        KW_TSA_URL: 'https://tsa.example.se/tsa',
        KW_TSA_CA_FILE: tsaRoots,
        KW_LOG_LEVEL: 'warn',
        KW_SHUTDOWN_DRAIN_SECONDS: '0',
        KW_SEAL_P12_FILE: sealFile,
        KW_SEAL_P12_PASSWORD: SEAL_PASSWORD,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let live: Response | undefined;
      for (let i = 0; i < 100 && !live; i++) {
        live = await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined);
        if (!live) await new Promise((r) => setTimeout(r, 200));
      }
      expect(live?.status, output).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status, output).toBe(200);
      expect(((await ready.json()) as { status: string }).status).toBe('ready');
      // Production pages carry no demo marking.
      const login = await fetch(`http://127.0.0.1:${port}/login`);
      expect(await login.text()).not.toContain('demo-banner');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const demo = await run(process.execPath, [path.join(DIST, 'src', 'main.js'), 'demo'], { cwd: ROOT, env: childEnv({}) }).catch((err: unknown) => err as { code: number; stderr: string });
    expect((demo as { code: number }).code).toBe(2);
    expect((demo as { stderr: string }).stderr).toContain('npm start');
  }, 60_000);
});
