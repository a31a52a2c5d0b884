/**
 * Dates of the rollout plan. Methods switch on at local midnight in the agency's time zone;
 * the plan says how a date is announced, as the notice does: "vecka 35", "i mitten av
 * september", a month, or a day.
 */
import { messages, type Lang } from '../platform/i18n/index.js';

export type AnnounceAs = 'day' | 'week' | 'mid_month' | 'month';
export const ANNOUNCE_AS: readonly AnnounceAs[] = ['day', 'week', 'mid_month', 'month'];

const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * A shared formatter per locale and options: constructing Intl.DateTimeFormat costs ~45 µs,
 * using one ~1 µs, and pages format dates on every request.
 */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The calendar date of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  const parts = dateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The UTC instant of local midnight starting `date` in `timeZone`. */
export function localMidnight(date: LocalDate, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  // The zone's offset at that moment; correct once more across a DST change.
  let instant = guess - offsetMs(new Date(guess), timeZone);
  instant = guess - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = dateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** ISO-8601 week number and week-year of a calendar date. */
export function isoWeek(date: LocalDate): { year: number; week: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const dayNum = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - dayNum + 3); // Thursday of this week
  const weekYear = d.getUTCFullYear();
  const week = 1 + Math.floor((d.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000));
  return { year: weekYear, week };
}

/** Monday of ISO week `week` in `year`. */
export function mondayOfIsoWeek(year: number, week: number): LocalDate {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000 + (week - 1) * 7 * 86_400_000);
  return { year: monday.getUTCFullYear(), month: monday.getUTCMonth() + 1, day: monday.getUTCDate() };
}

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

/** "28 november 2026 kl. 10:15" in the agency's zone. */
export function formatDateTime(lang: Lang, instant: Date, timeZone: string): string {
  return dateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
    timeZone,
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(instant);
}

export function formatDate(lang: Lang, instant: Date, timeZone: string): string {
  return dateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { timeZone, dateStyle: 'long' }).format(instant);
}
