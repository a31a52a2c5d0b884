/**
 * Sessions without a login stay bounded: a cookieless caller gets an anonymous session only
 * for a login form, at most so many per minute and address, and expired ones are swept.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBankIdTestbed, type BankIdTestbed } from '../../test/support/bankid.js';

const LIMIT = 30;
let tb: BankIdTestbed;
beforeAll(async () => {
  tb = await startBankIdTestbed({ env: { KW_ANONYMOUS_SESSIONS_PER_MINUTE: String(LIMIT) } });
}, 60_000);
afterAll(() => tb.close());

const sessions = async () =>
  Number((await sql<{ n: number | string }>`select count(*) as n from kv_store where key like ${'sess:%'}`.execute(tb.t.services.db)).rows[0]?.n ?? 0);

describe('anonymous sessions', () => {
  it(`attack: 100 cookieless GETs of the BankID login page from one address (login rate limit set high) → invariant: at most ${LIMIT} anonymous sessions a minute, the rest told to wait; other addresses unaffected; housekeeping removes expired ones`, async () => {
    const base = await sessions();
    const answers: number[] = [];
    for (let i = 0; i < 100; i++) answers.push((await tb.t.app.inject({ url: '/login/bankid', remoteAddress: '203.0.113.9' })).statusCode);
    expect(answers.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(answers.filter((s) => s === 429)).toHaveLength(100 - LIMIT);
    expect((await sessions()) - base).toBe(LIMIT);
    // The same /64 is the same address; another address still gets its login page.
    expect((await tb.t.app.inject({ url: '/login/bankid', remoteAddress: '2001:db8:1:2::1' })).statusCode).toBe(200);
    expect((await tb.t.app.inject({ url: '/login/bankid', remoteAddress: '198.51.100.20' })).statusCode).toBe(200);
    // A minute later the address may again.
    tb.clock.advance(61_000);
    expect((await tb.t.app.inject({ url: '/login/bankid', remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
    // Once idle past their lifetime, housekeeping removes them: the rows do not stay forever.
    tb.clock.advance((tb.t.config.session.idleSeconds + 1) * 1000);
    const removed = (await tb.t.services.housekeeping.runOnce())['expiredStoreRows'] ?? 0;
    expect(removed).toBeGreaterThanOrEqual(LIMIT + 3);
    expect(Number((await sql<{ n: number | string }>`select count(*) as n from kv_store where expires_at <= ${tb.clock.now().getTime()}`.execute(tb.t.services.db)).rows[0]?.n)).toBe(0);
  });

  it('a page without a form (the information page) makes no session for a cookieless caller', async () => {
    const base = await sessions();
    for (let i = 0; i < 20; i++) expect((await tb.t.app.inject({ url: '/info', remoteAddress: '203.0.113.10' })).headers['set-cookie']).toBeUndefined();
    expect(await sessions()).toBe(base);
  });
});
