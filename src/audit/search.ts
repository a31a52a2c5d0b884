/**
 * Searching the audit log, which this feature owns: by person (as actor, subject or in the
 * details), by event and by date range; a page at a time, or the whole result (for CSV).
 */
import type { Db } from '../platform/db/index.js';
import { auditEventOf, type AuditEvent } from './service.js';

export const PAGE_SIZE = 50;
/** The most rows one CSV export holds; the admin narrows the search for more. */
export const CSV_MAX_ROWS = 100_000;

export interface AuditQuery {
  /** Canonical personnummer. */
  person?: string;
  event?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive (the local midnight after the "to" day). */
  to?: Date;
}

export function createAuditSearch(db: Db) {
  function filtered(query: AuditQuery) {
    let q = db.selectFrom('audit_event');
    const { person, event, from, to } = query;
    if (person !== undefined) {
      // A canonical number is 12 digits: no LIKE wildcards can come from it.
      q = q.where((eb) =>
        eb.or([eb('actor', '=', person), eb('subject', '=', person), eb('details', 'like', `%${person}%`)]),
      );
    }
    if (event !== undefined) q = q.where('event', '=', event);
    if (from !== undefined) q = q.where('at', '>=', from.toISOString());
    if (to !== undefined) q = q.where('at', '<', to.toISOString());
    return q;
  }

  return {
    /** One page (1-based) of matching events, newest first (by time, then by id), and how many match in all. */
    async page(query: AuditQuery, page: number): Promise<{ events: AuditEvent[]; total: number }> {
      const count = await filtered(query)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const rows = await filtered(query)
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .execute();
      return { events: rows.map(auditEventOf), total: Number(count.n) };
    },
    /** Every matching event, newest first, up to `max`. */
    async all(query: AuditQuery, max = CSV_MAX_ROWS): Promise<AuditEvent[]> {
      const rows = await filtered(query)
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(max)
        .execute();
      return rows.map(auditEventOf);
    },
    /** The event names the log holds, for the filter's choices. */
    async eventNames(): Promise<string[]> {
      const rows = await db.selectFrom('audit_event').select('event').distinct().orderBy('event').execute();
      return rows.map((r) => r.event);
    },
  };
}

export type AuditSearch = ReturnType<typeof createAuditSearch>;
