/**
 * The rendered receipts, kept in memory: a submitted case never changes, so its receipt is
 * rendered once per language (and per version of what it shows) rather than on every
 * download. A least-recently-used cache bounded by entries and by bytes; a receipt larger
 * than the byte bound is sent but not kept. Concurrent requests for the same receipt share
 * one rendering.
 *
 * The cache knows nothing of access: the route asks it only after deciding that the caller
 * may read the case.
 */
import { createHash } from 'node:crypto';

export interface ReceiptCacheStats {
  entries: number;
  bytes: number;
  /** Receipts rendered (not found in the cache). */
  renders: number;
  /** Receipts answered from the cache or from a rendering already under way. */
  hits: number;
}

export interface ReceiptCache {
  /** The receipt under `key`; `render` runs only when it is neither kept nor being rendered. */
  get(key: string, render: () => Promise<Buffer>): Promise<Buffer>;
  stats(): ReceiptCacheStats;
}

/**
 * The key of a receipt: the case and its evidence, the language, and a digest of everything
 * the receipt shows (so an organisation renamed or a configuration changed since gives a new
 * receipt, never a stale one).
 */
export function receiptKey(parts: {
  caseId: string;
  evidenceId: string;
  lang: string;
  content: unknown;
}): string {
  const digest = createHash('sha256').update(JSON.stringify(parts.content)).digest('base64url');
  return `${parts.caseId}/${parts.evidenceId}/${parts.lang}/${digest}`;
}

export function createReceiptCache(limits: { maxEntries: number; maxBytes: number }): ReceiptCache {
  /** In order of use, the least recently used first. */
  const kept = new Map<string, Buffer>();
  const rendering = new Map<string, Promise<Buffer>>();
  let bytes = 0;
  let renders = 0;
  let hits = 0;

  function keep(key: string, pdf: Buffer): void {
    if (limits.maxEntries <= 0 || pdf.length > limits.maxBytes) return;
    const previous = kept.get(key);
    if (previous) {
      kept.delete(key);
      bytes -= previous.length;
    }
    kept.set(key, pdf);
    bytes += pdf.length;
    for (const [oldKey, old] of kept) {
      if (kept.size <= limits.maxEntries && bytes <= limits.maxBytes) break;
      kept.delete(oldKey);
      bytes -= old.length;
    }
  }

  return {
    get(key, render) {
      const found = kept.get(key);
      if (found) {
        hits++;
        // Most recently used: to the end of the order.
        kept.delete(key);
        kept.set(key, found);
        return Promise.resolve(found);
      }
      const pending = rendering.get(key);
      if (pending) {
        hits++;
        return pending;
      }
      renders++;
      const started = Promise.resolve()
        .then(render)
        .then(
          (pdf) => {
            rendering.delete(key);
            keep(key, pdf);
            return pdf;
          },
          (error: unknown) => {
            rendering.delete(key);
            throw error;
          },
        );
      rendering.set(key, started);
      return started;
    },
    stats: () => ({ entries: kept.size, bytes, renders, hits }),
  };
}
