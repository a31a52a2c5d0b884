/**
 * The TTL key-value port: short-lived state that must survive a restart and be shared by
 * every instance (sessions, BankID orders, card-login tickets, sign requests, rate-limit
 * counters). Values are JSON. Adapters: SQL (default, this module) and Redis (when REDIS_URL is set).
 */
export interface TtlStore {
  /** Creates or replaces `key`, expiring `ttlSeconds` from now. */
  upsert(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Creates `key` only if absent or expired; true when this call created it. */
  add(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  /** The live value, or undefined when absent or expired. */
  find<T>(key: string): Promise<T | undefined>;
  /** Reads and removes atomically: of concurrent callers at most one gets the value. */
  consume<T>(key: string): Promise<T | undefined>;
  destroy(key: string): Promise<void>;
  /**
   * Adds one to the counter at `key`, atomically across instances. A missing or expired
   * counter starts at 1 with a window of `ttlSeconds`; later increments keep that window
   * (fixed window, as rate limits count). Returns the count and the milliseconds left.
   */
  increment(key: string, ttlSeconds: number): Promise<{ count: number; msLeft: number }>;
  /** Removes expired entries; returns how many. */
  sweep(): Promise<number>;
}
