/**
 * A bounded in-process cache that is valid only while this instance hears of every change
 * (`platform/invalidation.ts`): sessions and the account facts a logged-in request re-reads.
 *
 * - Every entry lives at most `maxAgeMs` (real, monotonic time: a safety net, not a business
 *   rule); 0 turns the cache off. At most `maxEntries`, the least recently used dropped first.
 * - A fill that began before an invalidation is not stored (`generation`): a reader that
 *   loaded old data while a change was being written never puts it back after the change.
 * - While `listening()` is false (the connection that carries other instances' changes is
 *   down) nothing is read from or stored into the cache.
 */
export interface CacheSettings {
  /** Milliseconds an entry is trusted; 0: no cache. */
  readonly maxAgeMs: number;
  readonly maxEntries: number;
}

export interface LocalCache<V> {
  /** The entry, if fresh and the cache is trusted now. */
  get(key: string): V | undefined;
  /** Take before reading what `set` stores: the fill is dropped if anything was invalidated since. */
  generation(): number;
  set(key: string, value: V, since: number): void;
  /** Drops `key` here (no message to other instances). */
  drop(key: string): void;
  /** Drops everything here. */
  clear(): void;
  readonly size: number;
}

const monotonicMs = () => performance.now();

export function createLocalCache<V>(
  settings: CacheSettings,
  options: { listening?: () => boolean; now?: () => number } = {},
): LocalCache<V> {
  const { maxAgeMs, maxEntries } = settings;
  const listening = options.listening ?? (() => true);
  const now = options.now ?? monotonicMs;
  const entries = new Map<string, { value: V; at: number }>();
  let generation = 0;
  const enabled = maxAgeMs > 0 && maxEntries > 0;
  return {
    get(key) {
      if (!enabled || !listening()) return undefined;
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (now() - entry.at >= maxAgeMs) return undefined;
      entries.set(key, entry); // most recently used last
      return entry.value;
    },
    generation: () => generation,
    set(key, value, since) {
      if (!enabled || since !== generation || !listening()) return;
      entries.delete(key);
      entries.set(key, { value, at: now() });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    drop(key) {
      generation++;
      entries.delete(key);
    },
    clear() {
      generation++;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
