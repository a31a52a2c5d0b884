/**
 * The purge: removes what the retention rules name, and nothing else.
 *
 * - One purge at a time across instances: a lease row (`purge_lease`) with an owner and an
 *   expiry, taken by one conditional insert-or-update (only if free or expired) and renewed
 *   before every batch. A second purge that finds it held reports "another purge is running"
 *   and ends (exit 0); a purge killed while holding it blocks the next for at most the lease.
 * - SIGKILL-safe: cases are removed in bounded batches, each one transaction that removes
 *   every case of the batch with what hangs off it (cases/retention.ts `removeCase`) and adds
 *   the batch's counts to its `purge_run` row. A kill leaves whole batches done, none half;
 *   the next run finds what is left and continues.
 * - Every removal re-checks its rule in the statement's transaction, so even two purges
 *   without the lease (one expired under the other) would remove each thing once.
 * - A dry run computes the same counts and removes nothing; it is logged in `purge_run` too.
 * - The end of a real run is audited (`retention_purge`: counts per rule and type).
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/service.js';
import type { Cases } from '../cases/service.js';
import { emptyRemoval, type CaseRemoval, type CaseRule } from '../cases/retention.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../platform/clock.js';
import { crashPoint } from '../platform/crash.js';
import type { Db } from '../platform/db/index.js';
import { timeOrderedId } from '../platform/ids.js';
import type { TtlStore } from '../platform/store/port.js';
import { createLease } from './lease.js';
import { cutoffs, type RetentionRules, type RuleId } from './rules.js';

/** Counts per rule, then per type (cases, attachments, auditEvents, …). */
export type PurgeCounts = Partial<Record<RuleId, Record<string, number>>>;

export interface PurgeRun {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  dryRun: boolean;
  instance: string;
  trigger: 'command' | 'automatic';
  counts: PurgeCounts;
}

export type PurgeOutcome =
  | { status: 'done'; run: PurgeRun }
  | { status: 'busy'; owner: string; until: string };

export interface PurgeDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  cases: Cases;
  store: TtlStore;
  rules: RetentionRules;
  settings: Config['retention'];
  logger: Logger;
}

/** What a preview counts at most per rule: the admin page's request stays bounded. */
export const PREVIEW_CAP = 1000;

export function createPurge(deps: PurgeDeps) {
  const { db, clock, audit, cases, store, rules, settings, logger } = deps;
  const instance = `${hostname()}:${process.pid}`;

  const lease = createLease({ db, clock, seconds: settings.leaseSeconds });

  const caseRules = (at: Date): Array<[RuleId, CaseRule]> => {
    const c = cutoffs(rules, at);
    return [
      ['drafts', { kind: 'draft', before: c.drafts }],
      ['closedCases', { kind: 'closed', before: c.closedCases }],
    ];
  };

  /** What a purge would remove now, per rule (each rule counted up to `cap`). */
  async function preview(cap = PREVIEW_CAP): Promise<PurgeCounts & { capped?: boolean }> {
    const at = clock.now();
    const c = cutoffs(rules, at);
    const counts: PurgeCounts = {};
    let capped = false;
    for (const [id, rule] of caseRules(at)) {
      const { capped: over, removal } = await cases.retention.countExpired(rule, cap);
      capped ||= over;
      counts[id] = { ...removal };
    }
    const auditEvents = await audit.countBefore(c.auditEvents, cap);
    const fileContents = await cases.retention.countUnreferencedContent(c.unreferencedFiles, cap);
    capped ||= auditEvents > cap || fileContents > cap;
    counts.auditEvents = { auditEvents: Math.min(auditEvents, cap) };
    counts.unreferencedFiles = { fileContents: Math.min(fileContents, cap) };
    return capped ? { ...counts, capped } : counts;
  }

  const add = (into: Record<string, number>, from: CaseRemoval | Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };

  /** Removes the cases one rule names, batch by batch; each batch one transaction with its counts. */
  async function purgeCases(runId: string, owner: string, counts: PurgeCounts, id: RuleId, rule: CaseRule): Promise<void> {
    const total = (counts[id] ??= { ...emptyRemoval() });
    for (;;) {
      await lease.renew(owner);
      const ids = await cases.retention.expiredCaseIds(rule, settings.batchSize);
      if (ids.length === 0) return;
      const batch = emptyRemoval();
      await db.transaction().execute(async (trx) => {
        for (const caseId of ids) {
          const removed = await cases.retention.removeCase(trx, caseId, rule);
          if (removed) add(batch, removed);
          crashPoint('purge:mid-batch');
        }
        const next = { ...counts, [id]: { ...total } };
        add(next[id] as Record<string, number>, batch);
        await trx.updateTable('purge_run').set({ counts: JSON.stringify(next) }).where('id', '=', runId).execute();
      });
      add(total, batch);
      crashPoint('purge:after-batch');
      // Nothing removed from a non-empty batch (another purge took them): stop rather than spin.
      if (batch.cases === 0) return;
    }
  }

  async function purgeAuditEvents(runId: string, owner: string, counts: PurgeCounts, before: string): Promise<void> {
    const total = (counts.auditEvents ??= { auditEvents: 0 });
    for (;;) {
      await lease.renew(owner);
      const removed = await db.transaction().execute(async (trx) => {
        const n = await audit.removeBefore(trx, before, settings.batchSize);
        const next = { ...counts, auditEvents: { auditEvents: (total['auditEvents'] ?? 0) + n } };
        await trx.updateTable('purge_run').set({ counts: JSON.stringify(next) }).where('id', '=', runId).execute();
        return n;
      });
      total['auditEvents'] = (total['auditEvents'] ?? 0) + removed;
      if (removed < settings.batchSize) return;
    }
  }

  async function removeEverything(runId: string, owner: string, counts: PurgeCounts): Promise<void> {
    const at = clock.now();
    const c = cutoffs(rules, at);
    for (const [id, rule] of caseRules(at)) await purgeCases(runId, owner, counts, id, rule);
    await purgeAuditEvents(runId, owner, counts, c.auditEvents);
    await lease.renew(owner);
    counts.unreferencedFiles = { fileContents: await cases.retention.removeUnreferencedContent(c.unreferencedFiles) };
    // The TTL store's own sweep, as housekeeping runs it (Redis expires its keys itself: 0).
    counts.expiredStoreRows = { storeRows: await store.sweep() };
    await db.updateTable('purge_run').set({ counts: JSON.stringify(counts) }).where('id', '=', runId).execute();
  }

  return {
    instance,
    preview,

    /** Runs the purge (or, with `dryRun`, counts what it would remove) if no other purge holds the lease. */
    async run(options: { dryRun: boolean; trigger: PurgeRun['trigger'] }): Promise<PurgeOutcome> {
      const owner = `${instance}:${timeOrderedId(clock)}`;
      const holder = await lease.take(owner);
      if (holder.owner !== owner) return { status: 'busy', owner: holder.owner.split(':').slice(0, 2).join(':'), until: holder.until };
      try {
        const run: PurgeRun = {
          id: timeOrderedId(clock),
          startedAt: clock.now().toISOString(),
          finishedAt: null,
          dryRun: options.dryRun,
          instance,
          trigger: options.trigger,
          counts: {},
        };
        await db
          .insertInto('purge_run')
          .values({ id: run.id, started_at: run.startedAt, finished_at: null, dry_run: run.dryRun ? 1 : 0, instance, trigger: run.trigger, counts: '{}' })
          .execute();
        if (options.dryRun) {
          const counts: PurgeCounts & { capped?: boolean } = await preview(Number.MAX_SAFE_INTEGER - 1);
          delete counts.capped;
          run.counts = counts;
        } else {
          await removeEverything(run.id, owner, run.counts);
        }
        run.finishedAt = clock.now().toISOString();
        await db.updateTable('purge_run').set({ finished_at: run.finishedAt, counts: JSON.stringify(run.counts) }).where('id', '=', run.id).execute();
        if (!options.dryRun) {
          await audit.record({ event: 'retention_purge', outcome: 'success', subject: run.id, details: { trigger: run.trigger, instance, counts: run.counts } });
        }
        logger.info({ purge: run.id, dryRun: run.dryRun, trigger: run.trigger, counts: run.counts }, 'retention purge finished');
        return { status: 'done', run };
      } finally {
        await lease.release(owner);
      }
    },

    /** The purge running now (the newest unfinished run while the lease is held), if any. */
    async runningId(): Promise<string | undefined> {
      if (!(await lease.held())) return undefined;
      const row = await db.selectFrom('purge_run').select('id').where('finished_at', 'is', null).orderBy('started_at', 'desc').limit(1).executeTakeFirst();
      return row?.id;
    },

    /** The last purges, newest first. */
    async recentRuns(limit = 10): Promise<PurgeRun[]> {
      const rows = await db.selectFrom('purge_run').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        dryRun: r.dry_run === 1,
        instance: r.instance,
        trigger: r.trigger,
        counts: JSON.parse(r.counts) as PurgeCounts,
      }));
    },
  };
}

export type Purge = ReturnType<typeof createPurge>;

/** KW_PURGE_AUTOMATIC: a real purge once a day inside the portal (the lease keeps instances apart). */
export function startAutomaticPurge(purge: Purge, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    purge.run({ dryRun: false, trigger: 'automatic' }).then(
      (outcome) => {
        if (outcome.status === 'busy') logger.info({ owner: outcome.owner }, 'retention purge skipped: another purge is running');
      },
      (err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'retention purge failed; the next run continues'),
    );
  }, 24 * 3600 * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
