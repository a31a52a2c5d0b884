import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../../test/support/databases.js';
import { ManualClock } from '../clock.js';
import type { TtlStore } from './port.js';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createRedisStore } from './redis-store.js';
import { createSqlStore } from './sql-store.js';

/** The contract every TTL store adapter must pass (SQL on SQLite and PostgreSQL; Redis later). */
export function ttlStoreContract(name: string, make: (clock: ManualClock) => Promise<{ store: TtlStore; close(): Promise<void> }>) {
  describe(`TtlStore contract: ${name}`, () => {
    const clock = new ManualClock('2026-11-28T10:00:00Z');
    let store: TtlStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const made = await make(clock);
      store = made.store;
      close = () => made.close();
    });
    afterAll(() => close());

    it('stores, finds and replaces JSON values', async () => {
      await store.upsert('a', { n: 1, s: 'å' }, 60);
      expect(await store.find('a')).toEqual({ n: 1, s: 'å' });
      await store.upsert('a', { n: 2 }, 60);
      expect(await store.find('a')).toEqual({ n: 2 });
    });

    it('forgets a value once its time is up', async () => {
      await store.upsert('b', 'x', 10);
      clock.advance(9_999);
      expect(await store.find('b')).toBe('x');
      clock.advance(1);
      expect(await store.find('b')).toBeUndefined();
      expect(await store.consume('b')).toBeUndefined();
    });

    it('consume returns the value once, to one of many concurrent callers', async () => {
      await store.upsert('c', 'once', 60);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.consume<string>('c')));
      expect(results.filter((r) => r === 'once')).toHaveLength(1);
      expect(await store.find('c')).toBeUndefined();
    });

    it('add creates only when absent or expired', async () => {
      expect(await store.add('d', 1, 5)).toBe(true);
      expect(await store.add('d', 2, 5)).toBe(false);
      expect(await store.find('d')).toBe(1);
      clock.advance(5_000);
      expect(await store.add('d', 3, 5)).toBe(true);
      expect(await store.find('d')).toBe(3);
    });

    it('increment counts in a fixed window, atomically under concurrent callers', async () => {
      const counts = await Promise.all(Array.from({ length: 10 }, () => store.increment('g', 60)));
      expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(counts.every((c) => c.msLeft === 60_000)).toBe(true);
      clock.advance(59_000);
      // Later increments keep the window; they do not extend it.
      expect(await store.increment('g', 60)).toEqual({ count: 11, msLeft: 1_000 });
      clock.advance(1_000);
      expect(await store.increment('g', 60)).toEqual({ count: 1, msLeft: 60_000 });
    });

    it('destroys and sweeps', async () => {
      await store.upsert('e', 1, 60);
      await store.destroy('e');
      expect(await store.find('e')).toBeUndefined();
      await store.upsert('f', 1, 1);
      clock.advance(2_000);
      // SQL deletes expired rows; Redis expires keys itself (sweep reports 0). Either way
      // nothing expired can be read afterwards.
      expect(await store.sweep()).toBeGreaterThanOrEqual(0);
      expect(await store.find('f')).toBeUndefined();
    });
  });
}

for (const kind of DATABASE_KINDS) {
  ttlStoreContract(`sql/${kind.name}`, async (clock) => {
    const t: TestDatabase = await kind.open();
    return { store: createSqlStore(t.db, clock), close: () => t.close() };
  });
}

const REDIS_URL = process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';
ttlStoreContract('redis', async (clock) => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const prefix = `kwtest:${randomBytes(6).toString('hex')}:`;
  return {
    store: createRedisStore(redis, clock, prefix),
    async close() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
});
