/**
 * People, organisations and memberships. A person is keyed by the canonical 12-digit
 * personnummer/samordningsnummer and may act for several organisations.
 */
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';

export type MembershipRole = 'user' | 'org_admin';
export type StaffRole = 'case_officer' | 'admin';

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
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
