/**
 * The at-risk report: the agency-wide counterpart of the per-person card-expiry warning
 * (card/expiry.ts). It lists the people who may be left without a working login:
 *
 * - **Card at risk**: among the methods a person used in the last N months there is exactly
 *   one, it is an ID card, and its certificate expires before the cut-off date (by default
 *   the start of the next planned method). Expired cards are included and marked.
 * - **Not since the change**: the person has not logged in (by any method) since the most
 *   recent method change, i.e. the latest `enabled_from` of the rollout plan that is not in
 *   the future. With only the Telia card started, that means "never logged in".
 *
 * Only people who can log in are considered: active, and a member of an active organisation
 * or agency staff (as the login service checks). Counts per organisation go by membership.
 */
import { CARD_METHODS } from '../card/expiry.js';
import { isMethodId, METHOD_IDS, type MethodId } from '../identity/methods.js';
import { localDate, localMidnight } from '../platform/dates.js';
import type { PlannedMethod } from '../login/plan.js';
import type { Db } from '../platform/db/index.js';

export interface ReportOrganisation {
  readonly orgnr: string;
  readonly name: string;
}

export interface ReportPerson {
  readonly personnummer: string;
  readonly name: string;
  readonly email: string | null;
  readonly organisations: readonly ReportOrganisation[];
  /** The latest login by any method; null when the person has never logged in. */
  readonly lastLogin: { readonly method: MethodId; readonly at: Date } | null;
}

export interface CardAtRisk extends ReportPerson {
  readonly method: MethodId;
  readonly notAfter: Date;
  readonly expired: boolean;
}

export interface OrganisationCount extends ReportOrganisation {
  readonly cardAtRisk: number;
  readonly notSinceChange: number;
  /** Distinct people on either list. */
  readonly people: number;
}

export interface AtRiskReport {
  readonly now: Date;
  /** Logins from this instant on count as "used in the last N months". */
  readonly windowStart: Date;
  /** Cards whose certificate ends before this instant are at risk. */
  readonly cutoff: Date;
  /** The most recent method start that is not in the future; null when none has started. */
  readonly change: PlannedMethod | null;
  readonly cardAtRisk: readonly CardAtRisk[];
  readonly notSinceChange: readonly ReportPerson[];
  /** Organisations with anyone listed, most people first. */
  readonly organisations: readonly OrganisationCount[];
  /** Listed people who belong to no organisation (agency staff). */
  readonly withoutOrganisation: Omit<OrganisationCount, 'orgnr' | 'name'>;
}

/** The start of the next planned method (earliest `enabled_from` after now), if any. */
export function nextPlannedStart(methods: readonly PlannedMethod[], now: Date): PlannedMethod | undefined {
  return [...methods]
    .filter((m) => m.enabledFrom.getTime() > now.getTime())
    .sort((a, b) => a.enabledFrom.getTime() - b.enabledFrom.getTime())[0];
}

/** The most recent method change: the latest `enabled_from` that is not in the future. */
export function latestMethodStart(methods: readonly PlannedMethod[], now: Date): PlannedMethod | undefined {
  return [...methods]
    .filter((m) => m.enabledFrom.getTime() <= now.getTime())
    .sort((a, b) => b.enabledFrom.getTime() - a.enabledFrom.getTime())[0];
}

/** `now` moved back `months` calendar months (UTC), the day clamped to the month's length. */
export function monthsBefore(now: Date, months: number): Date {
  const target = new Date(now.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(now.getUTCDate(), lastDay));
  return target;
}

/** Local midnight `days` days after today in `timeZone` (the fallback cut-off). */
export function daysAhead(now: Date, days: number, timeZone: string): Date {
  return localMidnight(localDate(new Date(now.getTime() + days * 86_400_000), timeZone), timeZone);
}

export async function atRiskReport(input: {
  db: Db;
  methods: readonly PlannedMethod[];
  now: Date;
  windowStart: Date;
  cutoff: Date;
}): Promise<AtRiskReport> {
  const { db, now, windowStart, cutoff } = input;
  const change = latestMethodStart(input.methods, now) ?? null;
  const listed = await listedPeople(db, { windowStart, cutoff, change });
  const ids = listed.map((p) => p.personnummer);
  // Only the listed people's organisations and credentials are read, in slices of bounded size.
  const [memberships, seen] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          inSlices(ids, (slice) =>
            db
              .selectFrom('membership')
              .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
              .select(['membership.personnummer', 'membership.orgnr', 'organisation.name'])
              .where('organisation.active', '=', 1)
              .where('membership.personnummer', 'in', slice)
              .execute(),
          ),
          inSlices(ids, (slice) =>
            db
              .selectFrom('credential_seen')
              .select(['personnummer', 'method', 'last_used_at', 'cert_not_after'])
              .where('personnummer', 'in', slice)
              .execute(),
          ),
        ]);

  const orgsOf = new Map<string, ReportOrganisation[]>();
  for (const m of memberships) {
    const list = orgsOf.get(m.personnummer) ?? [];
    list.push({ orgnr: m.orgnr, name: m.name });
    orgsOf.set(m.personnummer, list);
  }
  for (const list of orgsOf.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  const credentials = new Map<string, { method: MethodId; lastUsed: Date; notAfter: Date | null }[]>();
  for (const row of seen) {
    if (!isMethodId(row.method)) continue;
    const list = credentials.get(row.personnummer) ?? [];
    list.push({
      method: row.method,
      lastUsed: new Date(row.last_used_at),
      notAfter: row.cert_not_after === null ? null : new Date(row.cert_not_after),
    });
    credentials.set(row.personnummer, list);
  }

  const cardAtRisk: CardAtRisk[] = [];
  const notSinceChange: ReportPerson[] = [];
  for (const p of listed) {
    const organisations = orgsOf.get(p.personnummer) ?? [];
    const used = credentials.get(p.personnummer) ?? [];
    const latest = used.reduce<(typeof used)[number] | undefined>(
      (a, b) => (a && a.lastUsed >= b.lastUsed ? a : b),
      undefined,
    );
    const person: ReportPerson = {
      personnummer: p.personnummer,
      name: p.name,
      email: p.email,
      organisations,
      lastLogin: latest ? { method: latest.method, at: latest.lastUsed } : null,
    };
    const recent = used.filter((c) => c.lastUsed.getTime() >= windowStart.getTime());
    const only = recent.length === 1 ? recent[0] : undefined;
    if (
      only &&
      CARD_METHODS.includes(only.method) &&
      only.notAfter &&
      only.notAfter.getTime() < cutoff.getTime()
    ) {
      cardAtRisk.push({
        ...person,
        method: only.method,
        notAfter: only.notAfter,
        expired: only.notAfter.getTime() <= now.getTime(),
      });
    }
    if (change && !used.some((c) => c.lastUsed.getTime() >= change.enabledFrom.getTime()))
      notSinceChange.push(person);
  }
  const byName = (a: ReportPerson, b: ReportPerson) =>
    a.name.localeCompare(b.name, 'sv') || a.personnummer.localeCompare(b.personnummer);
  cardAtRisk.sort(byName);
  notSinceChange.sort(byName);

  const counts = new Map<string, { org: ReportOrganisation; card: Set<string>; since: Set<string> }>();
  const none = { card: new Set<string>(), since: new Set<string>() };
  const tally = (list: readonly ReportPerson[], which: 'card' | 'since') => {
    for (const person of list) {
      if (person.organisations.length === 0) none[which].add(person.personnummer);
      for (const org of person.organisations) {
        const entry = counts.get(org.orgnr) ?? { org, card: new Set<string>(), since: new Set<string>() };
        entry[which].add(person.personnummer);
        counts.set(org.orgnr, entry);
      }
    }
  };
  tally(cardAtRisk, 'card');
  tally(notSinceChange, 'since');
  const summarise = (e: { card: Set<string>; since: Set<string> }) => ({
    cardAtRisk: e.card.size,
    notSinceChange: e.since.size,
    people: new Set([...e.card, ...e.since]).size,
  });
  const organisations = [...counts.values()]
    .map((e) => ({ ...e.org, ...summarise(e) }))
    .sort((a, b) => b.people - a.people || a.name.localeCompare(b.name, 'sv'));

  return {
    now,
    windowStart,
    cutoff,
    change,
    cardAtRisk,
    notSinceChange,
    organisations,
    withoutOrganisation: summarise(none),
  };
}

/** At most this many values in one `in (…)` list (SQLite allows 32,766 parameters, PostgreSQL 65,535). */
const SLICE = 5_000;

async function inSlices<T>(ids: readonly string[], read: (slice: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += SLICE) out.push(...(await read(ids.slice(i, i + SLICE))));
  return out;
}

/**
 * The people on either list, chosen in the database in one statement (set-based: the
 * credentials grouped per person, never every person read into the process): active, able
 * to log in (a member of an active organisation, or staff), and either with exactly one
 * method used since `windowStart`, a card whose certificate ends before `cutoff`, or (when a
 * method has started) with no login since that change. The lists are refined the same way in
 * `atRiskReport`, which reads the listed people's credentials and organisations only.
 */
async function listedPeople(
  db: Db,
  at: { windowStart: Date; cutoff: Date; change: PlannedMethod | null },
): Promise<{ personnummer: string; name: string; email: string | null }[]> {
  const windowStart = at.windowStart.toISOString();
  const known = [...METHOD_IDS];
  const cards = [...CARD_METHODS];
  const usage = db
    .selectFrom('credential_seen')
    .select((eb) => [
      'personnummer',
      eb.fn
        .sum<number | string>(eb.case().when('last_used_at', '>=', windowStart).then(1).else(0).end())
        .as('recent'),
      eb.fn
        .max(eb.case().when('last_used_at', '>=', windowStart).then(eb.ref('method')).end())
        .as('recent_method'),
      eb.fn
        .max(eb.case().when('last_used_at', '>=', windowStart).then(eb.ref('cert_not_after')).end())
        .as('recent_not_after'),
      eb.fn.max('last_used_at').as('last_used_at'),
    ])
    .where('method', 'in', known)
    .groupBy('personnummer')
    .as('usage');
  const change = at.change?.enabledFrom.toISOString();
  return db
    .selectFrom('person')
    .leftJoin(usage, 'usage.personnummer', 'person.personnummer')
    .select(['person.personnummer', 'person.name', 'person.email'])
    .where('person.active', '=', 1)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('membership')
            .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
            .select('membership.orgnr')
            .whereRef('membership.personnummer', '=', 'person.personnummer')
            .where('organisation.active', '=', 1),
        ),
        eb.exists(
          eb
            .selectFrom('staff_role')
            .select('staff_role.role')
            .whereRef('staff_role.personnummer', '=', 'person.personnummer'),
        ),
      ]),
    )
    .where((eb) => {
      const atRisk = eb.and([
        eb('usage.recent', '=', 1),
        eb('usage.recent_method', 'in', cards),
        eb('usage.recent_not_after', '<', at.cutoff.toISOString()),
      ]);
      return change === undefined
        ? atRisk
        : eb.or([atRisk, eb('usage.last_used_at', 'is', null), eb('usage.last_used_at', '<', change)]);
    })
    .execute();
}
