/**
 * The organisation's register of contacts (consignees, buyers, end users) and products,
 * reused when filling in cases; and organisation admins' requests to add or remove users,
 * which the agency handles on its admin side.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { isUniqueViolation } from '../platform/db/dialect.js';
import type { MembershipRequestTable } from '../platform/db/schema.js';
import { PortalError, type ErrorMeanings } from '../platform/errors.js';
import type { Contact, Product } from '../cases/register-lookup.js';

export type { Contact, Product };

export type MembershipRequest = MembershipRequestTable;

export type RegisterErrorCode = 'duplicate' | 'already' | 'not_member';

/** A request that cannot be made now: shown next to the form on the users page. */
const MEANINGS = {
  duplicate: { status: 409, message: 'orgUsers.error.duplicate' },
  already: { status: 409, message: 'orgUsers.error.already' },
  not_member: { status: 409, message: 'orgUsers.error.notMember' },
} satisfies ErrorMeanings<RegisterErrorCode>;

export class RegisterError extends PortalError<RegisterErrorCode> {
  constructor(code: RegisterErrorCode, detail: string) {
    super(code, MEANINGS[code], detail);
    this.name = 'RegisterError';
  }
}

export function createRegister(deps: { db: Db; clock: Clock; audit: AuditLog }) {
  const { db, clock, audit } = deps;
  const now = () => clock.now().toISOString();
  return {
    async contacts(orgnr: string): Promise<Contact[]> {
      return db
        .selectFrom('org_contact')
        .select(['id', 'name', 'address', 'country'])
        .where('orgnr', '=', orgnr)
        .orderBy('name')
        .execute();
    },
    async products(orgnr: string): Promise<Product[]> {
      return db
        .selectFrom('org_product')
        .select(['id', 'description', 'classification'])
        .where('orgnr', '=', orgnr)
        .orderBy('description')
        .execute();
    },
    async addContact(orgnr: string, contact: Omit<Contact, 'id'>, actor: string): Promise<void> {
      await db
        .insertInto('org_contact')
        .values({ id: randomUUID(), orgnr, ...contact, created_at: now() })
        .execute();
      await audit.record({
        event: 'register_changed',
        outcome: 'success',
        actor,
        subject: `org:${orgnr}`,
        details: { added: 'contact' },
      });
    },
    async addProduct(orgnr: string, product: Omit<Product, 'id'>, actor: string): Promise<void> {
      await db
        .insertInto('org_product')
        .values({ id: randomUUID(), orgnr, ...product, created_at: now() })
        .execute();
      await audit.record({
        event: 'register_changed',
        outcome: 'success',
        actor,
        subject: `org:${orgnr}`,
        details: { added: 'product' },
      });
    },
    /** Removes a contact or product of `orgnr`; false when it is not there (or not theirs). */
    async remove(kind: 'contact' | 'product', orgnr: string, id: string, actor: string): Promise<boolean> {
      const res =
        kind === 'contact'
          ? await db
              .deleteFrom('org_contact')
              .where('id', '=', id)
              .where('orgnr', '=', orgnr)
              .executeTakeFirst()
          : await db
              .deleteFrom('org_product')
              .where('id', '=', id)
              .where('orgnr', '=', orgnr)
              .executeTakeFirst();
      const removed = Number(res.numDeletedRows) === 1;
      if (removed)
        await audit.record({
          event: 'register_changed',
          outcome: 'success',
          actor,
          subject: `org:${orgnr}`,
          details: { removed: kind },
        });
      return removed;
    },

    async members(orgnr: string) {
      return db
        .selectFrom('membership')
        .innerJoin('person', 'person.personnummer', 'membership.personnummer')
        .select(['person.personnummer', 'person.name', 'membership.role'])
        .where('membership.orgnr', '=', orgnr)
        .where('person.active', '=', 1)
        .orderBy('person.name')
        .execute();
    },

    async pendingRequests(orgnr: string): Promise<MembershipRequest[]> {
      return db
        .selectFrom('membership_request')
        .selectAll()
        .where('orgnr', '=', orgnr)
        .where('status', '=', 'pending')
        .orderBy('requested_at')
        .execute();
    },

    /** An organisation admin asks the agency to add or remove a user. */
    async requestMembership(input: {
      orgnr: string;
      action: 'add' | 'remove';
      personnummer: string;
      name: string;
      email: string | null;
      phone: string | null;
      role: 'user' | 'org_admin';
      requestedBy: string;
      ip?: string;
    }): Promise<void> {
      const member = await db
        .selectFrom('membership')
        .select('role')
        .where('orgnr', '=', input.orgnr)
        .where('personnummer', '=', input.personnummer)
        .executeTakeFirst();
      if (input.action === 'add' && member) throw new RegisterError('already', 'already a member');
      if (input.action === 'remove' && !member) throw new RegisterError('not_member', 'not a member');
      const pending = await db
        .selectFrom('membership_request')
        .select('id')
        .where('orgnr', '=', input.orgnr)
        .where('personnummer', '=', input.personnummer)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (pending) throw new RegisterError('duplicate', 'request pending');
      // The check above answers the common case; the partial unique index
      // (membership_request_one_pending) decides between requests made at the same moment.
      await db
        .insertInto('membership_request')
        .values({
          id: randomUUID(),
          orgnr: input.orgnr,
          action: input.action,
          personnummer: input.personnummer,
          name: input.name,
          email: input.email,
          phone: input.phone,
          role: input.role,
          status: 'pending',
          requested_by: input.requestedBy,
          requested_at: now(),
          handled_by: null,
          handled_at: null,
          note: null,
        })
        .execute()
        .catch((err: unknown) => {
          if (isUniqueViolation(err)) throw new RegisterError('duplicate', 'request pending');
          throw err;
        });
      await audit.record({
        event: 'membership_requested',
        outcome: 'success',
        actor: input.requestedBy,
        subject: `org:${input.orgnr}`,
        ip: input.ip ?? null,
        details: { action: input.action, personnummer: input.personnummer },
      });
    },
  };
}

export type Register = ReturnType<typeof createRegister>;
