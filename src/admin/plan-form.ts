/**
 * The edit form of one login method in the rollout plan: what staff type, and how it
 * becomes a `PlanChange`. Dates are the agency's local dates (a method switches on at
 * local midnight, as in the plan file); a local date and time or an ISO instant with an
 * offset is accepted too.
 */
import type { Localised } from '../platform/site.js';
import { ANNOUNCE_AS, type AnnounceAs } from '../login/plan-dates.js';
import { dateTimeFormat, localDate, localMidnight, zonedInstant } from '../platform/dates.js';
import type { PlanChange, PlannedMethod } from '../login/plan.js';
import {
  collector,
  field,
  isoDate,
  text,
  type Checked,
  type FieldErrors,
  type FormBody,
} from './validate.js';

export const NOTICE_MAX = 2000;

/** The plan form's fields as typed (or as shown for the current values). */
export interface PlanFormValues {
  enabledFrom: string;
  enabledUntil: string;
  announceAs: string;
  noticeSv: string;
  noticeEn: string;
}

export type PlanFormResult = { ok: true; change: Required<PlanChange> } | { ok: false; errors: FieldErrors };

export function planFormValues(body: FormBody): PlanFormValues {
  return {
    enabledFrom: field(body, 'enabledFrom'),
    enabledUntil: field(body, 'enabledUntil'),
    announceAs: field(body, 'announceAs'),
    noticeSv: field(body, 'noticeSv'),
    noticeEn: field(body, 'noticeEn'),
  };
}

/** The form prefilled with a method's current values. */
export function currentValues(method: PlannedMethod, timeZone: string): PlanFormValues {
  return {
    enabledFrom: formatPlanInstant(method.enabledFrom, timeZone),
    enabledUntil: method.enabledUntil ? formatPlanInstant(method.enabledUntil, timeZone) : '',
    announceAs: method.announceAs,
    noticeSv: method.notice?.sv ?? '',
    noticeEn: method.notice?.en ?? '',
  };
}

export function checkPlanForm(values: PlanFormValues, timeZone: string): PlanFormResult {
  const { errors, take } = collector();
  const from = take(
    'enabledFrom',
    values.enabledFrom.trim() === '' ? missing() : instant(values.enabledFrom, timeZone),
  );
  const until =
    values.enabledUntil.trim() === '' ? null : take('enabledUntil', instant(values.enabledUntil, timeZone));
  if (from && until && until.getTime() <= from.getTime())
    errors['enabledUntil'] = { key: 'admin.plan.error.untilBeforeFrom' };
  const announceAs = take<AnnounceAs>(
    'announceAs',
    (ANNOUNCE_AS as readonly string[]).includes(values.announceAs)
      ? { ok: true, value: values.announceAs as AnnounceAs }
      : { ok: false, error: { key: 'admin.plan.error.announceAs' } },
  );
  const sv = take('noticeSv', text(values.noticeSv, { max: NOTICE_MAX, required: false }));
  const en = take('noticeEn', text(values.noticeEn, { max: NOTICE_MAX, required: false }));
  if (sv !== undefined && en !== undefined && (sv === '') !== (en === '')) {
    errors[sv === '' ? 'noticeSv' : 'noticeEn'] = { key: 'admin.plan.error.noticeBoth' };
  }
  if (
    Object.keys(errors).length > 0 ||
    !from ||
    until === undefined ||
    !announceAs ||
    sv === undefined ||
    en === undefined
  ) {
    return { ok: false, errors };
  }
  const notice: Localised | null = sv === '' ? null : { sv, en };
  return { ok: true, change: { enabledFrom: from, enabledUntil: until, announceAs, notice } };
}

function missing(): Checked<Date> {
  return { ok: false, error: { key: 'admin.error.required' } };
}

/**
 * `YYYY-MM-DD` (local midnight), `YYYY-MM-DDTHH:MM[:SS]` (local time), or the same with `Z`
 * or an offset (that instant). Years 2000–2099 only: anything else is a typing mistake.
 */
export function parsePlanInstant(raw: string, timeZone: string): Date | undefined {
  const value = raw.trim();
  const day = isoDate(value);
  if (day) return day.year >= 2000 && day.year <= 2099 ? localMidnight(day, timeZone) : undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m?.[1]) return undefined;
  const date = isoDate(m[1]);
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4] ?? '0')];
  if (!date || date.year < 2000 || date.year > 2099 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  if (m[5]) {
    const offset =
      m[5] === 'Z'
        ? 0
        : (m[5].startsWith('-') ? -1 : 1) * (Number(m[5].slice(1, 3)) * 60 + Number(m[5].slice(4, 6)));
    if (Math.abs(offset) > 14 * 60) return undefined;
    return new Date(Date.UTC(date.year, date.month - 1, date.day, hour, minute, second) - offset * 60_000);
  }
  return zonedInstant(date, hour, minute, second, timeZone);
}

function instant(raw: string, timeZone: string): Checked<Date> {
  const parsed = parsePlanInstant(raw, timeZone);
  return parsed ? { ok: true, value: parsed } : { ok: false, error: { key: 'admin.plan.error.date' } };
}

/** How the form shows an instant: the local date, with the local time when not midnight. */
export function formatPlanInstant(at: Date, timeZone: string): string {
  const date = localDate(at, timeZone);
  const ymd = `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
  if (localMidnight(date, timeZone).getTime() === at.getTime()) return ymd;
  const parts = dateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const seconds = get('second') === '00' ? '' : `:${get('second')}`;
  return `${ymd}T${get('hour')}:${get('minute')}${seconds}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
