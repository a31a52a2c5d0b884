import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { createAccounts } from '../accounts/service.js';
import { createAuditLog } from '../audit/service.js';
import { loadPlanFile } from '../login/plan-file.js';
import { createRolloutPlan } from '../login/plan.js';
import { ManualClock } from '../platform/clock.js';
import { cardExpiryWarning } from './expiry.js';

for (const kind of DATABASE_KINDS) {
  describe(`card expiry warnings (${kind.name})`, () => {
    let t: TestDatabase;
    const clock = new ManualClock('2026-11-28T10:00:00Z');
    let plan: ReturnType<typeof createRolloutPlan>;
    const seen = async (personnummer: string, method: string, lastUsed: string, notAfter: string | null) => {
      await t.db
        .insertInto('credential_seen')
        .values({ personnummer, method, first_used_at: lastUsed, last_used_at: lastUsed, cert_issuer: 'CN=x', cert_serial: '01', cert_not_after: notAfter })
        .execute();
    };
    const warn = (personnummer: string, method: 'telia_card' | 'svenska_pass_card' | 'bankid') =>
      cardExpiryWarning({ db: t.db, plan, now: clock.now(), personnummer, method, windowDays: 60, otherMethodDays: 90 });

    beforeAll(async () => {
      t = await kind.open();
      plan = createRolloutPlan({ db: t.db, clock, audit: createAuditLog(t.db, clock) });
      await plan.seed(loadPlanFile('config/rollout-plan.json').methods);
      const accounts = createAccounts({ db: t.db, clock });
      for (const [pnr, name] of [
        ['191212121212', 'A'],
        ['198112289874', 'B'],
        ['197010632391', 'C'],
        ['196408231238', 'D'],
      ] as const) {
        await accounts.upsertPerson({ personnummer: pnr, name });
      }
      await seen('191212121212', 'telia_card', '2026-11-28T09:00:00Z', '2027-03-01T00:00:00Z'); // before week 35
      await seen('198112289874', 'telia_card', '2026-11-28T09:00:00Z', '2029-01-01T00:00:00Z'); // long after
      await seen('197010632391', 'telia_card', '2026-11-28T09:00:00Z', '2026-12-20T00:00:00Z'); // within 60 days
      await seen('197010632391', 'bankid', '2026-10-01T09:00:00Z', null); // but uses another method recently
      await seen('196408231238', 'telia_card', '2026-11-28T09:00:00Z', '2026-12-20T00:00:00Z');
      await seen('196408231238', 'bankid', '2026-01-01T09:00:00Z', null); // not recently
    });
    afterAll(() => t.close());

    it('warns when the card expires before the next planned method, naming it', async () => {
      const w = await warn('191212121212', 'telia_card');
      expect(w).toMatchObject({ method: 'telia_card', expired: false, nextPlanned: { id: 'svenska_pass_card' }, bankId: 'planned', svenskaPass: 'planned' });
    });

    it('does not warn about a card valid long after every planned method', async () => {
      expect(await warn('198112289874', 'telia_card')).toBeUndefined();
    });

    it('does not warn someone who used another method recently, but does when that was long ago', async () => {
      expect(await warn('197010632391', 'telia_card')).toBeUndefined();
      expect(await warn('196408231238', 'telia_card')).toMatchObject({ nextPlanned: { id: 'svenska_pass_card' } });
    });

    it('warns within the window even with nothing planned, and says BankID is there once it is', async () => {
      clock.set('2027-10-01T10:00:00Z');
      await t.db.updateTable('credential_seen').set({ cert_not_after: '2027-11-01T00:00:00Z' }).where('personnummer', '=', '198112289874').execute();
      expect(await warn('198112289874', 'telia_card')).toMatchObject({ nextPlanned: null, bankId: 'enabled', expired: false });
      clock.set('2027-11-02T10:00:00Z');
      expect(await warn('198112289874', 'telia_card')).toMatchObject({ expired: true });
      expect(await warn('198112289874', 'bankid')).toBeUndefined();
    });
  });
}
