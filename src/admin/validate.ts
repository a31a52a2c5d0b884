/**
 * Checking what staff type into the admin forms. Every check returns a message key (shown
 * next to the field, in the reader's language) instead of throwing, so a form with several
 * problems reports all of them and nothing is saved.
 */
import type { MembershipRole } from '../identity/roles.js';
import { parseOrgnr } from '../accounts/orgnr.js';
import { parsePersonalNumber } from '../identity/personnummer.js';
import type { MessageKey } from '../platform/i18n/index.js';

export interface FieldError {
  readonly key: MessageKey;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** Problems by field name; empty when the form is good. */
export type FieldErrors = Record<string, FieldError>;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: FieldError };

/** A form body as @fastify/formbody gives it: strings, or arrays for repeated names. */
export type FormBody = Record<string, unknown> | undefined | null;

/** The field as one string; a repeated or missing field reads as ''. */
export function field(body: FormBody, name: string): string {
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

/**
 * C0 and C1 control characters (tabs and line breaks included) and the Unicode bidirectional
 * overrides, which can make a text read differently from what it contains.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * A line of text: NFC-normalised and trimmed; refused when it holds control characters or
 * is longer than `max` characters (counted in code points, as people count).
 */
export function text(raw: string, options: { max: number; required: boolean }): Checked<string> {
  const value = raw.normalize('NFC').trim();
  if (value === '')
    return options.required ? { ok: false, error: { key: 'admin.error.required' } } : { ok: true, value };
  if (FORBIDDEN.test(value)) return { ok: false, error: { key: 'admin.error.controlChars' } };
  const length = codePointLength(value);
  if (length > options.max)
    return { ok: false, error: { key: 'admin.error.tooLong', params: { max: options.max, length } } };
  return { ok: true, value };
}

/** Characters as people count them (code points, not UTF-16 units), as PostgreSQL counts varchar. */
export function codePointLength(value: string): number {
  // Surrogate pairs are one character each.
  return value.length - (value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

/** An optional e-mail address (the same rule as the CSV import); '' means none. */
export function email(raw: string): Checked<string | null> {
  const checked = text(raw, { max: 254, required: false });
  if (!checked.ok) return checked;
  if (checked.value === '') return { ok: true, value: null };
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(checked.value))
    return { ok: false, error: { key: 'admin.error.email' } };
  return { ok: true, value: checked.value };
}

/** An optional phone number (the same rule as the CSV import); '' means none. */
export function phone(raw: string): Checked<string | null> {
  const checked = text(raw, { max: 20, required: false });
  if (!checked.ok) return checked;
  if (checked.value === '') return { ok: true, value: null };
  const digits = checked.value.replace(/\D/g, '').length;
  if (!/^\+?[\d\s()-]+$/.test(checked.value) || digits < 6 || digits > 20)
    return { ok: false, error: { key: 'admin.error.phone' } };
  return { ok: true, value: checked.value };
}

/** A personnummer or samordningsnummer in any usual shape; the canonical 12 digits. */
export function personnummer(raw: string, today: Date): Checked<string> {
  if (raw.trim() === '') return { ok: false, error: { key: 'admin.error.required' } };
  const parsed = parsePersonalNumber(raw, today);
  return parsed.ok
    ? { ok: true, value: parsed.value.value }
    : { ok: false, error: { key: 'admin.error.personnummer' } };
}

/** An organisation number; the canonical 10 digits. */
export function orgnr(raw: string): Checked<string> {
  if (raw.trim() === '') return { ok: false, error: { key: 'admin.error.required' } };
  const parsed = parseOrgnr(raw);
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, error: { key: 'admin.error.orgnr' } };
}

export function membershipRole(raw: string): Checked<MembershipRole> {
  return raw === 'user' || raw === 'org_admin'
    ? { ok: true, value: raw }
    : { ok: false, error: { key: 'admin.error.role' } };
}

/** `YYYY-MM-DD` that is a real calendar date. */
export function isoDate(raw: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (
    check.getUTCFullYear() !== date.year ||
    check.getUTCMonth() !== date.month - 1 ||
    check.getUTCDate() !== date.day
  )
    return undefined;
  return date;
}

/**
 * Collects checks into values and errors: `take(name, result)` returns the value (or
 * undefined) and records the error under the field's name.
 */
export function collector(): {
  errors: FieldErrors;
  take: <T>(name: string, result: Checked<T>) => T | undefined;
} {
  const errors: FieldErrors = {};
  return {
    errors,
    take: <T>(name: string, result: Checked<T>): T | undefined => {
      if (result.ok) return result.value;
      errors[name] = result.error;
      return undefined;
    },
  };
}
