/**
 * The timetable derived from the rollout plan: what the Kundwebbinfo page, the JSON feed
 * and the iCalendar feed all show. One derivation, three renderings.
 */
import { messages, type Lang, type TextKey } from '../platform/i18n/index.js';
import type { MethodId } from '../identity/methods.js';
import { describePlanDate, describePlanDateLong } from '../login/plan-dates.js';
import { dateTimeFormat } from '../platform/dates.js';
import type { Localised, SiteInfo } from '../platform/site.js';
import { statusAt, type MethodStatus, type PlannedMethod } from '../login/plan.js';

export interface TimetableEntry {
  id: MethodId;
  status: MethodStatus;
  name: Localised;
  enabledFrom: Date;
  enabledUntil: Date | null;
  announceAs: PlannedMethod['announceAs'];
  notice: Localised | null;
  updatedAt: Date;
}

export function methodName(id: MethodId): Localised {
  const key: TextKey = `method.${id}.name`;
  return { sv: messages('sv')[key], en: messages('en')[key] };
}

export function timetable(methods: readonly PlannedMethod[], now: Date): TimetableEntry[] {
  return methods.map((m) => ({
    id: m.id,
    status: statusAt(m, now),
    name: methodName(m.id),
    enabledFrom: m.enabledFrom,
    enabledUntil: m.enabledUntil,
    announceAs: m.announceAs,
    notice: m.notice,
    updatedAt: m.updatedAt,
  }));
}

export function planJson(entries: readonly TimetableEntry[], site: SiteInfo, now: Date) {
  const announced = (d: Date, a: TimetableEntry['announceAs']) => ({
    sv: describePlanDateLong('sv', d, a, site.timeZone),
    en: describePlanDateLong('en', d, a, site.timeZone),
  });
  return {
    generatedAt: now.toISOString(),
    timeZone: site.timeZone,
    methods: entries.map((e) => ({
      id: e.id,
      name: e.name,
      status: e.status,
      enabledFrom: e.enabledFrom.toISOString(),
      enabledUntil: e.enabledUntil?.toISOString() ?? null,
      announceAs: e.announceAs,
      announced: announced(e.enabledFrom, e.announceAs),
      notice: e.notice,
      updatedAt: e.updatedAt.toISOString(),
    })),
  };
}

/** RFC 5545 text escaping. */
function icsText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds content lines at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

function icsDate(d: Date, timeZone: string): string {
  const parts = dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  return parts.replace(/-/g, '');
}

function icsStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** An iCalendar feed: one all-day event per start and end of a login method. */
export function planIcs(entries: readonly TimetableEntry[], site: SiteInfo, lang: Lang, host: string): string {
  const t = messages(lang);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//${site.agencyShort}//Kundwebben//${lang.toUpperCase()}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(`${t['info.timetable.heading']} – Kundwebben`)}`,
    `X-WR-TIMEZONE:${site.timeZone}`,
  ];
  const event = (uid: string, date: Date, summary: string, description: string, stamp: Date) => {
    const next = new Date(date.getTime() + 36 * 3600 * 1000);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${uid}@${host}`,
      `DTSTAMP:${icsStamp(stamp)}`,
      `DTSTART;VALUE=DATE:${icsDate(date, site.timeZone)}`,
      `DTEND;VALUE=DATE:${icsDate(next, site.timeZone)}`,
      `SUMMARY:${icsText(summary)}`,
      `DESCRIPTION:${icsText(description)}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  };
  for (const e of entries) {
    const when = describePlanDateLong(lang, e.enabledFrom, e.announceAs, site.timeZone);
    const since = t['info.since']({ when, method: e.name[lang] });
    event(`${e.id}-start`, e.enabledFrom, `Kundwebben: ${e.name[lang]}`, [since, e.notice?.[lang]].filter(Boolean).join('\n'), e.updatedAt);
    if (e.enabledUntil) {
      const until = describePlanDateLong(lang, e.enabledUntil, 'day', site.timeZone);
      event(`${e.id}-end`, e.enabledUntil, `Kundwebben: ${e.name[lang]} – ${t['info.status.ended']}`, t['info.ending']({ when: until, method: e.name[lang] }), e.updatedAt);
    }
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** "vecka 35" style text for running prose (year only when not this year). */
export function when(lang: Lang, date: Date, announceAs: TimetableEntry['announceAs'], now: Date, site: SiteInfo): string {
  return describePlanDate(lang, date, announceAs, now, site.timeZone);
}
