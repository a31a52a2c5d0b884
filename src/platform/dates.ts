/**
 * Dates and times in the agency's time zone, for every feature: calendar dates of an
 * instant, local midnight (across DST), ISO weeks, and the one display format per language
 * ("28 november 2026 kl. 10:15", "1 August 2027"). Formatters are shared per locale.
 */
import type { Lang } from './i18n/index.js';

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

/**
 * The UTC instant of a local wall-clock time in `timeZone` (the later one in a DST gap):
 * the zone's offset at midnight, then once more at the guessed instant (DST changes at night).
 */
export function zonedInstant(date: LocalDate, hour: number, minute: number, second: number, timeZone: string): Date {
  const midnight = localMidnight(date, timeZone);
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute, second);
  let guess = wall - offsetMs(midnight, timeZone);
  guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
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

/**
 * A calendar date as stored (`YYYY-MM-DD`, no time or zone) in the display format of the
 * language: "15 oktober 2026", "15 October 2026"; anything else is returned as it is.
 */
export function formatCalendarDate(lang: Lang, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const instant = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(instant.getTime())) return iso;
  return dateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: 'UTC', dateStyle: 'long' }).format(instant);
}

/** A length of time as people say it: "20 minuter", "1 timme", "10 hours" (whole minutes or hours). */
export function formatDuration(lang: Lang, seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  const hours = minutes / 60;
  if (minutes >= 120 && Number.isInteger(hours)) {
    return lang === 'sv' ? `${hours} ${hours === 1 ? 'timme' : 'timmar'}` : `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return lang === 'sv' ? `${minutes} ${minutes === 1 ? 'minut' : 'minuter'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
