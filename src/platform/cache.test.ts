import { describe, expect, it } from 'vitest';
import { createLocalCache } from './cache.js';

describe('the in-process cache', () => {
  it('is bounded: past maxEntries the least recently used entry goes first', () => {
    const cache = createLocalCache<number>({ maxAgeMs: 60_000, maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) cache.set(key, 1, cache.generation());
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('d', 1, cache.generation());
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, i, cache.generation());
    expect(cache.size).toBe(3);
  });

  it('trusts an entry for maxAgeMs at most', () => {
    let now = 1000;
    const cache = createLocalCache<string>({ maxAgeMs: 5000, maxEntries: 10 }, { now: () => now });
    cache.set('s', 'v', cache.generation());
    now += 4999;
    expect(cache.get('s')).toBe('v');
    now += 1;
    expect(cache.get('s')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('maxAgeMs 0 turns it off', () => {
    const cache = createLocalCache<string>({ maxAgeMs: 0, maxEntries: 10 });
    cache.set('s', 'v', cache.generation());
    expect(cache.get('s')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep a fill that began before an invalidation (the old value read while a change was written)', () => {
    const cache = createLocalCache<string>({ maxAgeMs: 60_000, maxEntries: 10 });
    const since = cache.generation();
    cache.drop('other'); // any change meanwhile, of any key
    cache.set('s', 'old', since);
    expect(cache.get('s')).toBeUndefined();
    const later = cache.generation();
    cache.set('s', 'new', later);
    expect(cache.get('s')).toBe('new');
    cache.clear();
    expect(cache.get('s')).toBeUndefined();
  });

  it('is bypassed while it cannot hear of changes, and keeps nothing from that time', () => {
    let listening = true;
    const cache = createLocalCache<string>({ maxAgeMs: 60_000, maxEntries: 10 }, { listening: () => listening });
    cache.set('s', 'v', cache.generation());
    listening = false;
    expect(cache.get('s')).toBeUndefined();
    cache.set('t', 'v', cache.generation());
    listening = true;
    expect(cache.get('t')).toBeUndefined();
  });
});
