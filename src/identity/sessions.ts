/**
 * Server-side sessions in the TTL store. The browser holds only a random 256-bit id; the
 * store key is an HMAC of it (a leaked store does not yield usable cookies). Sessions end
 * after an idle period and after an absolute lifetime, both from the clock; the id changes
 * at every login (no fixation) and logout destroys the record.
 *
 * Written here instead of @fastify/session: that plugin reads Date.now() for expiry (we
 * need the injected clock for tests of idle and absolute expiry) and has no absolute
 * lifetime.
 *
 * Records read are kept a few seconds in an in-process cache (`platform/cache.ts`) that
 * every save, rotation and destruction empties for that record, on this instance at once and
 * on every other through `platform/invalidation.ts`; a record is never called expired on a
 * cached copy (its lastSeenAt may be old: another instance may have touched it), only after
 * reading it again from the store.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Clock } from '../platform/clock.js';
import type { TtlStore } from '../platform/store/port.js';
import type { LocalCache } from '../platform/cache.js';
import { rateLimitKey } from '../platform/http/rate-limit-store.js';
import type { StaffRole } from './roles.js';
import type { MethodId } from './methods.js';

export interface Principal {
  personnummer: string;
  name: string;
  method: MethodId;
  /** Epoch ms of the login. */
  authAt: number;
  /** The organisation the person acts for now, or null when they have to choose. */
  orgnr: string | null;
  staff: StaffRole[];
  /**
   * Read again on every request, never stored: the name of the organisation acted for (the
   * header shows it), and how many the person may choose between.
   */
  orgName?: string;
  orgChoices?: number;
}

/** What a session stores of a principal: without the values read again on every request. */
export function storedPrincipal(p: Principal): Principal {
  return { personnummer: p.personnummer, name: p.name, method: p.method, authAt: p.authAt, orgnr: p.orgnr, staff: p.staff };
}

export interface SessionData {
  createdAt: number;
  lastSeenAt: number;
  csrf: string;
  principal?: Principal;
  /** Short-lived per-flow values of later features (login state, orders), by name. */
  flows?: Record<string, unknown>;
}

export interface Session {
  /** The cookie value; never logged. */
  readonly id: string;
  data: SessionData;
}

export type LoadResult =
  | { kind: 'none' }
  | { kind: 'expired' }
  | { kind: 'live'; session: Session; touched: boolean };

/** Minimum time between writes that only move lastSeenAt (keeps reads cheap). */
const TOUCH_INTERVAL_MS = 30_000;

/** The session cache: a local cache of records (as JSON) and the way to tell every instance of a change. */
export interface SessionCache {
  records: LocalCache<string>;
  /** Drops the record of `key` here at once and on every other instance. */
  changed(key: string): Promise<void>;
}

export function createSessionManager(deps: {
  store: TtlStore;
  clock: Clock;
  config: Config['session'];
  anonymousPerMinute?: number;
  cache?: SessionCache;
}) {
  const { store, clock, config, cache } = deps;
  const keyOf = (id: string) => `sess:${createHmac('sha256', config.secret).update(id).digest('base64url')}`;
  const newId = () => randomBytes(32).toString('base64url');
  const ttlSeconds = (data: SessionData, now: number) => {
    const idleLeft = data.lastSeenAt + config.idleSeconds * 1000 - now;
    const absoluteLeft = data.createdAt + config.absoluteSeconds * 1000 - now;
    return Math.max(1, Math.ceil(Math.min(idleLeft, absoluteLeft) / 1000));
  };

  /** The record from the store, kept in the cache (unless a change came in meanwhile). */
  const read = async (key: string, again = false): Promise<SessionData | undefined> => {
    if (again) cache?.records.drop(key);
    const since = cache?.records.generation() ?? 0;
    const data = await store.find<SessionData>(key);
    if (data && cache) cache.records.set(key, JSON.stringify(data), since);
    return data;
  };

  const manager = {
    cookieName: config.secureCookie ? '__Host-kw_session' : 'kw_session',

    /** Looks up the session named by a cookie value; expired ones are removed. */
    async load(id: string | undefined, touch = true): Promise<LoadResult> {
      if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return id ? { kind: 'expired' } : { kind: 'none' };
      const key = keyOf(id);
      const cached = cache?.records.get(key);
      let data = cached === undefined ? await read(key) : (JSON.parse(cached) as SessionData);
      const now = clock.now().getTime();
      const ended = (d: SessionData) => now - d.lastSeenAt >= config.idleSeconds * 1000 || now - d.createdAt >= config.absoluteSeconds * 1000;
      // A cached copy's lastSeenAt may be older than the store's: only the store says it ended.
      if (data && cached !== undefined && ended(data)) data = await read(key, true);
      if (!data) return { kind: 'expired' };
      if (ended(data)) {
        await manager.destroy({ id, data });
        return { kind: 'expired' };
      }
      const session: Session = { id, data };
      if (touch && now - data.lastSeenAt >= TOUCH_INTERVAL_MS) {
        data.lastSeenAt = now;
        await manager.save(session);
        return { kind: 'live', session, touched: true };
      }
      return { kind: 'live', session, touched: false };
    },

    async create(init: Partial<Pick<SessionData, 'principal' | 'flows'>> = {}): Promise<Session> {
      const now = clock.now().getTime();
      const session: Session = {
        id: newId(),
        data: { createdAt: now, lastSeenAt: now, csrf: randomBytes(32).toString('base64url'), ...init },
      };
      // A new random id: no instance can hold it yet, so there is nothing to tell them.
      await store.upsert(keyOf(session.id), session.data, ttlSeconds(session.data, now));
      return session;
    },

    /**
     * A session without a login, for the CSRF token of a login form. At most
     * `anonymousPerMinute` per client address (IPv6 /64) and minute; with the idle lifetime
     * that bounds how many exist. Undefined when the address made too many.
     */
    async createAnonymous(ip: string): Promise<Session | undefined> {
      const limit = deps.anonymousPerMinute;
      if (limit !== undefined) {
        const { count } = await store.increment(`anon:${rateLimitKey(ip)}`, 60);
        if (count > limit) return undefined;
      }
      return manager.create();
    },

    async save(session: Session): Promise<void> {
      const now = clock.now().getTime();
      const key = keyOf(session.id);
      cache?.records.drop(key); // a read under way must not put the old record back
      await store.upsert(key, session.data, ttlSeconds(session.data, now));
      await cache?.changed(key);
    },

    /** Extends the idle period now ("stay logged in"). */
    async extend(session: Session): Promise<void> {
      session.data.lastSeenAt = clock.now().getTime();
      await manager.save(session);
    },

    /**
     * A new session for a fresh login: new id, new CSRF secret, new creation time (the
     * absolute lifetime starts at login). The old record is destroyed.
     */
    async rotate(old: Session | undefined, principal: Principal): Promise<Session> {
      if (old) await manager.destroy(old);
      return manager.create({ principal });
    },

    async destroy(session: Session): Promise<void> {
      const key = keyOf(session.id);
      cache?.records.drop(key);
      await store.destroy(key);
      await cache?.changed(key);
    },

    /** The server's time now (epoch ms), which the page's timeout warning measures against. */
    now(): number {
      return clock.now().getTime();
    },

    /** When the session ends if nothing more happens (epoch ms). */
    expiresAt(data: SessionData): number {
      return Math.min(data.lastSeenAt + config.idleSeconds * 1000, data.createdAt + config.absoluteSeconds * 1000);
    },

    csrfMatches(data: SessionData, token: unknown): boolean {
      if (typeof token !== 'string' || token.length !== data.csrf.length) return false;
      return timingSafeEqual(Buffer.from(token), Buffer.from(data.csrf));
    },
  };
  return manager;
}

export type SessionManager = ReturnType<typeof createSessionManager>;
