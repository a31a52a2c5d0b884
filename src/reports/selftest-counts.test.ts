/**
 * The administrator's counts of e-ID self-tests: per ISO week, method, what was tested and
 * outcome, beside the at-risk report; never a personal number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEDDA, seedAtRiskScenario } from '../../test/support/at-risk-scenario.js';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { selftestsPerWeek } from './selftest-counts.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedAtRiskScenario(t);
  const record = (at: string, subject: string, ok: boolean, usage: 'login' | 'sign', reason?: string) => {
    t.clock.set(at);
    return t.services.audit.record({ event: 'eid_selftest', outcome: ok ? 'success' : 'failure', actor: null, subject, details: { usage, ...(reason ? { reason } : {}) } });
  };
  // Week 48 of 2026 (TEST_NOW is Saturday 28 November) and week 47; one far too old.
  await record('2026-11-23T07:30:00Z', 'telia_card', true, 'login');
  await record('2026-11-27T10:00:00Z', 'telia_card', true, 'login');
  await record('2026-11-27T11:00:00Z', 'telia_card', false, 'login', 'revoked');
  await record('2026-11-28T08:00:00Z', 'bankid', true, 'login');
  await record('2026-11-28T08:10:00Z', 'card', false, 'sign', 'no_signing_certificate');
  // Sunday 22 November 23:30 in Stockholm is still week 47.
  await record('2026-11-22T22:30:00Z', 'svenska_pass_card', true, 'login');
  await record('2026-06-01T08:00:00Z', 'bankid', true, 'login');
  t.clock.set(TEST_NOW);
}, 60_000);
afterAll(() => t.close());

describe('e-ID self-tests per week', () => {
  it('counts per local ISO week, method, usage and outcome, over the last eight weeks', async () => {
    const rows = await selftestsPerWeek({ db: t.services.db, now: t.clock.now(), timeZone: 'Europe/Stockholm' });
    expect(rows).toEqual([
      { year: 2026, week: 48, subject: 'telia_card', usage: 'login', ok: 2, failed: 1 },
      { year: 2026, week: 48, subject: 'bankid', usage: 'login', ok: 1, failed: 0 },
      { year: 2026, week: 48, subject: 'card', usage: 'sign', ok: 0, failed: 1 },
      { year: 2026, week: 47, subject: 'svenska_pass_card', usage: 'login', ok: 1, failed: 0 },
    ]);
  });

  it('shows the table on the at-risk page, in both languages, to administrators only', async () => {
    const admin = await t.loginAs(HEDDA);
    const sv = await t.app.inject({ url: '/admin/at-risk', headers: { cookie: admin.cookie } });
    expect(sv.statusCode).toBe(200);
    expect(sv.body).toContain('Tester av e-legitimation per vecka');
    expect(sv.body).toMatch(/<td>Vecka 48 2026<\/td><td>ID-kort från Telia<\/td><td>Inloggning<\/td><td>2<\/td><td>1<\/td>/);
    const en = await t.app.inject({ url: '/admin/at-risk', headers: { cookie: `${admin.cookie}; kw_lang=en` } });
    expect(en.body).toContain('e-ID tests per week');
    expect(en.body).toMatch(/<td>Week 48 2026<\/td><td>ID card \(unknown issuer\)<\/td><td>Signing<\/td><td>0<\/td><td>1<\/td>/);
    expect((await t.app.inject('/admin/at-risk')).statusCode).toBe(401);
  });
});
