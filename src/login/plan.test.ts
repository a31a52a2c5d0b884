import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { createAuditLog } from '../audit/service.js';
import { ConfigError } from '../config/config.js';
import { ManualClock } from '../platform/clock.js';
import { loadPlanFile, parsePlanFile } from './plan-file.js';
import { createRolloutPlan, statusAt } from './plan.js';

const site = {
  agency: { sv: 'Myndigheten', en: 'the agency' },
  agencyShort: 'M',
  supportEmail: 'it@example.se',
  timeZone: 'Europe/Stockholm',
  skatteverketIdCardUrl: 'https://example.se',
  accessibilityReviewed: '2026-11-28',
};

describe('plan file', () => {
  it('reads the shipped plan: Telia now, Skatteverket card in week 35, BankID mid-September', () => {
    const plan = loadPlanFile('config/rollout-plan.json');
    expect(plan.methods.map((m) => [m.id, m.announceAs])).toEqual([
      ['telia_card', 'day'],
      ['svenska_pass_card', 'week'],
      ['bankid', 'mid_month'],
    ]);
    expect(plan.methods[1]?.enabledFrom.toISOString()).toBe('2027-08-29T22:00:00.000Z');
    expect(plan.site.supportEmail).toBe('it@isp.se');
  });

  it('reads how to get the new Net iD Client (the agency’s words, a download address) and refuses an address that is not https', () => {
    const methods = [{ id: 'telia_card', enabledFrom: '2012-01-01' }];
    const good = parsePlanFile({ site: { ...site, netIdClient: { instructions: { sv: 'Hämta den här:', en: 'Get it here:' }, url: 'https://isp.example/netid' } }, methods });
    expect(good.site.netIdClient).toEqual({ instructions: { sv: 'Hämta den här:', en: 'Get it here:' }, url: 'https://isp.example/netid' });
    expect(parsePlanFile({ site, methods }).site.netIdClient).toBeUndefined();
    expect(() => parsePlanFile({ site: { ...site, netIdClient: { url: 'javascript:alert(1)' } }, methods })).toThrow(/site\.netIdClient\.url must be an https address/);
  });

  it('refuses unknown methods, duplicates, bad dates and end before start, listing each', () => {
    const bad = {
      site,
      methods: [
        { id: 'freja', enabledFrom: '2027-01-01' },
        { id: 'bankid', enabledFrom: '2027-13-01' },
        { id: 'telia_card', enabledFrom: '2027-01-01', enabledUntil: '2026-01-01' },
        { id: 'telia_card', enabledFrom: '2027-01-01', announceAs: 'soon' },
      ],
    };
    let error: unknown;
    try {
      parsePlanFile(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/methods\[0\]\.id must be one of/);
    expect(problems).toMatch(/methods\[1\]\.enabledFrom/);
    expect(problems).toMatch(/methods\[2\]\.enabledUntil must be after enabledFrom/);
    expect(problems).toMatch(/methods\[3\]\.id telia_card appears twice/);
    expect(problems).toMatch(/methods\[3\]\.announceAs/);
  });
});

for (const kind of DATABASE_KINDS) {
  describe(`rollout plan service (${kind.name})`, () => {
    let t: TestDatabase;
    const clock = new ManualClock('2026-11-28T10:00:00Z');
    beforeAll(async () => {
      t = await kind.open();
    });
    afterAll(() => t.close());

    it('seeds rows once, leaves edited rows alone, and answers what is enabled at each date', async () => {
      const audit = createAuditLog(t.db, clock);
      const plan = createRolloutPlan({ db: t.db, clock, audit });
      const file = loadPlanFile('config/rollout-plan.json');
      expect(await plan.seed(file.methods)).toEqual(['telia_card', 'svenska_pass_card', 'bankid']);
      expect(await plan.seed(file.methods)).toEqual([]);

      expect((await plan.enabledNow()).map((m) => m.id)).toEqual(['telia_card']);
      clock.set('2027-08-29T21:59:59Z'); // Sunday 23:59:59 in Stockholm, before week 35
      expect(await plan.isEnabled('svenska_pass_card')).toBe(false);
      clock.set('2027-08-29T22:00:00Z'); // Monday of week 35, 00:00 Stockholm
      expect(await plan.isEnabled('svenska_pass_card')).toBe(true);
      expect(await plan.isEnabled('bankid')).toBe(false);
      clock.set('2027-09-15T10:00:00Z');
      expect((await plan.enabledNow()).map((m) => m.id)).toEqual(['telia_card', 'svenska_pass_card', 'bankid']);

      const changed = await plan.change('telia_card', { enabledUntil: new Date('2027-12-31T23:00:00Z') }, '196408231238', '10.0.0.1');
      expect(statusAt(changed, new Date('2027-12-31T22:59:59Z'))).toBe('enabled');
      expect(statusAt(changed, new Date('2027-12-31T23:00:00Z'))).toBe('ended');
      await expect(plan.change('bankid', { enabledUntil: new Date('2020-01-01') }, null)).rejects.toThrow(RangeError);

      // The seed does not overwrite the change.
      await plan.seed(file.methods);
      expect((await plan.methods()).find((m) => m.id === 'telia_card')?.enabledUntil?.toISOString()).toBe('2027-12-31T23:00:00.000Z');

      const events = await audit.list({ event: 'plan_changed' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: '196408231238', subject: 'telia_card', ip: '10.0.0.1' });
      expect(events[0]?.details).toMatchObject({ before: { enabledUntil: null }, after: { enabledUntil: '2027-12-31T23:00:00.000Z' } });
    });

    it('changes a method only if the plan is as expected when it writes (changeIf), and reads past the cache (current)', async () => {
      const audit = createAuditLog(t.db, clock);
      const plan = createRolloutPlan({ db: t.db, clock, audit });
      const other = createRolloutPlan({ db: t.db, clock, audit });
      await plan.seed(loadPlanFile('config/rollout-plan.json').methods);
      const audits = async () => (await audit.list({ event: 'plan_changed' })).length;
      const seen = await plan.methods();
      const seenBankid = seen.find((m) => m.id === 'bankid');
      // Another instance changes BankID; this instance's cache still has the old plan.
      await other.change('bankid', { enabledFrom: new Date('2027-10-01T22:00:00Z') }, null);
      expect((await plan.methods()).find((m) => m.id === 'bankid')).toEqual(seenBankid);
      expect((await plan.current()).find((m) => m.id === 'bankid')?.enabledFrom.toISOString()).toBe('2027-10-01T22:00:00.000Z');

      const count = await audits();
      const unchanged = (current: readonly { id: string; enabledFrom: Date }[]) =>
        current.every((m) => seen.find((s) => s.id === m.id)?.enabledFrom.getTime() === m.enabledFrom.getTime());
      expect(await plan.changeIf('bankid', { enabledFrom: new Date('2027-06-01T22:00:00Z') }, 'x', null, unchanged)).toBeUndefined();
      expect((await plan.current()).find((m) => m.id === 'bankid')?.enabledFrom.toISOString()).toBe('2027-10-01T22:00:00.000Z');
      expect(await audits()).toBe(count);

      const changed = await plan.changeIf('bankid', { enabledFrom: new Date('2027-06-01T22:00:00Z') }, 'x', null, () => true);
      expect(changed?.enabledFrom.toISOString()).toBe('2027-06-01T22:00:00.000Z');
      expect(await audits()).toBe(count + 1);
    });
  });
}
