/**
 * The rollout plan of login methods: database rows (seeded from the plan file, later
 * edited by the admin side), read through a short cache. Everything that asks "which
 * methods work now?" asks this service with the clock's time.
 */
import type { AuditLog } from '../audit/service.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { isPostgres } from '../platform/db/dialect.js';
import type { Db } from '../platform/db/index.js';
import type { Database } from '../platform/db/schema.js';
import type { PlanSeedRow } from './plan-file.js';
import type { Localised } from '../platform/site.js';
import { isMethodId, type MethodId } from '../identity/methods.js';
import type { AnnounceAs } from './plan-dates.js';

export type MethodStatus = 'planned' | 'enabled' | 'ended';

export interface PlannedMethod {
  readonly id: MethodId;
  readonly sortOrder: number;
  readonly enabledFrom: Date;
  readonly enabledUntil: Date | null;
  readonly announceAs: AnnounceAs;
  readonly notice: Localised | null;
  readonly updatedAt: Date;
}

export function statusAt(method: PlannedMethod, now: Date): MethodStatus {
  if (now.getTime() < method.enabledFrom.getTime()) return 'planned';
  if (method.enabledUntil && now.getTime() >= method.enabledUntil.getTime()) return 'ended';
  return 'enabled';
}

export interface PlanChange {
  enabledFrom?: Date;
  enabledUntil?: Date | null;
  announceAs?: AnnounceAs;
  notice?: Localised | null;
}

/** How long plan rows are served from memory; a change on another instance shows within this. */
const CACHE_MS = 5_000;

export function createRolloutPlan(deps: { db: Db; clock: Clock; audit: AuditLog }) {
  const { db, clock, audit } = deps;
  const postgres = isPostgres(db);
  let cache: { at: number; methods: readonly PlannedMethod[] } | undefined;

  async function load(from: Kysely<Database> = db): Promise<readonly PlannedMethod[]> {
    const rows = await from.selectFrom('login_method').selectAll().orderBy('sort_order').execute();
    return rows
      .filter((r) => isMethodId(r.id))
      .map((r) => ({
        id: r.id as MethodId,
        sortOrder: r.sort_order,
        enabledFrom: new Date(r.enabled_from),
        enabledUntil: r.enabled_until ? new Date(r.enabled_until) : null,
        announceAs: r.announce_as,
        notice: r.notice_sv !== null && r.notice_en !== null ? { sv: r.notice_sv, en: r.notice_en } : null,
        updatedAt: new Date(r.updated_at),
      }));
  }

  const plan = {
    /** All methods in plan order. */
    async methods(): Promise<readonly PlannedMethod[]> {
      const t = Date.now();
      if (!cache || t - cache.at > CACHE_MS) cache = { at: t, methods: await load() };
      return cache.methods;
    },
    async enabledNow(): Promise<readonly PlannedMethod[]> {
      const now = clock.now();
      return (await plan.methods()).filter((m) => statusAt(m, now) === 'enabled');
    },
    async isEnabled(id: MethodId, at: Date = clock.now()): Promise<boolean> {
      const method = (await plan.methods()).find((m) => m.id === id);
      return method !== undefined && statusAt(method, at) === 'enabled';
    },
    /** Inserts the rows of the plan file that the database does not have yet. */
    async seed(rows: readonly PlanSeedRow[]): Promise<MethodId[]> {
      const existing = new Set((await db.selectFrom('login_method').select('id').execute()).map((r) => r.id));
      const added: MethodId[] = [];
      for (const row of rows) {
        if (existing.has(row.id)) continue;
        await db
          .insertInto('login_method')
          .values({
            id: row.id,
            sort_order: row.sortOrder,
            enabled_from: row.enabledFrom.toISOString(),
            enabled_until: row.enabledUntil?.toISOString() ?? null,
            announce_as: row.announceAs,
            notice_sv: row.notice?.sv ?? null,
            notice_en: row.notice?.en ?? null,
            updated_at: clock.now().toISOString(),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        added.push(row.id);
      }
      if (added.length > 0) {
        await audit.record({ event: 'plan_seeded', outcome: 'success', subject: added.join(','), details: { added } });
      }
      cache = undefined;
      return added;
    },
    /**
     * All methods as stored this moment, past the cache: what staff edit, so a change made on
     * another instance within the cache time is not missed.
     */
    async current(): Promise<readonly PlannedMethod[]> {
      return load();
    },
    /** Changes one method's dates or notices; audited with the before and after values. */
    async change(id: MethodId, change: PlanChange, actor: string | null, ip: string | null = null): Promise<PlannedMethod> {
      const after = await write(id, change, actor, ip, () => true);
      if (!after) throw new Error(`login method ${id} was not changed`);
      return after;
    },
    /**
     * The same, but only if `expected` holds for the whole plan as it is when the change is
     * written (the admin's check that nobody changed the plan since they looked at it).
     * Undefined, and nothing written or audited, when it does not.
     */
    async changeIf(
      id: MethodId,
      change: PlanChange,
      actor: string | null,
      ip: string | null,
      expected: (current: readonly PlannedMethod[]) => boolean,
    ): Promise<PlannedMethod | undefined> {
      return write(id, change, actor, ip, expected);
    },
  };

  async function write(
    id: MethodId,
    change: PlanChange,
    actor: string | null,
    ip: string | null,
    expected: (current: readonly PlannedMethod[]) => boolean,
  ): Promise<PlannedMethod | undefined> {
    const written = await db.transaction().execute(async (trx) => {
      // PostgreSQL (READ COMMITTED, a pool): lock the plan's rows, so the check below sees
      // every change committed before this one. SQLite runs one transaction at a time already.
      if (postgres) await trx.selectFrom('login_method').select('id').forUpdate().execute();
      const current = await load(trx);
      const before = current.find((m) => m.id === id);
      if (!before) throw new RangeError(`login method ${id} is not in the plan`);
      if (!expected(current)) return undefined;
      const from = change.enabledFrom ?? before.enabledFrom;
      const until = change.enabledUntil === undefined ? before.enabledUntil : change.enabledUntil;
      if (until && until.getTime() <= from.getTime()) throw new RangeError('enabledUntil must be after enabledFrom');
      const notice = change.notice === undefined ? before.notice : change.notice;
      await trx
        .updateTable('login_method')
        .set({
          enabled_from: from.toISOString(),
          enabled_until: until?.toISOString() ?? null,
          announce_as: change.announceAs ?? before.announceAs,
          notice_sv: notice?.sv ?? null,
          notice_en: notice?.en ?? null,
          updated_at: clock.now().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      const after = (await load(trx)).find((m) => m.id === id);
      if (!after) throw new Error(`login method ${id} vanished during change`);
      return { before, after };
    });
    if (!written) return undefined;
    cache = undefined;
    await audit.record({
      event: 'plan_changed',
      outcome: 'success',
      actor,
      subject: id,
      ip,
      details: { before: serialise(written.before), after: serialise(written.after) },
    });
    return written.after;
  }
  return plan;
}

function serialise(m: PlannedMethod) {
  return {
    enabledFrom: m.enabledFrom.toISOString(),
    enabledUntil: m.enabledUntil?.toISOString() ?? null,
    announceAs: m.announceAs,
    notice: m.notice,
  };
}

export type RolloutPlan = ReturnType<typeof createRolloutPlan>;
