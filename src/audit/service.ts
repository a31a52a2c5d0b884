/**
 * Append-only audit events: who did what, when, from where, with which outcome. Nothing in
 * Kundwebben updates these rows; only the retention purge (src/retention/) deletes those
 * older than the agency's rule, in batches (`removeBefore`).
 */
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import type { Transaction } from 'kysely';
import type { AuditEventTable, Database } from '../platform/db/schema.js';

export type AuditEventName =
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'session_expired'
  | 'organisation_selected'
  | 'plan_changed'
  | 'plan_seeded'
  | 'users_imported'
  | 'users_import_refused'
  | 'signature_completed'
  | 'signature_failed'
  | 'case_created'
  | 'case_deleted'
  | 'case_submitted'
  | 'case_status_changed'
  | 'case_message_sent'
  | 'attachment_added'
  | 'attachment_removed'
  | 'attachment_downloaded'
  | 'membership_requested'
  | 'register_changed'
  | 'person_added'
  | 'person_changed'
  | 'person_deactivated'
  | 'person_reactivated'
  | 'membership_added'
  | 'membership_removed'
  | 'organisation_added'
  | 'organisation_renamed'
  | 'organisation_deactivated'
  | 'organisation_reactivated'
  | 'membership_request_approved'
  | 'membership_request_rejected'
  | 'reminder_sent'
  | 'reminder_failed'
  /** A self-test of an e-ID (selftest/): method and outcome, never the personal number. */
  | 'eid_selftest'
  /** An admin produced the data access report (GDPR art. 15) about the subject. */
  | 'data_access_report'
  /** The retention purge removed what the rules name (counts per rule and type, never a person). */
  | 'retention_purge'
  /** Signature evidence got its RFC 3161 timestamp (success), or a first try failed (signing/timestamps.ts). */
  | 'evidence_timestamped'
  /** Someone took the archival package of a submitted case (archive/). */
  | 'archive_package';

export interface AuditEventInput {
  event: AuditEventName;
  outcome: 'success' | 'failure';
  /** Personnummer of the person acting, when known. */
  actor?: string | null;
  /** What the event is about (a method id, an organisation number, a file name…). */
  subject?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: number;
  at: string;
  event: string;
  outcome: 'success' | 'failure';
  actor: string | null;
  subject: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export function createAuditLog(db: Db, clock: Clock, onRecord?: (input: AuditEventInput) => void) {
  return {
    /** Events recorded before `before` (ISO-8601), counted up to `cap` + 1 (the purge's preview). */
    async countBefore(before: string, cap: number): Promise<number> {
      const some = db.selectFrom('audit_event').select('id').where('at', '<', before).limit(cap + 1);
      const row = await db.selectFrom(some.as('some')).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Retention: removes the oldest (at most `limit`) events recorded before `before`, in the caller's transaction. */
    async removeBefore(trx: Transaction<Database>, before: string, limit: number): Promise<number> {
      const oldest = trx.selectFrom('audit_event').select('id').where('at', '<', before).orderBy('id').limit(limit);
      const res = await trx.deleteFrom('audit_event').where('id', 'in', oldest).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async record(input: AuditEventInput): Promise<void> {
      onRecord?.(input);
      await db
        .insertInto('audit_event')
        .values({
          at: clock.now().toISOString(),
          event: input.event,
          outcome: input.outcome,
          actor: input.actor ?? null,
          subject: input.subject ?? null,
          ip: input.ip ?? null,
          details: input.details ? JSON.stringify(input.details) : null,
        })
        .execute();
    },
    /**
     * What the log holds about one person, in counts (indexed: `audit_event_actor`,
     * `audit_event_subject`): their successful logins per method (a login's subject is the
     * method id), and the events they did and the events about them, per event and outcome.
     * Mentions inside the details are not counted (no index; the admin's search finds them).
     */
    async personSummary(personnummer: string): Promise<{
      logins: Array<{ method: string; count: number; first: string; last: string }>;
      events: Array<{ event: string; outcome: 'success' | 'failure'; byPerson: number; aboutPerson: number }>;
    }> {
      const [logins, by, about] = await Promise.all([
        db
          .selectFrom('audit_event')
          .select((eb) => [
            'subject',
            eb.fn.countAll<number | string>().as('n'),
            eb.fn.min('at').as('first'),
            eb.fn.max('at').as('last'),
          ])
          .where('actor', '=', personnummer)
          .where('event', '=', 'login')
          .where('outcome', '=', 'success')
          .groupBy('subject')
          .orderBy('subject')
          .limit(100)
          .execute(),
        db
          .selectFrom('audit_event')
          .select((eb) => ['event', 'outcome', eb.fn.countAll<number | string>().as('n')])
          .where('actor', '=', personnummer)
          .groupBy(['event', 'outcome'])
          .limit(500)
          .execute(),
        db
          .selectFrom('audit_event')
          .select((eb) => ['event', 'outcome', eb.fn.countAll<number | string>().as('n')])
          .where('subject', '=', personnummer)
          .where((eb) => eb.or([eb('actor', 'is', null), eb('actor', '<>', personnummer)]))
          .groupBy(['event', 'outcome'])
          .limit(500)
          .execute(),
      ]);
      const events = new Map<string, { event: string; outcome: 'success' | 'failure'; byPerson: number; aboutPerson: number }>();
      const entry = (event: string, outcome: 'success' | 'failure') => {
        const key = `${event}\u0000${outcome}`;
        let e = events.get(key);
        if (!e) events.set(key, (e = { event, outcome, byPerson: 0, aboutPerson: 0 }));
        return e;
      };
      for (const r of by) entry(r.event, r.outcome).byPerson += Number(r.n);
      for (const r of about) entry(r.event, r.outcome).aboutPerson += Number(r.n);
      return {
        logins: logins.map((r) => ({ method: r.subject ?? '', count: Number(r.n), first: r.first, last: r.last })),
        events: [...events.values()].sort((a, b) => (a.event === b.event ? (a.outcome < b.outcome ? 1 : -1) : a.event < b.event ? -1 : 1)),
      };
    },
    async list(filter: { actor?: string; event?: AuditEventName; limit?: number } = {}): Promise<AuditEvent[]> {
      let q = db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 100);
      if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
      if (filter.event !== undefined) q = q.where('event', '=', filter.event);
      const rows = await q.execute();
      return rows.map(auditEventOf);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/** A stored row as an event: a numeric id (PostgreSQL gives a string) and parsed details. */
export function auditEventOf(r: Omit<AuditEventTable, 'id'> & { id: number | string }): AuditEvent {
  return { ...r, id: Number(r.id), details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null };
}
