/**
 * Searching the audit log, which this feature owns: by person (as actor, subject or in the
 * details), by event and by date range; a page at a time, or the whole result (for CSV) in
 * batches, so that an export of the whole log never holds more than a batch in memory.
 *
 * Flat as the log grows (indexes of migration 0009): a page is found through the index on
 * (at, id) or (event, at); the total is counted only up to COUNT_CAP (beyond it the page says
 * "more than"), so at most MAX_PAGES pages are reached; the event names are read by skipping
 * through the index on (event, at), not by reading every row; the export goes backwards
 * through (at, id) by keyset, a batch at a time.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/db/index.js';
import { auditEventOf, type AuditEvent } from './service.js';

export const PAGE_SIZE = 50;
/** Matches are counted up to this many; a larger result is "more than" it. */
export const COUNT_CAP = 10_000;
/** The last page that can be shown; the admin narrows the search to see older events. */
export const MAX_PAGES = COUNT_CAP / PAGE_SIZE;
/** Rows read per statement while exporting. */
export const EXPORT_BATCH = 2_000;

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
    /**
     * One page (1-based, at most MAX_PAGES) of matching events, newest first (by time, then by
     * id), and how many match, counted up to COUNT_CAP + 1 (`more`: there are more than COUNT_CAP).
     */
    async page(query: AuditQuery, page: number): Promise<{ events: AuditEvent[]; total: number; more: boolean }> {
      const shown = Math.min(Math.max(1, Math.trunc(page)), MAX_PAGES);
      const count = await db
        .selectFrom(filtered(query).select(sql.lit(1).as('one')).limit(COUNT_CAP + 1).as('m'))
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const rows = await filtered(query)
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(PAGE_SIZE)
        .offset((shown - 1) * PAGE_SIZE)
        .execute();
      const n = Number(count.n);
      return { events: rows.map(auditEventOf), total: Math.min(n, COUNT_CAP), more: n > COUNT_CAP };
    },
    /**
     * Every matching event, newest first, in batches of `batch` (keyset on (at, id): each
     * batch starts below the last row of the one before, so none is read twice or skipped).
     */
    async *all(query: AuditQuery, batch = EXPORT_BATCH): AsyncGenerator<AuditEvent[], void, undefined> {
      let after: { at: string; id: number | string } | undefined;
      for (;;) {
        let q = filtered(query);
        if (after) {
          const { at, id } = after;
          // `at <=` lets the index on (at, id) start at the last row; the rest skips its equals.
          q = q.where('at', '<=', at).where((eb) => eb.or([eb('at', '<', at), eb('id', '<', id)]));
        }
        const rows = await q.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(batch).execute();
        if (rows.length > 0) yield rows.map(auditEventOf);
        const last = rows[rows.length - 1];
        if (!last || rows.length < batch) return;
        after = { at: last.at, id: last.id };
      }
    },
    /**
     * The event names the log holds, for the filter's choices: the next name after the last
     * one, again and again (one index lookup each on (event, at)), not every row.
     */
    async eventNames(): Promise<string[]> {
      const result = await sql<{ event: string | null }>`
        with recursive names(event) as (
          select min(event) from audit_event
          union all
          select (select min(a.event) from audit_event a where a.event > names.event) from names where names.event is not null
        )
        select event from names where event is not null`.execute(db);
      return result.rows.flatMap((r) => (r.event === null ? [] : [r.event]));
    },
  };
}

export type AuditSearch = ReturnType<typeof createAuditSearch>;
