import { describe, expect, it } from 'vitest';
import { describePlanDate, parsePlanDate } from './plan-dates.js';
import { isoWeek, localDate, localMidnight, mondayOfIsoWeek } from '../platform/dates.js';

const TZ = 'Europe/Stockholm';

describe('plan dates', () => {
  it('finds ISO weeks, including around the turn of the year', () => {
    expect(isoWeek({ year: 2027, month: 8, day: 30 })).toEqual({ year: 2027, week: 35 });
    expect(isoWeek({ year: 2026, month: 12, day: 31 })).toEqual({ year: 2026, week: 53 });
    expect(isoWeek({ year: 2027, month: 1, day: 1 })).toEqual({ year: 2026, week: 53 });
    expect(isoWeek({ year: 2025, month: 12, day: 29 })).toEqual({ year: 2026, week: 1 });
    expect(mondayOfIsoWeek(2027, 35)).toEqual({ year: 2027, month: 8, day: 30 });
  });

  it('parses weeks and days and refuses nonsense', () => {
    expect(parsePlanDate('2027-W35')).toEqual({ date: { year: 2027, month: 8, day: 30 }, announceAs: 'week' });
    expect(parsePlanDate('2027-09-15')).toEqual({ date: { year: 2027, month: 9, day: 15 }, announceAs: 'day' });
    expect(parsePlanDate('2027-02-30')).toBeUndefined();
    expect(parsePlanDate('2027-W54')).toBeUndefined();
    expect(parsePlanDate('2027-W53')).toBeUndefined();
    expect(parsePlanDate('mid-September')).toBeUndefined();
  });

  it('converts local midnight in Stockholm to UTC in summer and winter', () => {
    expect(localMidnight({ year: 2027, month: 8, day: 30 }, TZ).toISOString()).toBe('2027-08-29T22:00:00.000Z');
    expect(localMidnight({ year: 2027, month: 1, day: 15 }, TZ).toISOString()).toBe('2027-01-14T23:00:00.000Z');
    expect(localDate(new Date('2027-08-29T22:00:00Z'), TZ)).toEqual({ year: 2027, month: 8, day: 30 });
  });

  it('describes dates as the notice does, with the year only when it is not this year', () => {
    const now2027 = new Date('2027-05-01T10:00:00Z');
    const now2026 = new Date('2026-11-28T10:00:00Z');
    const week35 = localMidnight({ year: 2027, month: 8, day: 30 }, TZ);
    const sep15 = localMidnight({ year: 2027, month: 9, day: 15 }, TZ);
    expect(describePlanDate('sv', week35, 'week', now2027, TZ)).toBe('vecka 35');
    expect(describePlanDate('sv', week35, 'week', now2026, TZ)).toBe('vecka 35 2027');
    expect(describePlanDate('sv', sep15, 'mid_month', now2027, TZ)).toBe('i mitten av september');
    expect(describePlanDate('en', sep15, 'mid_month', now2027, TZ)).toBe('in mid-September');
    expect(describePlanDate('sv', sep15, 'day', now2026, TZ)).toBe('15 september 2027');
    expect(describePlanDate('en', sep15, 'month', now2027, TZ)).toBe('in September');
  });
});
