/**
 * Searching the audit log for staff: by person (as actor, subject or in the details), by
 * event and by local date range; a page at a time on screen, the whole result as CSV.
 */
import type { AuditEvent } from '../audit/service.js';
import { localMidnight } from '../platform/dates.js';
import { escapeControlChars } from '../platform/control-chars.js';
import type { Db } from '../platform/db/index.js';
import { collector, isoDate, personnummer, type Checked, type FieldErrors } from './validate.js';

export const PAGE_SIZE = 50;
/** The most rows one CSV export holds; the admin narrows the search for more. */
export const CSV_MAX_ROWS = 100_000;

export interface AuditQuery {
  /** Canonical personnummer. */
  person?: string;
  event?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive (the local midnight after the "to" day). */
  to?: Date;
}

export interface AuditFormValues {
  person: string;
  event: string;
  from: string;
  to: string;
}

export type AuditQueryResult = { ok: true; query: AuditQuery } | { ok: false; errors: FieldErrors };

/** Reads the search form (all fields optional); the local dates are the agency's. */
export function checkAuditQuery(values: AuditFormValues, today: Date, timeZone: string): AuditQueryResult {
  const { errors, take } = collector();
  const query: AuditQuery = {};
  if (values.person.trim() !== '') {
    const person = take('person', personnummer(values.person, today));
    if (person) query.person = person;
  }
  if (values.event !== '') {
    const event = take<string>(
      'event',
      /^[a-z][a-z0-9_]{0,59}$/.test(values.event)
        ? { ok: true, value: values.event }
        : { ok: false, error: { key: 'admin.audit.error.event' } },
    );
    if (event) query.event = event;
  }
  const day = (raw: string): Checked<{ year: number; month: number; day: number }> => {
    const date = isoDate(raw);
    return date ? { ok: true, value: date } : { ok: false, error: { key: 'admin.audit.error.date' } };
  };
  const from = values.from.trim() === '' ? undefined : take('from', day(values.from));
  const to = values.to.trim() === '' ? undefined : take('to', day(values.to));
  if (from) query.from = localMidnight(from, timeZone);
  if (to) query.to = localMidnight(nextDay(to), timeZone);
  if (query.from && query.to && query.to.getTime() <= query.from.getTime())
    errors['to'] = { key: 'admin.audit.error.toBeforeFrom' };
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, query };
}

function nextDay(date: { year: number; month: number; day: number }) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function createAuditSearch(db: Db) {
  function filtered(query: AuditQuery) {
    let q = db.selectFrom('audit_event');
    const { person, event, from, to } = query;
    if (person !== undefined) {
      // A canonical number is 12 digits: no LIKE wildcards can come from it.
      q = q.where((eb) =>
        eb.or([eb('actor', '=', person), eb('subject', '=', person), eb('details', 'like', `%${person}%`)]),
      );
    }
    if (event !== undefined) q = q.where('event', '=', event);
    if (from !== undefined) q = q.where('at', '>=', from.toISOString());
    if (to !== undefined) q = q.where('at', '<', to.toISOString());
    return q;
  }
  const toEvent = (r: {
    id: number | string;
    at: string;
    event: string;
    outcome: 'success' | 'failure';
    actor: string | null;
    subject: string | null;
    ip: string | null;
    details: string | null;
  }): AuditEvent => ({
    ...r,
    id: Number(r.id),
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  });

  return {
    /** One page (1-based) of matching events, newest first (by time, then by id), and how many match in all. */
    async page(query: AuditQuery, page: number): Promise<{ events: AuditEvent[]; total: number }> {
      const count = await filtered(query)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const rows = await filtered(query)
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .execute();
      return { events: rows.map(toEvent), total: Number(count.n) };
    },
    /** Every matching event, newest first, up to `max`. */
    async all(query: AuditQuery, max = CSV_MAX_ROWS): Promise<AuditEvent[]> {
      const rows = await filtered(query)
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(max)
        .execute();
      return rows.map(toEvent);
    },
    /** The event names the log holds, for the filter's choices. */
    async eventNames(): Promise<string[]> {
      const rows = await db.selectFrom('audit_event').select('event').distinct().orderBy('event').execute();
      return rows.map((r) => r.event);
    },
  };
}

export type AuditSearch = ReturnType<typeof createAuditSearch>;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote or delimiter. Control, bidi and
 * separator characters (line breaks included) are escaped as `\u202E` (src/platform/
 * control-chars.ts, JSON's own escape, so the details column stays the same JSON): a value
 * can neither be shown reordered nor break into what looks like more lines or rows, and
 * every event is exactly one line. A cell a spreadsheet would run as a formula (starting
 * with = + - @, or a tab or carriage return) gets a leading apostrophe, so opening the
 * export cannot execute anything (OWASP "CSV injection").
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  text = escapeControlChars(text);
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS = ['id', 'at', 'event', 'outcome', 'actor', 'subject', 'ip', 'details'] as const;

/** The export: a header row and one row per event, CRLF line ends, UTF-8 with a BOM (so spreadsheets read å, ä, ö). */
export function auditCsv(events: readonly AuditEvent[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of events) {
    lines.push(
      [e.id, e.at, e.event, e.outcome, e.actor, e.subject, e.ip, e.details ? JSON.stringify(e.details) : null]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
