import { describe, expect, it } from 'vitest';
import { createReceiptCache, receiptKey } from './receipt-cache.js';

const pdf = (size: number, fill = 1): Buffer => Buffer.alloc(size, fill);

describe('receipt cache', () => {
  it('attack: ever more distinct receipts are fetched → invariant: never more entries or bytes than the bounds, the least recently used go first', async () => {
    const cache = createReceiptCache({ maxEntries: 3, maxBytes: 250 });
    for (let n = 0; n < 50; n++) {
      await cache.get(`k${n}`, () => Promise.resolve(pdf(100)));
      expect(cache.stats().entries).toBeLessThanOrEqual(3);
      expect(cache.stats().bytes).toBeLessThanOrEqual(250);
    }
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 200, renders: 50, hits: 0 });
    // k48 used again, then a new one: k49 (least recently used) goes, k48 stays.
    await cache.get('k48', () => Promise.reject(new Error('not rendered again')));
    await cache.get('new', () => Promise.resolve(pdf(100)));
    await cache.get('k48', () => Promise.reject(new Error('not rendered again')));
    let rendered = false;
    await cache.get('k49', () => {
      rendered = true;
      return Promise.resolve(pdf(100));
    });
    expect(rendered).toBe(true);
  });

  it('attack: one receipt larger than the whole byte bound → invariant: sent, not kept, nothing else evicted for it', async () => {
    const cache = createReceiptCache({ maxEntries: 10, maxBytes: 1000 });
    await cache.get('small', () => Promise.resolve(pdf(10)));
    const big = await cache.get('big', () => Promise.resolve(pdf(5000)));
    expect(big.length).toBe(5000);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 10 });
  });

  it('attack: the same receipt requested many times at once → invariant: one rendering, the same bytes for all; a failed rendering is not kept', async () => {
    const cache = createReceiptCache({ maxEntries: 10, maxBytes: 1000 });
    let renders = 0;
    const render = async () => {
      renders++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return pdf(10, renders);
    };
    const all = await Promise.all(Array.from({ length: 5 }, () => cache.get('k', render)));
    expect(renders).toBe(1);
    expect(all.every((b) => b.equals(all[0] ?? Buffer.alloc(0)))).toBe(true);

    await expect(cache.get('bad', () => Promise.reject(new Error('render failed')))).rejects.toThrow(
      'render failed',
    );
    expect(await cache.get('bad', () => Promise.resolve(pdf(3)))).toHaveLength(3);
  });

  it('keys differ by case, evidence, language and any part of the content', () => {
    const base = { caseId: 'c', evidenceId: 'e', lang: 'sv', content: { organisation: 'Nordvik AB' } };
    const keys = new Set([
      receiptKey(base),
      receiptKey({ ...base, caseId: 'c2' }),
      receiptKey({ ...base, evidenceId: 'e2' }),
      receiptKey({ ...base, lang: 'en' }),
      receiptKey({ ...base, content: { organisation: 'Nordvik Holding AB' } }),
    ]);
    expect(keys.size).toBe(5);
    expect(receiptKey(base)).toBe(receiptKey({ ...base }));
  });
});
