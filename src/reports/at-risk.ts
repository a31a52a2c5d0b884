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
import { isMethodId, type MethodId } from '../identity/methods.js';
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
  const [people, memberships, staff, seen] = await Promise.all([
    db.selectFrom('person').select(['personnummer', 'name', 'email']).where('active', '=', 1).execute(),
    db
      .selectFrom('membership')
      .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
      .select(['membership.personnummer', 'membership.orgnr', 'organisation.name'])
      .where('organisation.active', '=', 1)
      .execute(),
    db.selectFrom('staff_role').select('personnummer').distinct().execute(),
    db
      .selectFrom('credential_seen')
      .innerJoin('person', 'person.personnummer', 'credential_seen.personnummer')
      .select(['credential_seen.personnummer', 'credential_seen.method', 'credential_seen.last_used_at', 'credential_seen.cert_not_after'])
      .where('person.active', '=', 1)
      .execute(),
  ]);

  const orgsOf = new Map<string, ReportOrganisation[]>();
  for (const m of memberships) {
    const list = orgsOf.get(m.personnummer) ?? [];
    list.push({ orgnr: m.orgnr, name: m.name });
    orgsOf.set(m.personnummer, list);
  }
  for (const list of orgsOf.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  const staffSet = new Set(staff.map((s) => s.personnummer));
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

  const change = latestMethodStart(input.methods, now) ?? null;
  const cardAtRisk: CardAtRisk[] = [];
  const notSinceChange: ReportPerson[] = [];
  for (const p of people) {
    const organisations = orgsOf.get(p.personnummer) ?? [];
    if (organisations.length === 0 && !staffSet.has(p.personnummer)) continue; // cannot log in at all
    const used = credentials.get(p.personnummer) ?? [];
    const latest = used.reduce<(typeof used)[number] | undefined>((a, b) => (a && a.lastUsed >= b.lastUsed ? a : b), undefined);
    const person: ReportPerson = {
      personnummer: p.personnummer,
      name: p.name,
      email: p.email,
      organisations,
      lastLogin: latest ? { method: latest.method, at: latest.lastUsed } : null,
    };
    const recent = used.filter((c) => c.lastUsed.getTime() >= windowStart.getTime());
    const only = recent.length === 1 ? recent[0] : undefined;
    if (only && CARD_METHODS.includes(only.method) && only.notAfter && only.notAfter.getTime() < cutoff.getTime()) {
      cardAtRisk.push({ ...person, method: only.method, notAfter: only.notAfter, expired: only.notAfter.getTime() <= now.getTime() });
    }
    if (change && !used.some((c) => c.lastUsed.getTime() >= change.enabledFrom.getTime())) notSinceChange.push(person);
  }
  const byName = (a: ReportPerson, b: ReportPerson) => a.name.localeCompare(b.name, 'sv') || a.personnummer.localeCompare(b.personnummer);
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

  return { now, windowStart, cutoff, change, cardAtRisk, notSinceChange, organisations, withoutOrganisation: summarise(none) };
}
