import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { timeOrderedId } from './ids.js';

describe('time-ordered ids', () => {
  it('are UUIDv7 and sort in the order they were made, also within one millisecond', () => {
    const clock = new ManualClock('2026-11-28T10:00:00Z');
    const ids = Array.from({ length: 5000 }, () => timeOrderedId(clock));
    clock.advance(1);
    ids.push(timeOrderedId(clock));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
