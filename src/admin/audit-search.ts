/**
 * The staff's search of the audit log: the search form read into a query (by person, event
 * and local date range) and the result as CSV. The query itself runs in audit/search.ts.
 */
import type { AuditEvent } from '../audit/service.js';
import type { AuditQuery } from '../audit/search.js';
import { localMidnight } from '../platform/dates.js';
import { escapeControlChars } from '../platform/control-chars.js';
import { collector, isoDate, personnummer, type Checked, type FieldErrors } from './validate.js';

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

function csvLine(e: AuditEvent): string {
  return [e.id, e.at, e.event, e.outcome, e.actor, e.subject, e.ip, e.details ? JSON.stringify(e.details) : null]
    .map(csvCell)
    .join(',');
}

/** The export: a header row and one row per event, CRLF line ends, UTF-8 with a BOM (so spreadsheets read å, ä, ö). */
export function auditCsv(events: readonly AuditEvent[]): string {
  return `\uFEFF${[CSV_COLUMNS.join(','), ...events.map(csvLine)].join('\r\n')}\r\n`;
}

/** The same export, a batch of events at a time (the BOM and header first), for streaming. */
export async function* auditCsvChunks(batches: AsyncIterable<readonly AuditEvent[]>): AsyncGenerator<string, void, undefined> {
  yield `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;
  for await (const events of batches) {
    if (events.length > 0) yield `${events.map(csvLine).join('\r\n')}\r\n`;
  }
}
