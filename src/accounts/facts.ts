/**
 * What a logged-in request re-reads of a person's account (the person, their staff roles,
 * their active memberships), kept a few seconds per person in an in-process cache. Any write
 * to `person`, `organisation`, `membership` or `staff_role` empties it, on this instance as
 * Kysely sends the write and on every other through `platform/invalidation.ts` (PostgreSQL
 * triggers), so a deactivation, a removed role or membership, or a deactivated organisation
 * takes effect on the next request. The facts are frozen: a caller cannot change what the
 * next request gets.
 */
import type { LocalCache } from '../platform/cache.js';
import type { StaffRole } from '../identity/roles.js';
import type { Accounts, Membership, Person } from './service.js';

export interface AccountFacts {
  readonly person: Readonly<Person> | undefined;
  readonly staff: readonly StaffRole[];
  readonly memberships: readonly Readonly<Membership>[];
}

export function createAccountFacts(accounts: Pick<Accounts, 'findPerson' | 'staffRoles' | 'memberships'>, cache?: LocalCache<AccountFacts>) {
  const facts = {
    async of(personnummer: string): Promise<AccountFacts> {
      const hit = cache?.get(personnummer);
      if (hit) return hit;
      const since = cache?.generation() ?? 0;
      const [person, staff, memberships] = await Promise.all([
        accounts.findPerson(personnummer),
        accounts.staffRoles(personnummer),
        accounts.memberships(personnummer),
      ]);
      const read: AccountFacts = Object.freeze({
        person: person && Object.freeze(person),
        staff: Object.freeze(staff),
        memberships: Object.freeze(memberships.map((m) => Object.freeze(m))),
      });
      cache?.set(personnummer, read, since);
      return read;
    },
    /** Active memberships in active organisations, by organisation name (as `accounts.memberships`). */
    async memberships(personnummer: string): Promise<readonly Readonly<Membership>[]> {
      return (await facts.of(personnummer)).memberships;
    },
  };
  return facts;
}

export type AccountFactsReader = ReturnType<typeof createAccountFacts>;
