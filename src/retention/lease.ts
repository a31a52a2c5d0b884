/**
 * The purge's lease: one row (`purge_lease`) with an owner and an expiry, so that one purge
 * runs at a time across instances. It is taken by one conditional statement (insert, or
 * update only if expired), renewed by its owner before every batch (a purge that finds it
 * lost stops), and released at the end. A purge killed while holding it blocks the next one
 * for at most `seconds`.
 */
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';

const NAME = 'purge';

export function createLease(deps: { db: Db; clock: Clock; seconds: number }) {
  const { db, clock, seconds } = deps;
  const until = () => new Date(clock.now().getTime() + seconds * 1000).toISOString();

  return {
    /** Takes the lease if free or expired; returns its holder afterwards (`owner` if taken). */
    async take(owner: string): Promise<{ owner: string; until: string }> {
      const now = clock.now().toISOString();
      await db
        .insertInto('purge_lease')
        .values({ name: NAME, owner, expires_at: until() })
        .onConflict((oc) => oc.column('name').doUpdateSet({ owner, expires_at: until() }).where('purge_lease.expires_at', '<', now))
        .execute();
      const row = await db.selectFrom('purge_lease').select(['owner', 'expires_at']).where('name', '=', NAME).executeTakeFirstOrThrow();
      return { owner: row.owner, until: row.expires_at };
    },

    async renew(owner: string): Promise<void> {
      const res = await db.updateTable('purge_lease').set({ expires_at: until() }).where('name', '=', NAME).where('owner', '=', owner).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new Error('the purge lost its lease (it expired and another purge took it): stopping');
    },

    async release(owner: string): Promise<void> {
      await db.deleteFrom('purge_lease').where('name', '=', NAME).where('owner', '=', owner).execute();
    },

    /** Whether someone holds the lease now. */
    async held(): Promise<boolean> {
      const row = await db.selectFrom('purge_lease').select('expires_at').where('name', '=', NAME).executeTakeFirst();
      return row !== undefined && row.expires_at >= clock.now().toISOString();
    },
  };
}
