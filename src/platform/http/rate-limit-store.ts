/**
 * Rate-limit counters shared by every portal instance: a store for @fastify/rate-limit over
 * the TTL store port, so the counters live where sessions do (Redis, or the `kv_store`
 * table on PostgreSQL) and one client address gets the limit once, not once per instance
 * behind the load balancer. Each hit is one atomic `increment` (a Lua script on Redis, one
 * upsert statement on PostgreSQL), counted in a fixed window by the injected clock.
 *
 * Chosen over the plugin's own `redis` option so that Redis and PostgreSQL-only
 * deployments share one code path, contract-tested like every other TTL store use.
 */
import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { TtlStore } from '../store/port.js';
import { ipv6Groups } from '../ip.js';

/** `kv_store.key` is varchar(200); longer keys (long IPv6 + route) are hashed. */
const MAX_KEY = 200;

/** A store class for @fastify/rate-limit's `store` option, counting in `store`. */
export function sharedRateLimitStore(store: TtlStore, namespace = 'rl:'): FastifyRateLimitStoreCtor {
  class SharedRateLimitCounters implements FastifyRateLimitStore {
    readonly #prefix: string;

    /** The plugin constructs the root store with its options; `child` passes a route prefix. */
    constructor(_options?: unknown, prefix = namespace) {
      this.#prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindowMs = 60_000): void {
      const full = `${this.#prefix}${key}`;
      const storeKey = full.length <= MAX_KEY ? full : `${namespace}h:${createHash('sha256').update(full).digest('base64url')}`;
      store.increment(storeKey, Math.max(1, Math.ceil(timeWindowMs / 1000))).then(
        ({ count, msLeft }) => callback(null, { current: count, ttl: Math.max(0, msLeft) }),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    }

    child(routeOptions: unknown): FastifyRateLimitStore {
      // The plugin passes the route's merged limit options with `routeInfo` (method, url):
      // each limited route counts on its own, as the plugin's own stores do.
      const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
      const method = Array.isArray(route?.method) ? route.method.join(',') : (route?.method ?? '');
      return new SharedRateLimitCounters(undefined, `${namespace}${method}${route?.url ?? ''}:`);
    }
  }
  return SharedRateLimitCounters;
}

/**
 * The rate-limit key of a client address: an IPv4 address as it is (also when written
 * IPv4-mapped, `::ffff:a.b.c.d`), an IPv6 address by its /64, the smallest block a provider
 * hands one customer, so rotating through one's own /64 gives no extra tries.
 */
export function rateLimitKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
