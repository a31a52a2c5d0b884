/**
 * Dates of the rollout plan. Methods switch on at local midnight in the agency's time zone;
 * the plan says how a date is announced, as the notice does: "vecka 35", "i mitten av
 * september", a month, or a day.
 */
import { isoWeek, localDate, mondayOfIsoWeek, type LocalDate } from '../platform/dates.js';
import { messages, type Lang } from '../platform/i18n/index.js';

export type AnnounceAs = 'day' | 'week' | 'mid_month' | 'month';
export const ANNOUNCE_AS: readonly AnnounceAs[] = ['day', 'week', 'mid_month', 'month'];

/**
 * Parses a plan date as written in the plan file: `YYYY-MM-DD` (a day) or `YYYY-Www` (the
 * Monday of an ISO week, announced as the week). Returns undefined when invalid.
 */
export function parsePlanDate(text: string): { date: LocalDate; announceAs: AnnounceAs } | undefined {
  const week = /^(\d{4})-W(\d{2})$/.exec(text);
  if (week) {
    const year = Number(week[1]);
    const w = Number(week[2]);
    if (w < 1 || w > 53) return undefined;
    const monday = mondayOfIsoWeek(year, w);
    if (isoWeek(monday).week !== w) return undefined;
    return { date: monday, announceAs: 'week' };
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const date = { year: Number(day[1]), month: Number(day[2]), day: Number(day[3]) };
    const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
    if (check.getUTCMonth() !== date.month - 1 || check.getUTCDate() !== date.day) return undefined;
    return { date, announceAs: 'day' };
  }
  return undefined;
}

/**
 * How a plan date reads in running text ("vecka 35", "i mitten av september 2027", "15
 * september"). The year is added only when it differs from the current year.
 */
export function describePlanDate(lang: Lang, instant: Date, announceAs: AnnounceAs, now: Date, timeZone: string): string {
  const t = messages(lang);
  const date = localDate(instant, timeZone);
  const thisYear = localDate(now, timeZone).year;
  const monthName = t['date.months'].split(',')[date.month - 1] ?? '';
  const yearSuffix = (year: number) => (year === thisYear ? '' : ` ${year}`);
  switch (announceAs) {
    case 'week': {
      const w = isoWeek(date);
      return t['date.week']({ week: w.week, year: yearSuffix(w.year) });
    }
    case 'mid_month':
      return t['date.midMonth']({ month: monthName, year: yearSuffix(date.year) });
    case 'month':
      return t['date.month']({ month: monthName, year: yearSuffix(date.year) });
    case 'day':
      return t['date.day']({ day: date.day, month: monthName, year: yearSuffix(date.year) });
  }
}

/** A short absolute form for tables: always with the year ("vecka 35 2027", "15 september 2027"). */
export function describePlanDateLong(lang: Lang, instant: Date, announceAs: AnnounceAs, timeZone: string): string {
  return describePlanDate(lang, instant, announceAs, new Date(Date.UTC(1, 0, 1)), timeZone);
}
