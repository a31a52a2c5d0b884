/**
 * Logins per method and calendar month (in the agency's time zone), from the audit log's
 * successful `login` events, whose subject is the method id (login/service.ts).
 *
 * The database groups by UTC hour (the same SQL on SQLite and PostgreSQL); the hours are
 * then put into local months here. Stockholm's offsets are whole hours, so this is exact.
 *
 * The log is append-only, so the counts of the months before the current one change only when
 * the purge removes old events. Where counting them is slow (a large agency: hundreds of
 * thousands of logins a year), they are kept for PAST_MONTHS_KEPT_MS per database and only the
 * current month is counted on each request.
 */
import { sql } from 'kysely';
import { isMethodId, type MethodId } from '../identity/methods.js';
import { localDate, localMidnight } from '../platform/dates.js';
import type { PlannedMethod } from '../login/plan.js';
import type { Db } from '../platform/db/index.js';

export interface ChartMonth {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly counts: Readonly<Record<MethodId, number>>;
  readonly total: number;
}

export interface LoginChartData {
  /** Oldest first; the last one is the current (partial) month. */
  readonly months: readonly ChartMonth[];
  /** Methods shown, in plan order: those started by now, and a planned one that already has logins. */
  readonly methods: readonly MethodId[];
  readonly totals: Readonly<Record<MethodId, number>>;
}

const zero = (): Record<MethodId, number> => ({ telia_card: 0, svenska_pass_card: 0, bankid: 0 });

type HourRow = { hour: string; subject: string | null; n: number | string };
/** How long the past months' counts are kept, and how slow counting them must be to keep them. */
export const PAST_MONTHS_KEPT_MS = 10 * 60_000;
const KEEP_WHEN_SLOWER_MS = 50;
const pastMonths = new WeakMap<Db, Map<string, { rows: HourRow[]; until: number }>>();

async function loginsPerHour(db: Db, from: Date, to: Date, toInclusive: boolean): Promise<HourRow[]> {
  // Literal arguments: PostgreSQL matches the grouped expression to the selected one by text.
  const hour = sql<string>`substr(${sql.ref('at')}, ${sql.lit(1)}, ${sql.lit(13)})`;
  return db
    .selectFrom('audit_event')
    .select([hour.as('hour'), 'subject', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('event', '=', 'login')
    .where('outcome', '=', 'success')
    .where('at', '>=', from.toISOString())
    .where('at', toInclusive ? '<=' : '<', to.toISOString())
    .groupBy([hour, 'subject'])
    .execute();
}

/** The hours of the months in [from, to), from the kept counts when they are fresh. */
async function pastLoginsPerHour(db: Db, from: Date, to: Date): Promise<HourRow[]> {
  const key = `${from.toISOString()}/${to.toISOString()}`;
  const kept = pastMonths.get(db)?.get(key);
  const now = Date.now();
  if (kept && kept.until > now) return kept.rows;
  const started = performance.now();
  const rows = await loginsPerHour(db, from, to, false);
  if (performance.now() - started >= KEEP_WHEN_SLOWER_MS) {
    const forDb = pastMonths.get(db) ?? new Map<string, { rows: HourRow[]; until: number }>();
    for (const [k, v] of forDb) if (v.until <= now) forDb.delete(k);
    forDb.set(key, { rows, until: now + PAST_MONTHS_KEPT_MS });
    pastMonths.set(db, forDb);
  }
  return rows;
}

export async function loginsPerMonth(input: {
  db: Db;
  methods: readonly PlannedMethod[];
  now: Date;
  timeZone: string;
  months?: number;
}): Promise<LoginChartData> {
  const { db, now, timeZone } = input;
  const count = input.months ?? 12;
  const today = localDate(now, timeZone);
  const buckets: { year: number; month: number; counts: Record<MethodId, number> }[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = today.year * 12 + (today.month - 1) - i;
    buckets.push({ year: Math.floor(index / 12), month: (index % 12) + 1, counts: zero() });
  }
  const first = buckets[0];
  if (!first) return { months: [], methods: [], totals: zero() };
  const from = localMidnight({ year: first.year, month: first.month, day: 1 }, timeZone);
  const current = localMidnight({ year: today.year, month: today.month, day: 1 }, timeZone);

  const rows = [
    ...(current.getTime() > from.getTime() ? await pastLoginsPerHour(db, from, current) : []),
    ...(await loginsPerHour(db, current, now, true)),
  ];

  const firstIndex = first.year * 12 + first.month - 1;
  for (const row of rows) {
    if (!isMethodId(row.subject)) continue;
    const local = localDate(new Date(`${row.hour}:00:00.000Z`), timeZone);
    const bucket = buckets[local.year * 12 + local.month - 1 - firstIndex];
    if (bucket) bucket.counts[row.subject] += Number(row.n);
  }
  const totals = zero();
  for (const b of buckets) for (const id of Object.keys(totals) as MethodId[]) totals[id] += b.counts[id];
  const methods = input.methods
    .filter((m) => m.enabledFrom.getTime() <= now.getTime() || totals[m.id] > 0)
    .map((m) => m.id);
  return {
    months: buckets.map((b) => ({ ...b, total: methods.reduce((sum, id) => sum + b.counts[id], 0) })),
    methods,
    totals,
  };
}
