/**
 * The command line as an operator uses it: real child processes, real files.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv } from '../test/support/child-env.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'kw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      env: childEnv(env),
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('command line', () => {
  it('production refuses to start with demo parts or without secrets, naming each problem', async () => {
    const result = await cli(['serve'], { KW_MODE: 'production', KW_DEMO_SEED: 'true', KW_SQLITE_FILE: path.join(dir, 'p.sqlite') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Kundwebben cannot start.');
    expect(result.stderr).toContain('KW_SESSION_SECRET is required in production');
    expect(result.stderr).toContain('KW_DEMO_SEED (demo people and organisations) is refused in production');
  });

  it('imports users from CSV, and reports a bad file line by line in the chosen language without importing', async () => {
    const env = { KW_MODE: 'test', KW_SQLITE_FILE: path.join(dir, 'import.sqlite'), KW_LOG_LEVEL: 'silent' };
    expect((await cli(['migrate'], env)).code).toBe(0);
    // Organisations come from the agency's register; the demo seed stands in for it here.
    const seed = path.join(dir, 'seed.mts');
    writeFileSync(
      seed,
      `import { loadConfig } from '${path.resolve('src/config/config.js')}';
import { createServices } from '${path.resolve('src/app.js')}';
const s = await createServices(loadConfig(process.env));
await s.accounts.upsertOrganisation({ orgnr: '5566778899', name: 'Nordvik AB' });
await s.db.destroy();`,
    );
    await run(process.execPath, ['--import', 'tsx', seed], { env: childEnv(env) });

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'name,personnummer,email,phone,orgnr,role\nA B,19121212-1213,,,5566778899,user\nC D,19121212-1212,,,5566778899,boss\n');
    const refused = await cli(['import-users', bad, '--lang=en'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Line 2: Invalid personal identity or co-ordination number: “19121212-1213”.');
    expect(refused.stderr).toContain('Line 3: Unknown role “boss”');
    expect(refused.stderr).toContain('2 errors found. Nothing was imported.');

    const good = path.join(dir, 'good.csv');
    writeFileSync(good, 'name,personnummer,email,phone,orgnr,role\nTolvan Tolvansson,19121212-1212,,,5566778899,user\n');
    const imported = await cli(['import-users', good], env);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Importen klar: 1 person och 1 koppling till organisationer.');
    // Four processes, each starting TypeScript through tsx: seconds each on a loaded machine.
  }, 90_000);

  it('rejects an unknown command', async () => {
    const result = await cli(['frobnicate'], { KW_MODE: 'test' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command');
  });
});
