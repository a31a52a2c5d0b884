/**
 * How an instance hears that something it caches changed (`platform/cache.ts`), on this
 * instance and on every other one. Two topics:
 *
 * - `session`: a session record was saved, rotated or destroyed. The session manager
 *   publishes the record's store key (an HMAC of the cookie value, never the cookie). With
 *   sessions in Redis the message goes over Redis pub/sub; in PostgreSQL's `kv_store`, over
 *   NOTIFY `kw_sessions`; in SQLite only this process holds them (one instance by design),
 *   so nothing leaves the process.
 * - `accounts`: a row of `person`, `organisation`, `membership` or `staff_role` changed (what
 *   the principal of a logged-in request is made of). This process's own writes are seen as
 *   Kysely sends them (`onTableWrite`); PostgreSQL's triggers (migration 0010) announce every
 *   committed change to every instance over NOTIFY `kw_accounts`, whoever wrote it.
 *
 * SQLite: a commit by another process on the same file (a command such as `import-users`, a
 * second process started by mistake) changes `pragma data_version`, which is read before any
 * cache is trusted: then everything cached is dropped.
 *
 * While the connection that carries the messages is down (or not yet up), the caches of its
 * topics are emptied and bypassed, and emptied again when it is back.
 */
import pg from 'pg';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { sql } from 'kysely';
import { createLocalCache, type CacheSettings, type LocalCache } from './cache.js';
import { onTableWrite, sqliteDataVersion, type Db } from './db/index.js';

export type Topic = 'session' | 'accounts';

/** The tables whose rows make up a principal; a write to any of them drops the `accounts` caches. */
export const ACCOUNT_TABLES: ReadonlySet<string> = new Set(['person', 'organisation', 'membership', 'staff_role']);

export interface Invalidation {
  /** A cache of `topic`: emptied by every message of the topic (key `*`: all) and when deaf. */
  cache<V>(topic: Topic, settings: CacheSettings): LocalCache<V>;
  /**
   * Drops `key` of `topic` on this instance at once and tells every other instance; resolves
   * once the message is sent (before the change is answered to anyone).
   */
  publish(topic: Topic, key: string): Promise<void>;
  /** Whether this instance hears every change of `topic` now. */
  listening(topic: Topic): boolean;
  /**
   * How many messages of `topic` (or of all topics) this instance has heard over its
   * connections (other instances', the database's, its own coming back).
   */
  received(topic?: Topic): number;
  close(): Promise<void>;
}

export type SessionTransport = 'local' | 'redis' | 'postgres' | 'none';

export interface InvalidationOptions {
  db: Db;
  database: { kind: 'sqlite' } | { kind: 'postgres'; url: string; schema: string | undefined };
  /** Where sessions live: SQLite (this process), Redis, PostgreSQL, or a store we know nothing of (no cache). */
  sessions: SessionTransport;
  /** The portal's Redis client (for `sessions: 'redis'`); a duplicate subscribes. */
  redis?: Redis;
  redisKeyPrefix?: string;
  logger: Logger;
  /** Milliseconds between attempts to listen again after the connection was lost. */
  retryMs?: number;
}

const SESSION_CHANNEL = 'kw_sessions';
const ACCOUNTS_CHANNEL = 'kw_accounts';

export function createInvalidation(options: InvalidationOptions): Invalidation {
  const { db, database, logger } = options;
  const retryMs = options.retryMs ?? 500;
  const received: Record<Topic, number> = { session: 0, accounts: 0 };
  const caches: Record<Topic, Set<LocalCache<unknown>>> = { session: new Set(), accounts: new Set() };
  const clear = (topic: Topic) => {
    for (const c of caches[topic]) c.clear();
  };
  const drop = (topic: Topic, key: string) => {
    for (const c of caches[topic]) {
      if (key === '*') c.clear();
      else c.drop(key);
    }
  };

  // This process's own writes to the account tables, as Kysely sends them.
  const watching = onTableWrite(db, (table) => {
    if (ACCOUNT_TABLES.has(table)) clear('accounts');
  });

  // SQLite: another process's commit.
  const dataVersion = sqliteDataVersion(db);
  let lastDataVersion = dataVersion?.();
  const checkOtherProcesses = () => {
    if (!dataVersion) return;
    const now = dataVersion();
    if (now !== lastDataVersion) {
      lastDataVersion = now;
      clear('session');
      clear('accounts');
    }
  };

  // PostgreSQL: a dedicated listening connection.
  const pgChannels = [
    ...(database.kind === 'postgres' ? [ACCOUNTS_CHANNEL] : []),
    ...(options.sessions === 'postgres' ? [SESSION_CHANNEL] : []),
  ];
  const pgListener =
    database.kind === 'postgres' && pgChannels.length > 0
      ? startPgListener({
          url: database.url,
          schema: database.schema,
          channels: pgChannels,
          retryMs,
          logger,
          onMessage: (channel, key) => {
            if (channel === ACCOUNTS_CHANNEL) {
              received.accounts++;
              clear('accounts');
            } else if (channel === SESSION_CHANNEL) {
              received.session++;
              drop('session', key);
            }
          },
          onState: () => {
            // Lost or back: whatever was cached may have missed a message.
            if (database.kind === 'postgres') clear('accounts');
            if (options.sessions === 'postgres') clear('session');
          },
        })
      : undefined;

  // Redis: sessions' messages over pub/sub.
  const redisChannel = `${options.redisKeyPrefix ?? 'kw:'}invalidate`;
  const redisListener =
    options.sessions === 'redis' && options.redis
      ? startRedisListener({
          redis: options.redis,
          channel: redisChannel,
          logger,
          onMessage: (message) => {
            const newline = message.indexOf('\n');
            const topic = message.slice(0, newline);
            if (topic === 'session' || topic === 'accounts') {
              received[topic]++;
              drop(topic, message.slice(newline + 1));
            }
          },
          onState: () => clear('session'),
        })
      : undefined;

  const listening = (topic: Topic): boolean => {
    checkOtherProcesses();
    if (topic === 'accounts') {
      if (!watching) return false;
      return database.kind === 'sqlite' || (pgListener?.up() ?? false);
    }
    switch (options.sessions) {
      case 'local':
        return database.kind === 'sqlite';
      case 'redis':
        return redisListener?.up() ?? false;
      case 'postgres':
        return pgListener?.up() ?? false;
      case 'none':
        return false;
    }
  };

  return {
    cache<V>(topic: Topic, settings: CacheSettings): LocalCache<V> {
      const cache = createLocalCache<V>(settings, { listening: () => listening(topic) });
      caches[topic].add(cache);
      return cache;
    },
    async publish(topic, key) {
      drop(topic, key);
      if (topic === 'session') {
        if (options.sessions === 'redis' && options.redis) await options.redis.publish(redisChannel, `${topic}\n${key}`);
        else if (options.sessions === 'postgres') await sql`select pg_notify(${SESSION_CHANNEL}, current_schema() || '|' || ${key})`.execute(db);
      }
      // Accounts: the database announces its own changes (triggers), and onTableWrite ours.
      drop(topic, key);
    },
    listening,
    received: (topic) => (topic ? received[topic] : received.session + received.accounts),
    async close() {
      await pgListener?.close();
      await redisListener?.close();
    },
  };
}

interface Listener {
  up(): boolean;
  close(): Promise<void>;
}

function startPgListener(o: {
  url: string;
  schema: string | undefined;
  channels: readonly string[];
  retryMs: number;
  logger: Logger;
  onMessage: (channel: string, key: string) => void;
  onState: (up: boolean) => void;
}): Listener {
  let client: pg.Client | undefined;
  let up = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let ownSchema = '';

  const lost = (c: pg.Client, why: string) => {
    if (client !== c) return;
    client = undefined;
    if (up) o.logger.warn({ why }, 'invalidation listener lost (PostgreSQL): caches bypassed until it is back');
    up = false;
    o.onState(false);
    c.end().catch(() => undefined);
    schedule();
  };
  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, o.retryMs);
    timer.unref();
  };
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: o.url, ...(o.schema ? { options: `-c search_path=${o.schema}` } : {}) });
    client = c;
    c.on('error', (err) => lost(c, err.message));
    c.on('end', () => lost(c, 'connection ended'));
    c.on('notification', (msg) => {
      const payload = msg.payload ?? '';
      const bar = payload.indexOf('|');
      const schema = bar < 0 ? payload : payload.slice(0, bar);
      if (schema !== ownSchema) return; // another schema on the same database (tests, shared servers)
      o.onMessage(msg.channel, bar < 0 ? '*' : payload.slice(bar + 1));
    });
    try {
      await c.connect();
      const result = await c.query<{ s: string }>('select current_schema() as s');
      ownSchema = result.rows[0]?.s ?? '';
      for (const channel of o.channels) await c.query(`listen ${channel}`);
      if (client !== c || closed) return;
      up = true;
      o.onState(true);
    } catch (err) {
      lost(c, err instanceof Error ? err.message : String(err));
    }
  };
  void connect();
  return {
    up: () => up,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      up = false;
      await c?.end().catch(() => undefined);
    },
  };
}

function startRedisListener(o: {
  redis: Redis;
  channel: string;
  logger: Logger;
  onMessage: (message: string) => void;
  onState: (up: boolean) => void;
}): Listener {
  const sub = o.redis.duplicate({ lazyConnect: false });
  let up = false;
  let closed = false;
  const down = (why: string) => {
    if (up) o.logger.warn({ why }, 'invalidation listener lost (Redis): caches bypassed until it is back');
    up = false;
    o.onState(false);
  };
  sub.on('error', (err: Error) => o.logger.warn({ err: err.message }, 'redis invalidation connection error'));
  sub.on('close', () => down('connection closed'));
  sub.on('end', () => down('connection ended'));
  sub.on('reconnecting', () => down('reconnecting'));
  sub.on('ready', () => {
    sub.subscribe(o.channel).then(
      () => {
        if (closed || sub.status !== 'ready') return;
        up = true;
        o.onState(true);
      },
      (err: unknown) => down(err instanceof Error ? err.message : String(err)),
    );
  });
  sub.on('message', (channel: string, message: string) => {
    if (channel === o.channel) o.onMessage(message);
  });
  return {
    up: () => up,
    async close() {
      closed = true;
      up = false;
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
