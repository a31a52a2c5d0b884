/**
 * Append-only audit events: who did what, when, from where, with which outcome. Nothing in
 * Kundwebben updates or deletes these rows.
 */
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import type { AuditEventTable } from '../platform/db/schema.js';

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
  | 'eid_selftest';

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
