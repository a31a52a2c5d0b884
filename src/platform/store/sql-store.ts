import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/index.js';
import type { TtlStore } from './port.js';

/** TTL store in the `kv_store` table; every operation is a single atomic statement. */
export function createSqlStore(db: Db, clock: Clock): TtlStore {
  const now = () => clock.now().getTime();
  return {
    async upsert(key, value, ttlSeconds) {
      const row = { key, value: JSON.stringify(value), expires_at: now() + ttlSeconds * 1000 };
      await db
        .insertInto('kv_store')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, expires_at: row.expires_at }))
        .execute();
    },
    async add(key, value, ttlSeconds) {
      const t = now();
      const row = { key, value: JSON.stringify(value), expires_at: t + ttlSeconds * 1000 };
      const result = await db
        .insertInto('kv_store')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ value: row.value, expires_at: row.expires_at })
            .where('kv_store.expires_at', '<=', t),
        )
        .returning('key')
        .executeTakeFirst();
      return result !== undefined;
    },
    async find<T>(key: string) {
      const row = await db
        .selectFrom('kv_store')
        .select('value')
        .where('key', '=', key)
        .where('expires_at', '>', now())
        .executeTakeFirst();
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async consume<T>(key: string) {
      const row = await db
        .deleteFrom('kv_store')
        .where('key', '=', key)
        .returning(['value', 'expires_at'])
        .executeTakeFirst();
      if (!row || Number(row.expires_at) <= now()) return undefined;
      return JSON.parse(row.value) as T;
    },
    async destroy(key) {
      await db.deleteFrom('kv_store').where('key', '=', key).execute();
    },
    async increment(key, ttlSeconds) {
      const t = now();
      const expiresAt = t + ttlSeconds * 1000;
      // One statement, so concurrent increments from several instances never lose a count.
      const row = await db
        .insertInto('kv_store')
        .values({ key, value: '1', expires_at: expiresAt })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            value: sql<string>`case when kv_store.expires_at <= ${t} then '1' else cast(cast(kv_store.value as integer) + 1 as varchar(20)) end`,
            expires_at: sql<number>`case when kv_store.expires_at <= ${t} then ${expiresAt} else kv_store.expires_at end`,
          }),
        )
        .returning(['value', 'expires_at'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.value), msLeft: Number(row.expires_at) - t };
    },
    async sweep() {
      const result = await db.deleteFrom('kv_store').where('expires_at', '<=', now()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
