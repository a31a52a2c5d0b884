import { describe, expect, it } from 'vitest';
import type { PlanChange, PlannedMethod } from '../login/plan.js';
import { effectsDigest, firstWithoutLogin, planEffects, planVersion } from './plan-effects.js';

const NOW = new Date('2026-11-28T09:00:00Z');
const d = (iso: string) => new Date(iso);

function method(id: PlannedMethod['id'], from: string, until: string | null = null): PlannedMethod {
  return {
    id,
    sortOrder: 0,
    enabledFrom: d(from),
    enabledUntil: until ? d(until) : null,
    announceAs: 'day',
    notice: null,
    updatedAt: d('2026-01-01T00:00:00Z'),
  };
}

/** Telia works today; the Skatteverket card and BankID come next year. */
const PLAN = [
  method('telia_card', '2011-12-31T23:00:00Z'),
  method('svenska_pass_card', '2027-08-29T22:00:00Z'),
  method('bankid', '2027-09-14T22:00:00Z'),
];

function change(id: PlannedMethod['id'], c: Partial<PlanChange>): Required<PlanChange> {
  const m = PLAN.find((p) => p.id === id);
  if (!m) throw new Error(id);
  return {
    enabledFrom: c.enabledFrom ?? m.enabledFrom,
    enabledUntil: c.enabledUntil === undefined ? m.enabledUntil : c.enabledUntil,
    announceAs: c.announceAs ?? m.announceAs,
    notice: c.notice === undefined ? m.notice : c.notice,
  };
}

describe('what a change of the plan does', () => {
  it('has no effect when nothing changes for today or for who can log in: a coming date moved, a notice, how a date is written', () => {
    expect(planEffects(PLAN, 'bankid', change('bankid', { enabledFrom: d('2027-05-31T22:00:00Z') }), NOW)).toEqual({ effects: [], noneToday: false });
    expect(planEffects(PLAN, 'telia_card', change('telia_card', { notice: { sv: 'Å', en: 'A' }, announceAs: 'month' }), NOW).effects).toEqual([]);
    // A coming method that gets an end date: nobody loses a way to log in.
    expect(planEffects(PLAN, 'bankid', change('bankid', { enabledUntil: d('2028-01-01T00:00:00Z') }), NOW).effects).toEqual([]);
  });

  it('a method that starts working today', () => {
    expect(planEffects(PLAN, 'bankid', change('bankid', { enabledFrom: d('2026-11-01T00:00:00Z') }), NOW).effects).toEqual([
      { kind: 'startsToday', method: 'bankid' },
    ]);
  });

  it('a method that stops working today: back later, or not at all', () => {
    const plan = [PLAN[0], PLAN[1], method('bankid', '2026-01-01T00:00:00Z')] as PlannedMethod[];
    expect(planEffects(plan, 'bankid', change('bankid', { enabledFrom: d('2027-09-14T22:00:00Z') }), NOW).effects).toEqual([
      { kind: 'leavesLoginPage', method: 'bankid', startsAgain: d('2027-09-14T22:00:00Z') },
    ]);
    expect(
      planEffects(plan, 'bankid', { ...change('bankid', {}), enabledFrom: d('2026-01-01T00:00:00Z'), enabledUntil: d('2026-11-01T00:00:00Z') }, NOW)
        .effects,
    ).toEqual([{ kind: 'leavesLoginPage', method: 'bankid', startsAgain: null }]);
  });

  it('a coming method that ends before it starts working, and an ended one that is coming again', () => {
    expect(
      planEffects(PLAN, 'bankid', change('bankid', { enabledFrom: d('2026-01-01T00:00:00Z'), enabledUntil: d('2026-06-01T00:00:00Z') }), NOW).effects,
    ).toEqual([{ kind: 'leavesComing', method: 'bankid' }]);
    const ended = [PLAN[0], PLAN[1], method('bankid', '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z')] as PlannedMethod[];
    expect(planEffects(ended, 'bankid', change('bankid', { enabledUntil: null }), NOW).effects).toEqual([{ kind: 'comingAgain', method: 'bankid', from: d('2027-09-14T22:00:00Z') }]);
  });

  it('a method that works today gets an end date, or an earlier one: when it stops, and from when nobody can log in', () => {
    expect(planEffects(PLAN, 'telia_card', change('telia_card', { enabledUntil: d('2027-12-31T23:00:00Z') }), NOW).effects).toEqual([
      { kind: 'ends', method: 'telia_card', at: d('2027-12-31T23:00:00Z') },
    ]);
    // Ending before anything else starts leaves a gap.
    expect(planEffects(PLAN, 'telia_card', change('telia_card', { enabledUntil: d('2027-03-30T22:00:00Z') }), NOW).effects).toEqual([
      { kind: 'ends', method: 'telia_card', at: d('2027-03-30T22:00:00Z') },
      { kind: 'noneFrom', at: d('2027-03-30T22:00:00Z') },
    ]);
    // A later end date than before, or none: nothing to confirm.
    const ending = [method('telia_card', '2011-12-31T23:00:00Z', '2027-12-31T23:00:00Z'), PLAN[1], PLAN[2]] as PlannedMethod[];
    expect(planEffects(ending, 'telia_card', change('telia_card', { enabledUntil: d('2028-12-31T23:00:00Z') }), NOW).effects).toEqual([]);
    expect(planEffects(ending, 'telia_card', change('telia_card', { enabledUntil: null }), NOW).effects).toEqual([]);
  });

  it('a gap left as it is, or closed, is not warned of', () => {
    const gap = [method('telia_card', '2011-12-31T23:00:00Z', '2027-03-30T22:00:00Z'), PLAN[1], PLAN[2]] as PlannedMethod[];
    expect(firstWithoutLogin(gap, NOW)).toEqual(d('2027-03-30T22:00:00Z'));
    expect(planEffects(gap, 'bankid', change('bankid', { enabledFrom: d('2027-04-30T22:00:00Z') }), NOW).effects).toEqual([]);
    expect(planEffects(gap, 'bankid', change('bankid', { enabledFrom: d('2027-03-01T00:00:00Z') }), NOW).effects).toEqual([]);
  });

  it('no method working today: refused, whether the last one ends or moves', () => {
    expect(planEffects(PLAN, 'telia_card', change('telia_card', { enabledUntil: NOW }), NOW).noneToday).toBe(true);
    expect(planEffects(PLAN, 'telia_card', change('telia_card', { enabledFrom: d('2026-12-01T00:00:00Z') }), NOW).noneToday).toBe(true);
    // Another method taking over today is fine.
    const both = [PLAN[0], PLAN[1], method('bankid', '2026-01-01T00:00:00Z')] as PlannedMethod[];
    const r = planEffects(both, 'telia_card', change('telia_card', { enabledUntil: NOW }), NOW);
    expect(r.noneToday).toBe(false);
    expect(r.effects).toEqual([{ kind: 'leavesLoginPage', method: 'telia_card', startsAgain: null }]);
  });

  it('fingerprints the plan and the effects: any change of either changes them', () => {
    const v = planVersion(PLAN);
    expect(planVersion([...PLAN])).toBe(v);
    expect(planVersion([{ ...PLAN[0], updatedAt: d('2026-11-28T09:00:00Z') } as PlannedMethod, PLAN[1], PLAN[2]] as PlannedMethod[])).not.toBe(v);
    expect(planVersion([{ ...PLAN[0], notice: { sv: 'x', en: 'x' } } as PlannedMethod, PLAN[1], PLAN[2]] as PlannedMethod[])).not.toBe(v);
    const a = effectsDigest([{ kind: 'ends', method: 'telia_card', at: d('2027-12-31T23:00:00Z') }]);
    expect(effectsDigest([{ kind: 'ends', method: 'telia_card', at: d('2027-12-31T23:00:00Z') }])).toBe(a);
    expect(effectsDigest([{ kind: 'ends', method: 'telia_card', at: d('2027-12-30T23:00:00Z') }])).not.toBe(a);
  });
});
