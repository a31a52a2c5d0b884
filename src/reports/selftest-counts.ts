/**
 * Self-tests of e-IDs per ISO week (in the agency's time zone), method, what was tested
 * (login or signing) and outcome, from the audit log's `eid_selftest` events (selftest/).
 * The events hold no personal number, so neither does this.
 */
import { sql } from 'kysely';
import { isoWeek, localDate, localMidnight, mondayOfIsoWeek } from '../platform/dates.js';
import type { Db } from '../platform/db/index.js';

export interface SelftestCountRow {
  /** ISO week, e.g. { year: 2026, week: 48 }. */
  readonly year: number;
  readonly week: number;
  /** A method id, or 'card' when the certificate named no configured issuer. */
  readonly subject: string;
  readonly usage: 'login' | 'sign';
  readonly ok: number;
  readonly failed: number;
}

export async function selftestsPerWeek(input: { db: Db; now: Date; timeZone: string; weeks?: number }): Promise<SelftestCountRow[]> {
  const { db, now, timeZone } = input;
  const weeks = input.weeks ?? 8;
  const today = localDate(now, timeZone);
  const thisWeek = isoWeek(today);
  const monday = mondayOfIsoWeek(thisWeek.year, thisWeek.week);
  const firstMonday = new Date(Date.UTC(monday.year, monday.month - 1, monday.day - 7 * (weeks - 1)));
  const from = localMidnight({ year: firstMonday.getUTCFullYear(), month: firstMonday.getUTCMonth() + 1, day: firstMonday.getUTCDate() }, timeZone);
  // Grouped by UTC hour in SQL (the same on SQLite and PostgreSQL), into local weeks here.
  const hour = sql<string>`substr(${sql.ref('at')}, ${sql.lit(1)}, ${sql.lit(13)})`;
  const rows = await db
    .selectFrom('audit_event')
    .select([hour.as('hour'), 'subject', 'outcome', 'details', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('event', '=', 'eid_selftest')
    .where('at', '>=', from.toISOString())
    .where('at', '<=', now.toISOString())
    .groupBy([hour, 'subject', 'outcome', 'details'])
    .execute();
  const counts = new Map<string, { year: number; week: number; subject: string; usage: 'login' | 'sign'; ok: number; failed: number }>();
  for (const row of rows) {
    let usage: 'login' | 'sign' = 'login';
    try {
      usage = (JSON.parse(row.details ?? '{}') as { usage?: string }).usage === 'sign' ? 'sign' : 'login';
    } catch {
      usage = 'login';
    }
    const w = isoWeek(localDate(new Date(`${row.hour}:00:00.000Z`), timeZone));
    const subject = row.subject ?? 'card';
    const key = `${w.year}-${w.week}-${subject}-${usage}`;
    const entry = counts.get(key) ?? { year: w.year, week: w.week, subject, usage, ok: 0, failed: 0 };
    if (row.outcome === 'success') entry.ok += Number(row.n);
    else entry.failed += Number(row.n);
    counts.set(key, entry);
  }
  const order = ['telia_card', 'svenska_pass_card', 'bankid', 'card'];
  return [...counts.values()].sort(
    (a, b) => b.year - a.year || b.week - a.week || order.indexOf(a.subject) - order.indexOf(b.subject) || a.usage.localeCompare(b.usage),
  );
}
