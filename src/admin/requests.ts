/**
 * Membership requests from organisation admins ("add this person", "remove that one"),
 * handled by staff admins. Approving applies the request (add: the person is created or
 * updated and the membership set; remove: the membership is deleted) in the same
 * transaction that marks it handled; the status changes only from `pending`, so a request
 * handled twice (two admins, a resubmitted form) is refused and applied once. The handling
 * admin's note (required when rejecting) goes into `note`; approving without one keeps it.
 */
import type { AuditLog } from '../audit/service.js';
import { createAccounts } from '../accounts/service.js';
import { type MembershipRole, type StaffRole } from '../identity/roles.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import type { MembershipRequestTable } from '../platform/db/schema.js';
import type { Actor } from './people.js';
import { text, type FieldError } from './validate.js';

export const NOTE_MAX = 1000;

export interface MembershipRequest {
  id: string;
  orgnr: string;
  orgName: string;
  action: 'add' | 'remove';
  personnummer: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: MembershipRole;
  status: MembershipRequestTable['status'];
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: Date;
  handledBy: string | null;
  handledAt: Date | null;
  note: string | null;
  /**
   * The person as the portal knows them already (an "add" for an existing person), so the
   * handling admin sees whom the request is about: their current name, contact details,
   * whether they are active and any staff roles at the agency. Approving never changes these.
   */
  existing: ExistingPerson | null;
}

export interface ExistingPerson {
  name: string;
  email: string | null;
  phone: string | null;
  active: boolean;
  staffRoles: StaffRole[];
}

export type HandleResult =
  | { ok: true; request: MembershipRequest }
  | { ok: false; reason: 'not_found' | 'already_handled' }
  /** The note is missing (rejecting) or not acceptable text; nothing changed. */
  | { ok: false; reason: 'note'; error: FieldError };

export function createMembershipRequests(deps: { db: Db; clock: Clock; audit: AuditLog }) {
  const { db, clock, audit } = deps;

  function query(from: Db) {
    return from
      .selectFrom('membership_request as r')
      .innerJoin('organisation as o', 'o.orgnr', 'r.orgnr')
      .leftJoin('person as p', 'p.personnummer', 'r.requested_by')
      .leftJoin('person as e', 'e.personnummer', 'r.personnummer')
      .selectAll('r')
      .select([
        'o.name as org_name',
        'p.name as requested_by_name',
        'e.name as existing_name',
        'e.email as existing_email',
        'e.phone as existing_phone',
        'e.active as existing_active',
      ]);
  }
  type Row = Awaited<ReturnType<ReturnType<typeof query>['executeTakeFirstOrThrow']>>;
  /** Rows with the staff roles of the persons they are about (one query for all). */
  async function withRoles(from: Db, rows: Row[]): Promise<MembershipRequest[]> {
    const known = [...new Set(rows.filter((r) => r.existing_name !== null).map((r) => r.personnummer))];
    const roles =
      known.length === 0
        ? []
        : await from.selectFrom('staff_role').select(['personnummer', 'role']).where('personnummer', 'in', known).orderBy('role').execute();
    return rows.map((r) => toRequest(r, roles.filter((x) => x.personnummer === r.personnummer).map((x) => x.role)));
  }
  const toRequest = (r: Row, staffRoles: StaffRole[]): MembershipRequest => ({
    id: r.id,
    orgnr: r.orgnr,
    orgName: r.org_name,
    action: r.action,
    personnummer: r.personnummer,
    name: r.name,
    email: r.email,
    phone: r.phone,
    role: r.role,
    status: r.status,
    requestedBy: r.requested_by,
    requestedByName: r.requested_by_name,
    requestedAt: new Date(r.requested_at),
    handledBy: r.handled_by,
    handledAt: r.handled_at ? new Date(r.handled_at) : null,
    note: r.note,
    existing:
      r.existing_name === null
        ? null
        : { name: r.existing_name, email: r.existing_email, phone: r.existing_phone, active: Number(r.existing_active) === 1, staffRoles },
  });

  async function handle(
    id: string,
    decision: 'approved' | 'rejected',
    actor: Actor,
    rawNote: string,
  ): Promise<HandleResult> {
    const checked = text(rawNote, { max: NOTE_MAX, required: decision === 'rejected' });
    if (!checked.ok) {
      const error: FieldError =
        checked.error.key === 'admin.error.required'
          ? { key: 'admin.requests.error.noteRequired' }
          : checked.error;
      return { ok: false, reason: 'note', error };
    }
    const note = checked.value === '' ? null : checked.value;
    const handledAt = clock.now().toISOString();
    const outcome = await db.transaction().execute(async (trx): Promise<HandleResult> => {
      // Only a pending request changes; a second approval or rejection finds nothing to update.
      const updated = await trx
        .updateTable('membership_request')
        .set({
          status: decision,
          handled_by: actor.personnummer,
          handled_at: handledAt,
          ...(note === null ? {} : { note }),
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      const row = await query(trx).where('r.id', '=', id).executeTakeFirst();
      if (!row) return { ok: false, reason: 'not_found' };
      if (updated.numUpdatedRows === 0n) return { ok: false, reason: 'already_handled' };
      if (decision === 'approved') {
        const accounts = createAccounts({ db: trx, clock });
        if (row.action === 'add') {
          const existing = await accounts.findPerson(row.personnummer);
          // A new person is created from the request. A known person is who they are: an
          // organisation admin may add them to the organisation, not rename them or redirect
          // their e-mail (that person may act for other organisations, or be agency staff).
          // Only contact details they have none of are filled in.
          if (!existing) {
            await accounts.upsertPerson({ personnummer: row.personnummer, name: row.name, email: row.email, phone: row.phone });
          } else if ((existing.email === null && row.email !== null) || (existing.phone === null && row.phone !== null)) {
            await accounts.upsertPerson({
              personnummer: row.personnummer,
              name: existing.name,
              email: existing.email ?? row.email,
              phone: existing.phone ?? row.phone,
            });
          }
          await accounts.addMembership(row.personnummer, row.orgnr, row.role);
        } else {
          await accounts.removeMembership(row.personnummer, row.orgnr);
        }
      }
      const [request] = await withRoles(trx, [row]);
      return request ? { ok: true, request } : { ok: false, reason: 'not_found' };
    });
    if (outcome.ok) {
      const r = outcome.request;
      await audit.record({
        event: decision === 'approved' ? 'membership_request_approved' : 'membership_request_rejected',
        outcome: 'success',
        actor: actor.personnummer,
        subject: r.id,
        ip: actor.ip,
        details: {
          orgnr: r.orgnr,
          action: r.action,
          personnummer: r.personnummer,
          role: r.role,
          ...(note ? { note } : {}),
        },
      });
    }
    return outcome;
  }

  return {
    /** Pending requests, oldest first (first come, first served). */
    async pending(): Promise<MembershipRequest[]> {
      const rows = await query(db)
        .where('r.status', '=', 'pending')
        .orderBy('r.requested_at')
        .orderBy('r.id')
        .execute();
      return withRoles(db, rows);
    },
    /** Requests no longer pending (handled or withdrawn), most recent first. */
    async recent(limit = 20): Promise<MembershipRequest[]> {
      const rows = await query(db)
        .where('r.status', '!=', 'pending')
        .orderBy((eb) => eb.fn.coalesce('r.handled_at', 'r.requested_at'), 'desc')
        .orderBy('r.id', 'desc')
        .limit(limit)
        .execute();
      return withRoles(db, rows);
    },
    async find(id: string): Promise<MembershipRequest | undefined> {
      const row = await query(db).where('r.id', '=', id).executeTakeFirst();
      return row && (await withRoles(db, [row]))[0];
    },
    /** Applies a pending request and marks it approved (with an optional note). */
    approve: (id: string, actor: Actor, note = ''): Promise<HandleResult> =>
      handle(id, 'approved', actor, note),
    /** Marks a pending request rejected; the note (why) is required. */
    reject: (id: string, actor: Actor, note: string): Promise<HandleResult> =>
      handle(id, 'rejected', actor, note),
  };
}

export type MembershipRequests = ReturnType<typeof createMembershipRequests>;
