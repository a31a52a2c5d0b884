import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { createOrderBook, type OrderRequest, type OrderRp } from './orders.js';

const RP: OrderRp = {
  fingerprint256: 'AA:BB',
  identity: { organisationName: 'Kundwebben Test AB', displayName: 'Kundwebben', orgnr: '5566778899' },
};
const REQUEST: OrderRequest = { endUserIp: '127.0.0.1', requirement: {}, returnRisk: false };

describe('order book', () => {
  it('keeps a never-started order collectable until 3 min 10 s after creation', () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const book = createOrderBook(clock);
    const created = book.create('auth', REQUEST, RP, null);
    if (!created.ok) throw new Error('not created');
    clock.advance(190_000);
    expect(book.get(created.order.orderRef)).toMatchObject({ status: 'failed', failedHint: 'startFailed', endedAt: Date.parse('2026-03-01T10:00:30Z') });
    clock.advance(1);
    expect(book.get(created.order.orderRef)).toBeUndefined();
  });

  it('keeps a failed started order for 5 minutes', () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const book = createOrderBook(clock);
    const created = book.create('sign', { ...REQUEST, userVisibleData: 'eA==' }, RP, null);
    if (!created.ok) throw new Error('not created');
    book.pickUp(created.order, 'qr', null);
    book.fail(created.order, 'userCancel');
    clock.advance(300_000);
    expect(book.get(created.order.orderRef)?.failedHint).toBe('userCancel');
    clock.advance(1);
    expect(book.sweep()).toBe(0);
  });

  it('a new pickup by the same person cancels that person\'s other pending order', () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const book = createOrderBook(clock);
    const a = book.create('auth', REQUEST, RP, null);
    const b = book.create('auth', REQUEST, RP, null);
    if (!a.ok || !b.ok) throw new Error('not created');
    book.pickUp(a.order, 'qr', '191212121212');
    book.pickUp(b.order, 'qr', '191212121212');
    expect(book.collect(a.order.orderRef, RP.fingerprint256)).toMatchObject({ status: 'failed', hintCode: 'cancelled' });
    expect(book.collect(b.order.orderRef, RP.fingerprint256)).toMatchObject({ status: 'pending', hintCode: 'userSign' });
  });

  // The portal's bench polls thousands of pending orders per second: collect must stay a Map
  // lookup and a few comparisons.
  it('collects 20 000 pending orders quickly', () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const book = createOrderBook(clock);
    const refs: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const created = book.create('auth', REQUEST, RP, null);
      if (created.ok) refs.push(created.order.orderRef);
    }
    const started = performance.now();
    let pending = 0;
    for (const ref of refs) if (book.collect(ref, RP.fingerprint256)?.status === 'pending') pending++;
    const elapsed = performance.now() - started;
    expect(pending).toBe(20_000);
    expect(elapsed).toBeLessThan(500);
  });
});
