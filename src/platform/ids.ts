/**
 * Time-ordered identifiers (UUID version 7, RFC 9562): the first 48 bits are the clock's
 * milliseconds, then a per-process sequence, then randomness. Ordering rows by such an id
 * keeps the order they were written in, also when two share a millisecond (or a test's
 * frozen clock), which a random UUID as a tie-breaker does not.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';

let lastMs = -1;
let sequence = 0;

export function timeOrderedId(clock: Clock): string {
  let ms = clock.now().getTime();
  if (ms <= lastMs) {
    // Same (or an earlier) millisecond: count on in the 12-bit sequence, borrowing the next
    // millisecond when it runs out, so ids from this process never go backwards.
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      ms += 1;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
