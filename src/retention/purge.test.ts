/**
 * The retention purge on SQLite and PostgreSQL: a dry run counts and changes nothing; a real
 * run removes exactly what the rules name (and a shared file content another case still
 * uses stays), audits the counts and is logged; two purges at once (PostgreSQL: two pools,
 * as two instances) remove everything once; the admin page shows rules, runs and preview.
 */
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { addCase, addContent, caseState, ensureOrganisation, monthsAgo, type FixtureCase } from '../../test/support/retention-fixture.js';
import { createDatabase } from '../platform/db/index.js';
import { createAuditLog } from '../audit/service.js';
import { createPurge, startAutomaticPurge, type Purge, type PurgeOutcome } from './purge.js';

const HEDDA = '196408231238'; // staff admin
const TESTA = '198112289874'; // a company user

for (const kind of DATABASE_KINDS) {
  describe(`retention purge (${kind.name})`, () => {
    let t: TestApp;
    let closeDb: () => Promise<void>;
    let now: Date;
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

    beforeAll(async () => {
      const opened = await kind.open();
      closeDb = () => opened.close();
      t = await startTestApp({ db: opened.db, database: opened.database, env: { KW_PURGE_BATCH_SIZE: '2' } });
      now = t.clock.now();
    });
    afterAll(async () => {
      await t.close();
      await closeDb().catch(() => undefined);
    });

    const cases: Record<string, FixtureCase> = {};
    const tableCounts = async () => {
      const db = t.services.db;
      const n = async (table: 'case_file' | 'attachment' | 'case_message' | 'message_read' | 'signature_evidence' | 'file_content' | 'audit_event') =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
      return {
        case_file: await n('case_file'),
        attachment: await n('attachment'),
        case_message: await n('case_message'),
        message_read: await n('message_read'),
        signature_evidence: await n('signature_evidence'),
        file_content: await n('file_content'),
        audit_event: await n('audit_event'),
      };
    };

    it('a dry run counts per rule what would go and changes nothing', async () => {
      const db = t.services.db;
      await ensureOrganisation(db, now);
      const list: FixtureCase[] = [
        { id: 'draft-old', status: 'draft', updated: monthsAgo(now, 7), files: ['old-draft'] },
        { id: 'draft-fresh', status: 'draft', updated: monthsAgo(now, 1), files: ['fresh-draft'] },
        // Submitted 20 years ago and never closed: still open, never removed.
        { id: 'submitted-old', status: 'submitted', updated: monthsAgo(now, 240), submitted: monthsAgo(now, 240), files: ['sub'], messages: 1, reads: 1, evidence: true },
        { id: 'progress-old', status: 'in_progress', updated: monthsAgo(now, 240), submitted: monthsAgo(now, 240), evidence: true },
        { id: 'closed-old', status: 'closed', updated: monthsAgo(now, 132), submitted: monthsAgo(now, 140), closed: monthsAgo(now, 132), files: ['closed-own', 'shared'], messages: 2, reads: 1, evidence: true },
        { id: 'closed-recent', status: 'closed', updated: monthsAgo(now, 108), submitted: monthsAgo(now, 110), closed: monthsAgo(now, 108), files: ['shared'], evidence: true },
      ];
      for (const c of list) {
        cases[c.id] = c;
        await addCase(db, c);
      }
      await addContent(db, 'orphan-old', hoursAgo(2));
      await addContent(db, 'orphan-new', hoursAgo(0.1));
      await db.insertInto('audit_event').values({ at: monthsAgo(now, 36), event: 'login', outcome: 'success', actor: TESTA, subject: 'bankid', ip: null, details: null }).execute();

      const before = await tableCounts();
      const outcome = await t.services.purge.run({ dryRun: true, trigger: 'command' });
      expect(outcome.status).toBe('done');
      const { run } = outcome as Extract<PurgeOutcome, { status: 'done' }>;
      expect(run.dryRun).toBe(true);
      expect(run.counts.drafts).toEqual({ cases: 1, attachments: 1, messages: 0, readMarkers: 0, receipts: 0, timestamps: 0, signatureEvidence: 0, fileContents: 1 });
      expect(run.counts.closedCases).toEqual({ cases: 1, attachments: 2, messages: 2, readMarkers: 1, receipts: 0, timestamps: 0, signatureEvidence: 1, fileContents: 1 });
      expect(run.counts.auditEvents).toEqual({ auditEvents: 1 });
      expect(run.counts.unreferencedFiles).toEqual({ fileContents: 1 });
      expect(await tableCounts()).toEqual(before);
      // The admin's preview is bounded per rule, and says so when there is more.
      const bounded = await t.services.purge.preview(0);
      expect(bounded.capped).toBe(true);
      expect(bounded.closedCases?.['cases']).toBe(0);
      expect((await t.services.purge.preview()).capped).toBeUndefined();
      const logged = await t.services.purge.recentRuns();
      expect(logged[0]).toMatchObject({ id: run.id, dryRun: true, trigger: 'command' });
      expect(logged[0]?.finishedAt).not.toBeNull();
    });

    it('a real run removes exactly what the rules name, audits the counts, and a second run finds nothing', async () => {
      const db = t.services.db;
      const before = await tableCounts();
      const outcome = await t.services.purge.run({ dryRun: false, trigger: 'command' });
      expect(outcome.status).toBe('done');
      const { run } = outcome as Extract<PurgeOutcome, { status: 'done' }>;
      expect(run.counts.drafts).toMatchObject({ cases: 1, attachments: 1, fileContents: 1 });
      expect(run.counts.closedCases).toEqual({ cases: 1, attachments: 2, messages: 2, readMarkers: 1, receipts: 0, timestamps: 0, signatureEvidence: 1, fileContents: 1 });
      expect(run.counts.auditEvents).toEqual({ auditEvents: 1 });
      expect(run.counts.unreferencedFiles).toEqual({ fileContents: 1 });

      expect(await caseState(db, cases['draft-old']!)).toBe('gone');
      expect(await caseState(db, cases['closed-old']!)).toBe('gone');
      for (const id of ['draft-fresh', 'submitted-old', 'progress-old', 'closed-recent']) expect(await caseState(db, cases[id]!)).toBe('whole');
      const contents = (await db.selectFrom('file_content').select('sha256').execute()).map((r) => r.sha256);
      for (const kept of ['fresh-draft', 'sub', 'shared', 'orphan-new']) expect(contents).toContain(await addContent(db, kept, now.toISOString()));
      expect(contents).toHaveLength(4);
      const after = await tableCounts();
      // Removed: the two cases, 3 attachments, 2 messages, 1 read marker, 1 evidence, 3 contents, 1 old event; added: the purge's own audit event.
      expect(after).toEqual({
        case_file: before.case_file - 2,
        attachment: before.attachment - 3,
        case_message: before.case_message - 2,
        message_read: before.message_read - 1,
        signature_evidence: before.signature_evidence - 1,
        file_content: before.file_content - 3,
        audit_event: before.audit_event - 1 + 1,
      });

      const event = await db.selectFrom('audit_event').selectAll().where('event', '=', 'retention_purge').executeTakeFirstOrThrow();
      expect(event.subject).toBe(run.id);
      const details = JSON.parse(event.details ?? '{}') as { counts: unknown; trigger: string };
      expect(details.trigger).toBe('command');
      expect(details.counts).toEqual(JSON.parse(JSON.stringify(run.counts)));
      expect(event.details).not.toContain(TESTA);

      const again = await t.services.purge.run({ dryRun: false, trigger: 'command' });
      expect(again.status === 'done' && again.run.counts.closedCases?.['cases']).toBe(0);
      expect(again.status === 'done' && again.run.counts.drafts?.['cases']).toBe(0);
    });

    it('a second purge while one holds the lease reports it and removes nothing', async () => {
      const db = t.services.db;
      await db.insertInto('purge_lease').values({ name: 'purge', owner: 'other-host:4242:x', expires_at: new Date(now.getTime() + 60_000).toISOString() }).execute();
      const outcome = await t.services.purge.run({ dryRun: false, trigger: 'command' });
      expect(outcome).toMatchObject({ status: 'busy', owner: 'other-host:4242' });
      // An expired lease (its holder was killed) is taken over.
      await db.updateTable('purge_lease').set({ expires_at: new Date(now.getTime() - 1).toISOString() }).execute();
      expect((await t.services.purge.run({ dryRun: true, trigger: 'command' })).status).toBe('done');
      expect(await db.selectFrom('purge_lease').selectAll().execute()).toEqual([]);
    });

    it('the admin page shows the rules, the last purges and a preview, in Swedish and English; others are refused', async () => {
      const admin = await t.loginAs(HEDDA);
      const sv = await t.app.inject({ url: '/admin/retention', headers: { cookie: admin.cookie } });
      expect(sv.statusCode).toBe(200);
      expect(sv.body).toContain('Bevarande och gallring');
      expect(sv.body).toContain('10 år');
      expect(sv.body).toContain('6 månader utan ändring');
      expect(sv.body).toContain('Provkörning (inget togs bort)');
      expect(sv.body).toContain('2 ärenden, 3 bilagor, 2 meddelanden');
      expect(sv.body).not.toContain('data-preview');
      const en = await t.app.inject({ url: '/admin/retention?preview=1', headers: { cookie: `${admin.cookie}; kw_lang=en` } });
      expect(en.statusCode).toBe(200);
      expect(en.body).toContain('Retention and purging');
      expect(en.body).toContain('Closed cases are kept for ten years');
      expect(en.body).toContain('What a purge would remove today, per rule');
      expect(en.body).toContain('<caption>Retention rules</caption>');
      const index = await t.app.inject({ url: '/admin', headers: { cookie: admin.cookie } });
      expect(index.body).toContain('href="/admin/retention"');

      const user = await t.loginAs(TESTA);
      expect((await t.app.inject({ url: '/admin/retention', headers: { cookie: user.cookie } })).statusCode).toBe(403);
      expect((await t.app.inject({ url: '/admin/retention' })).statusCode).toBe(401);
    });

    if (kind.name === 'postgres') {
      it('two purges started at once on two instances remove everything once, with correct totals and no errors', async () => {
        const db = t.services.db;
        const old: FixtureCase[] = [];
        for (let i = 0; i < 12; i++) {
          const c: FixtureCase = { id: `race-${i}`, status: 'closed', updated: monthsAgo(now, 150), submitted: monthsAgo(now, 150), closed: monthsAgo(now, 140), files: [`race-${i}`, 'race-shared'], messages: 1, reads: 1, evidence: true };
          old.push(c);
          await addCase(db, c);
        }
        const second = createDatabase(t.config.database);
        try {
          const other = createPurge({
            db: second,
            clock: t.clock,
            audit: createAuditLog(second, t.clock),
            cases: t.services.cases,
            store: t.services.store,
            rules: t.services.retentionRules,
            settings: { ...t.config.retention, batchSize: 2 },
            logger: t.services.logger,
          });
          const outcomes = await Promise.all([t.services.purge.run({ dryRun: false, trigger: 'command' }), other.run({ dryRun: false, trigger: 'automatic' })]);
          const done = outcomes.filter((o): o is Extract<PurgeOutcome, { status: 'done' }> => o.status === 'done');
          expect(done.length).toBeGreaterThanOrEqual(1);
          const total = (type: string) => done.reduce((n, o) => n + (o.run.counts.closedCases?.[type] ?? 0), 0);
          expect(total('cases')).toBe(12);
          expect(total('attachments')).toBe(24);
          expect(total('messages')).toBe(12);
          expect(total('readMarkers')).toBe(12);
          expect(total('signatureEvidence')).toBe(12);
          expect(total('fileContents')).toBe(13);
          for (const c of old) expect(await caseState(db, c)).toBe('gone');

          // Without the lease too (one expired under the other): each removal re-checks its
          // rule under the row locks, so two transactions over the same cases remove each once.
          const more: FixtureCase[] = [];
          for (let i = 0; i < 6; i++) {
            const c: FixtureCase = { id: `both-${i}`, status: 'closed', updated: monthsAgo(now, 150), closed: monthsAgo(now, 140), files: [`both-${i}`], messages: 1, evidence: true };
            more.push(c);
            await addCase(db, c);
          }
          const rule = { kind: 'closed' as const, before: monthsAgo(now, 120) };
          const ids = await t.services.cases.retention.expiredCaseIds(rule, 100);
          expect(ids).toHaveLength(6);
          const removeAll = (on: typeof db) =>
            on.transaction().execute(async (trx) => {
              let n = 0;
              for (const id of ids) n += (await t.services.cases.retention.removeCase(trx, id, rule))?.cases ?? 0;
              return n;
            });
          const [a, b] = await Promise.all([removeAll(db), removeAll(second)]);
          expect(a + b).toBe(6);
          for (const c of more) expect(await caseState(db, c)).toBe('gone');
        } finally {
          await second.destroy();
        }
      });
    }
  });
}

describe('the automatic purge (KW_PURGE_AUTOMATIC)', () => {
  it('is off unless configured, and then runs a real purge once a day', async () => {
    const off = await startTestApp();
    expect(off.services.automaticPurge).toBeUndefined();
    await off.close();

    vi.useFakeTimers();
    try {
      const calls: unknown[] = [];
      const purge = { run: (options: unknown) => (calls.push(options), Promise.resolve({ status: 'busy', owner: 'x', until: 'y' })) } as unknown as Purge;
      const logger = { info: () => undefined, warn: () => undefined } as unknown as Logger;
      const job = startAutomaticPurge(purge, logger);
      await vi.advanceTimersByTimeAsync(23 * 3600 * 1000);
      expect(calls).toEqual([]);
      await vi.advanceTimersByTimeAsync(3600 * 1000);
      expect(calls).toEqual([{ dryRun: false, trigger: 'automatic' }]);
      job.stop();
      await vi.advanceTimersByTimeAsync(48 * 3600 * 1000);
      expect(calls).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
