/**
 * The report's input (`before`, `months`), from the query string of the page or the body of
 * the reminder form: validated here, once. Empty means "the default".
 */
import { parsePlanDate } from '../login/plan-dates.js';
import { type LocalDate } from '../platform/dates.js';

export const DEFAULT_MONTHS = 12;
export const MAX_MONTHS = 60;

export type ReportField = 'before' | 'months';

/** One closed set of input problems; each is the user's to fix and shown in their language. */
export type ReportInputProblem = 'invalid_before' | 'invalid_months';

export interface FieldError {
  readonly field: ReportField;
  readonly problem: ReportInputProblem;
}

export interface ReportInput {
  /** The chosen cut-off date (local), or undefined for the default. */
  readonly before: LocalDate | undefined;
  readonly months: number;
}

/** What the form shows back: the text as the user typed it. */
export interface RawReportInput {
  readonly before: string;
  readonly months: string;
}

export type ParsedReportInput =
  | { ok: true; input: ReportInput; raw: RawReportInput }
  | { ok: false; errors: readonly FieldError[]; raw: RawReportInput };

export function parseReportInput(source: { before?: unknown; months?: unknown } | undefined): ParsedReportInput {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : undefined);
  const beforeText = text(source?.before);
  const monthsText = text(source?.months);
  const raw = { before: (beforeText ?? '').slice(0, 40), months: (monthsText ?? '').slice(0, 10) };
  const errors: FieldError[] = [];

  let before: LocalDate | undefined;
  if (beforeText === undefined) errors.push({ field: 'before', problem: 'invalid_before' });
  else if (beforeText !== '') {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(beforeText) ? parsePlanDate(beforeText) : undefined;
    if (!parsed || parsed.date.year < 2000 || parsed.date.year > 2100) errors.push({ field: 'before', problem: 'invalid_before' });
    else before = parsed.date;
  }

  let months = DEFAULT_MONTHS;
  if (monthsText === undefined) errors.push({ field: 'months', problem: 'invalid_months' });
  else if (monthsText !== '') {
    months = /^\d{1,2}$/.test(monthsText) ? Number(monthsText) : 0;
    if (months < 1 || months > MAX_MONTHS) errors.push({ field: 'months', problem: 'invalid_months' });
  }

  return errors.length > 0 ? { ok: false, errors, raw } : { ok: true, input: { before, months }, raw };
}

/** The query string that shows the same report again (empty values left out). */
export function reportQueryString(raw: RawReportInput): string {
  const params = new URLSearchParams();
  if (raw.before !== '') params.set('before', raw.before);
  if (raw.months !== '') params.set('months', raw.months);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}
