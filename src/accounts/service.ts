/**
 * People, organisations and memberships. A person is keyed by the canonical 12-digit
 * personnummer/samordningsnummer and may act for several organisations.
 */
import { sql } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import type { MembershipRole, StaffRole } from '../identity/roles.js';

export interface Person {
  personnummer: string;
  name: string;
  email: string | null;
  phone: string | null;
  active: boolean;
}

export interface Organisation {
  orgnr: string;
  name: string;
  active: boolean;
}

export interface Membership {
  orgnr: string;
  orgName: string;
  role: MembershipRole;
}

/** A membership as staff see it: also in deactivated organisations. */
export interface MembershipOfPerson extends Membership {
  orgActive: boolean;
}

/** A member of an organisation as staff see it. */
export interface Member {
  personnummer: string;
  name: string;
  role: MembershipRole;
  active: boolean;
}

/** What a search for people looks for: a name fragment or the start of a 12-digit number. */
export type PersonSearch = { name: string } | { personnummerPrefix: string };

/** What a search for organisations looks for; none lists them all (up to the limit). */
export type OrganisationSearch = { name: string } | { orgnrPrefix: string } | undefined;

/** `%fragment%` for LIKE with `\` as the escape character, wildcards in the input escaped. */
function containsPattern(fragment: string): string {
  return `%${fragment.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createAccounts(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const now = () => clock.now().toISOString();

  return {
    async findPerson(personnummer: string): Promise<Person | undefined> {
      const row = await db.selectFrom('person').selectAll().where('personnummer', '=', personnummer).executeTakeFirst();
      return row && { personnummer: row.personnummer, name: row.name, email: row.email, phone: row.phone, active: row.active === 1 };
    },
    /** Active memberships in active organisations, by organisation name. */
    async memberships(personnummer: string): Promise<Membership[]> {
      const rows = await db
        .selectFrom('membership')
        .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
        .select(['membership.orgnr', 'organisation.name', 'membership.role'])
        .where('membership.personnummer', '=', personnummer)
        .where('organisation.active', '=', 1)
        .orderBy('organisation.name')
        .execute();
      return rows.map((r) => ({ orgnr: r.orgnr, orgName: r.name, role: r.role }));
    },
    async staffRoles(personnummer: string): Promise<StaffRole[]> {
      const rows = await db.selectFrom('staff_role').select('role').where('personnummer', '=', personnummer).execute();
      return rows.map((r) => r.role);
    },
    async findOrganisation(orgnr: string): Promise<Organisation | undefined> {
      const row = await db.selectFrom('organisation').selectAll().where('orgnr', '=', orgnr).executeTakeFirst();
      return row && { orgnr: row.orgnr, name: row.name, active: row.active === 1 };
    },
    async upsertOrganisation(org: { orgnr: string; name: string }): Promise<void> {
      await db
        .insertInto('organisation')
        .values({ orgnr: org.orgnr, name: org.name, active: 1, created_at: now() })
        .onConflict((oc) => oc.column('orgnr').doUpdateSet({ name: org.name }))
        .execute();
    },
    async upsertPerson(p: { personnummer: string; name: string; email?: string | null; phone?: string | null }): Promise<void> {
      const t = now();
      await db
        .insertInto('person')
        .values({
          personnummer: p.personnummer,
          name: p.name,
          email: p.email ?? null,
          phone: p.phone ?? null,
          active: 1,
          created_at: t,
          updated_at: t,
        })
        .onConflict((oc) =>
          oc.column('personnummer').doUpdateSet({ name: p.name, email: p.email ?? null, phone: p.phone ?? null, updated_at: t }),
        )
        .execute();
    },
    async addMembership(personnummer: string, orgnr: string, role: MembershipRole): Promise<void> {
      await db
        .insertInto('membership')
        .values({ personnummer, orgnr, role, created_at: now() })
        .onConflict((oc) => oc.columns(['personnummer', 'orgnr']).doUpdateSet({ role }))
        .execute();
    },
    async addStaffRole(personnummer: string, role: StaffRole): Promise<void> {
      await db
        .insertInto('staff_role')
        .values({ personnummer, role, created_at: now() })
        .onConflict((oc) => oc.columns(['personnummer', 'role']).doNothing())
        .execute();
    },
    async setPersonActive(personnummer: string, active: boolean): Promise<void> {
      await db
        .updateTable('person')
        .set({ active: active ? 1 : 0, updated_at: now() })
        .where('personnummer', '=', personnummer)
        .execute();
    },
    /**
     * People by name fragment (case-insensitive; SQLite folds ASCII letters only) or by the
     * start of the canonical number, ordered by name.
     */
    async searchPeople(term: PersonSearch, limit = 50): Promise<Person[]> {
      let q = db.selectFrom('person').selectAll().orderBy('name').orderBy('personnummer').limit(limit);
      q =
        'name' in term
          ? q.where(sql<boolean>`lower(${sql.ref('name')}) like ${containsPattern(term.name)} escape '\\'`)
          : q.where('personnummer', 'like', `${term.personnummerPrefix.replace(/\D/g, '')}%`);
      const rows = await q.execute();
      return rows.map((r) => ({ personnummer: r.personnummer, name: r.name, email: r.email, phone: r.phone, active: r.active === 1 }));
    },
    /** Adds a person; false (and nothing changed) when the number is already known. */
    async addPerson(p: { personnummer: string; name: string; email: string | null; phone: string | null }): Promise<boolean> {
      const t = now();
      const result = await db
        .insertInto('person')
        .values({ ...p, active: 1, created_at: t, updated_at: t })
        .onConflict((oc) => oc.column('personnummer').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    /** Changes name and contact details; false when there is no such person. */
    async updatePerson(personnummer: string, p: { name: string; email: string | null; phone: string | null }): Promise<boolean> {
      const result = await db
        .updateTable('person')
        .set({ ...p, updated_at: now() })
        .where('personnummer', '=', personnummer)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** Every membership of a person, deactivated organisations included. */
    async allMemberships(personnummer: string): Promise<MembershipOfPerson[]> {
      const rows = await db
        .selectFrom('membership')
        .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
        .select(['membership.orgnr', 'organisation.name', 'organisation.active', 'membership.role'])
        .where('membership.personnummer', '=', personnummer)
        .orderBy('organisation.name')
        .execute();
      return rows.map((r) => ({ orgnr: r.orgnr, orgName: r.name, role: r.role, orgActive: r.active === 1 }));
    },
    /**
     * A person as held, with when the row was made and changed, and every membership with
     * the date it was made (the admin's data access report).
     */
    async personRecord(personnummer: string): Promise<
      | {
          person: Person & { createdAt: string; updatedAt: string };
          memberships: Array<MembershipOfPerson & { since: string }>;
        }
      | undefined
    > {
      const row = await db.selectFrom('person').selectAll().where('personnummer', '=', personnummer).executeTakeFirst();
      if (!row) return undefined;
      const rows = await db
        .selectFrom('membership')
        .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
        .select(['membership.orgnr', 'organisation.name', 'organisation.active', 'membership.role', 'membership.created_at'])
        .where('membership.personnummer', '=', personnummer)
        .orderBy('organisation.name')
        .execute();
      return {
        person: {
          personnummer: row.personnummer,
          name: row.name,
          email: row.email,
          phone: row.phone,
          active: row.active === 1,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        },
        memberships: rows.map((r) => ({
          orgnr: r.orgnr,
          orgName: r.name,
          role: r.role,
          orgActive: r.active === 1,
          since: r.created_at,
        })),
      };
    },
    /** Names of the given organisations (at most 500), by number. */
    async organisationNames(orgnrs: readonly string[]): Promise<Map<string, string>> {
      const wanted = [...new Set(orgnrs)].slice(0, 500);
      if (wanted.length === 0) return new Map();
      const rows = await db.selectFrom('organisation').select(['orgnr', 'name']).where('orgnr', 'in', wanted).execute();
      return new Map(rows.map((r) => [r.orgnr, r.name]));
    },
    /** The members of an organisation, by name. */
    async members(orgnr: string): Promise<Member[]> {
      const rows = await db
        .selectFrom('membership')
        .innerJoin('person', 'person.personnummer', 'membership.personnummer')
        .select(['person.personnummer', 'person.name', 'person.active', 'membership.role'])
        .where('membership.orgnr', '=', orgnr)
        .orderBy('person.name')
        .execute();
      return rows.map((r) => ({ personnummer: r.personnummer, name: r.name, role: r.role, active: r.active === 1 }));
    },
    /** Removes one membership; false when there was none. */
    async removeMembership(personnummer: string, orgnr: string): Promise<boolean> {
      const result = await db
        .deleteFrom('membership')
        .where('personnummer', '=', personnummer)
        .where('orgnr', '=', orgnr)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    /** Organisations by name fragment or number prefix, by name. */
    async searchOrganisations(term: OrganisationSearch, limit = 100): Promise<Organisation[]> {
      let q = db.selectFrom('organisation').selectAll().orderBy('name').orderBy('orgnr').limit(limit);
      if (term && 'name' in term) q = q.where(sql<boolean>`lower(${sql.ref('name')}) like ${containsPattern(term.name)} escape '\\'`);
      else if (term) q = q.where('orgnr', 'like', `${term.orgnrPrefix.replace(/\D/g, '')}%`);
      const rows = await q.execute();
      return rows.map((r) => ({ orgnr: r.orgnr, name: r.name, active: r.active === 1 }));
    },
    /** Adds an organisation; false (and nothing changed) when the number is already known. */
    async addOrganisation(org: { orgnr: string; name: string }): Promise<boolean> {
      const result = await db
        .insertInto('organisation')
        .values({ orgnr: org.orgnr, name: org.name, active: 1, created_at: now() })
        .onConflict((oc) => oc.column('orgnr').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async renameOrganisation(orgnr: string, name: string): Promise<boolean> {
      const result = await db.updateTable('organisation').set({ name }).where('orgnr', '=', orgnr).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** A deactivated organisation keeps its memberships, but nobody can act for it. */
    async setOrganisationActive(orgnr: string, active: boolean): Promise<boolean> {
      const result = await db
        .updateTable('organisation')
        .set({ active: active ? 1 : 0 })
        .where('orgnr', '=', orgnr)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
