/**
 * The purge killed half-way (SIGKILL, a crash point of src/config/crash-points.ts) leaves no
 * case half-removed, and the next run finishes the job. The purge runs as an operator runs
 * it, `src/main.ts purge` in a child process, on a SQLite file: first killed inside a batch's
 * transaction (nothing of that batch is removed), then after its first batch (that batch is
 * wholly removed, the rest wholly kept), then to the end.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../../test/support/child-env.js';
import { addCase, caseState, ensureOrganisation, monthsAgo, type FixtureCase } from '../../test/support/retention-fixture.js';
import { createDatabase, migrateToLatest, type Db } from '../platform/db/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'kw-purge-crash-'));
const database = { kind: 'sqlite' as const, file: path.join(dir, 'kw.sqlite') };
/** The lease of a killed purge lapses after a second: the next run may take it. */
const env = { KW_MODE: 'test', KW_SQLITE_FILE: database.file, KW_LOG_LEVEL: 'silent', KW_PURGE_BATCH_SIZE: '4', KW_PURGE_LEASE_SECONDS: '1' };

async function purge(extra: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'purge', '--lang=en'], { env: childEnv({ ...env, ...extra }), timeout: 60_000 });
    return { code: 0, signal: null, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | null; signal: string | null; stdout: string; stderr: string };
    return { code: e.code, signal: e.signal, stdout: e.stdout, stderr: e.stderr };
  }
}

const leaseLapses = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('a purge killed half-way', () => {
  let db: Db;
  const cases: FixtureCase[] = [];

  beforeAll(async () => {
    db = createDatabase(database);
    await migrateToLatest(db, database);
    const now = new Date();
    await ensureOrganisation(db, now);
    for (let i = 0; i < 10; i++) {
      const c: FixtureCase = {
        id: `old-${String(i).padStart(2, '0')}`,
        status: 'closed',
        updated: monthsAgo(now, 150),
        submitted: monthsAgo(now, 150),
        closed: monthsAgo(now, 140 - i),
        files: [`own-${i}`, 'shared'],
        messages: 2,
        reads: 1,
        evidence: true,
      };
      cases.push(c);
      await addCase(db, c);
    }
  }, 60_000);
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const states = async () => Promise.all(cases.map((c) => caseState(db, c)));

  it('inside a batch: nothing of it is removed', async () => {
    const killed = await purge({ KW_CRASH_AT: 'purge:mid-batch' });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toContain('crash point purge:mid-batch');
    expect(await states()).toEqual(cases.map(() => 'whole'));
  }, 60_000);

  it('after its first batch: that batch is wholly gone, the rest wholly kept', async () => {
    await leaseLapses();
    const killed = await purge({ KW_CRASH_AT: 'purge:after-batch' });
    expect(killed.signal).toBe('SIGKILL');
    const after = await states();
    expect(after.slice(0, 4)).toEqual(['gone', 'gone', 'gone', 'gone']);
    expect(after.slice(4)).toEqual(cases.slice(4).map(() => 'whole'));
    // The shared content stays while a kept case refers to it.
    expect((await db.selectFrom('file_content').select('sha256').execute()).length).toBe(6 + 1);
    // The killed run's log row counts what its committed batch removed.
    const runs = await db.selectFrom('purge_run').selectAll().orderBy('started_at').execute();
    expect(runs.map((r) => r.finished_at)).toEqual([null, null]);
    expect(JSON.parse(runs[1]?.counts ?? '{}')).toMatchObject({ closedCases: { cases: 4, attachments: 8 } });
  }, 60_000);

  it('the next run finishes the job', async () => {
    // While another instance holds the lease, that is reported (exit 0) and nothing is removed.
    await leaseLapses();
    await db.deleteFrom('purge_lease').execute();
    await db.insertInto('purge_lease').values({ name: 'purge', owner: 'other-host:4242:x', expires_at: new Date(Date.now() + 60_000).toISOString() }).execute();
    const busy = await purge();
    expect(busy.code).toBe(0);
    expect(busy.stdout).toContain('Another purge is running (other-host:4242');
    expect((await states()).slice(4)).toEqual(cases.slice(4).map(() => 'whole'));
    await db.deleteFrom('purge_lease').execute();
    const done = await purge();
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('The purge is done');
    expect(done.stdout).toContain('Closed cases: 6 cases, 12 attachments, 12 messages, 6 read markers, 6 signatures, 7 file contents');
    expect(await states()).toEqual(cases.map(() => 'gone'));
    expect(await db.selectFrom('file_content').select('sha256').execute()).toEqual([]);
    const audited = await db.selectFrom('audit_event').select('details').where('event', '=', 'retention_purge').execute();
    expect(audited).toHaveLength(1);
  }, 60_000);
});
