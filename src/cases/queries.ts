/**
 * Reading cases: one case and its type, the organisation's list and start-page summary with
 * unread agency messages, and the case officers' list of submitted cases.
 */
import type { CaseStatus } from '../platform/db/schema.js';
import { titleOf, toRow, type CaseStore } from './case-store.js';
import { CaseError, type CaseRow } from './model.js';
import type { CaseTypeDef } from './types.js';
import type { CasesStartSummary } from './views/start-notice.js';

/** The sections of an organisation's list, each a page at a time. */
export type CaseSection = 'drafts' | 'submitted' | 'messages';
/** Rows per page of the case officers' inbox. */
export const LIST_PAGE_SIZE = 50;
/** Rows per page of each section of a company's list (three sections on one page). */
export const SECTION_PAGE_SIZE = 25;
/** The deepest page a list goes to (an offset costs what it skips); older cases are found by opening a newer one's search. */
export const LIST_MAX_PAGE = 400;

/** A page number from a query string: a whole number from 1 to LIST_MAX_PAGE; anything else is clamped (a bad value is page 1). */
export function listPage(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 1;
  return Math.min(Math.max(1, n), LIST_MAX_PAGE);
}

export function caseQueries(store: CaseStore) {
  const { db, types } = store;

  const queries = {
    types,

    titleOf,

    async find(id: string): Promise<CaseRow | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
      const row = await db.selectFrom('case_file').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRow(row);
    },

    typeOf(row: CaseRow): CaseTypeDef {
      const type = types.get(row.type_id);
      if (!type) throw new CaseError('not_found', `case type ${row.type_id} no longer defined`);
      return type;
    },

    /** Cases of an organisation, newest change first, with unread agency messages for `reader`. */
    async listForOrganisation(orgnr: string, reader: string) {
      const rows = await db
        .selectFrom('case_file')
        .selectAll()
        .where('orgnr', '=', orgnr)
        .orderBy('updated_at', 'desc')
        .limit(500)
        .execute();
      // Unread counted for these cases only, not across a large organisation's every case.
      const unread = await queries.unreadOf(
        rows.map((r) => r.id),
        reader,
      );
      return rows.map((r) => ({ ...toRow(r), unread: unread.get(r.id) ?? 0 }));
    },

    /**
     * One page (1-based) of a section of an organisation's list, newest change first, with the
     * unread agency messages of those cases for `reader`; `more` when a next page has rows.
     */
    async pageForOrganisation(
      orgnr: string,
      reader: string,
      section: CaseSection,
      page: number,
      size = SECTION_PAGE_SIZE,
    ) {
      let q = db.selectFrom('case_file').selectAll().where('orgnr', '=', orgnr);
      q =
        section === 'drafts'
          ? q.where('status', '=', 'draft')
          : q.where('kind', '=', section === 'submitted' ? 'case' : 'message').where('status', '!=', 'draft');
      const rows = await q
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .limit(size + 1)
        .offset((page - 1) * size)
        .execute();
      const shown = rows.slice(0, size);
      const unread =
        section === 'drafts'
          ? new Map<string, number>()
          : await queries.unreadOf(
              shown.map((r) => r.id),
              reader,
            );
      return {
        rows: shown.map((r) => ({ ...toRow(r), unread: unread.get(r.id) ?? 0 })),
        more: rows.length > size,
      };
    },

    /** Agency messages `reader` has not read, per case, of the cases named. */
    async unreadOf(caseIds: readonly string[], reader: string): Promise<Map<string, number>> {
      if (caseIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('case_message')
        .leftJoin('message_read', (join) =>
          join
            .onRef('message_read.message_id', '=', 'case_message.id')
            .on('message_read.personnummer', '=', reader),
        )
        .select(['case_message.case_id as caseId', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('case_message.case_id', 'in', caseIds)
        .where('case_message.side', '=', 'agency')
        .where('message_read.message_id', 'is', null)
        .groupBy('case_message.case_id')
        .execute();
      return new Map(rows.map((r) => [r.caseId, Number(r.n)]));
    },

    /** For the start page: unread agency messages, open drafts and the latest cases of the organisation. */
    async startSummary(orgnr: string, reader: string, lang: 'sv' | 'en'): Promise<CasesStartSummary> {
      const unread = await queries.unreadByCase(orgnr, reader);
      const drafts = await db
        .selectFrom('case_file')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('orgnr', '=', orgnr)
        .where('status', '=', 'draft')
        .executeTakeFirstOrThrow();
      const recent = await db
        .selectFrom('case_file')
        .selectAll()
        .where('orgnr', '=', orgnr)
        .orderBy('updated_at', 'desc')
        .limit(5)
        .execute();
      return {
        unread: [...unread.values()].reduce((a, b) => a + b, 0),
        drafts: Number(drafts.n),
        recent: recent.map((r) => {
          const row = toRow(r);
          const type = types.get(row.type_id);
          return {
            id: row.id,
            title: type ? titleOf(type, row.data, lang) : row.title,
            caseNumber: row.case_number,
            status: row.status,
            unread: unread.get(row.id) ?? 0,
          };
        }),
      };
    },

    /** Agency messages `reader` has not read, per case of the organisation. */
    async unreadByCase(orgnr: string, reader: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('case_message')
        .innerJoin('case_file', 'case_file.id', 'case_message.case_id')
        .leftJoin('message_read', (join) =>
          join
            .onRef('message_read.message_id', '=', 'case_message.id')
            .on('message_read.personnummer', '=', reader),
        )
        .select(['case_message.case_id as caseId', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('case_file.orgnr', '=', orgnr)
        .where('case_message.side', '=', 'agency')
        .where('message_read.message_id', 'is', null)
        .groupBy('case_message.case_id')
        .execute();
      return new Map(rows.map((r) => [r.caseId, Number(r.n)]));
    },

    /**
     * Submitted cases for case officers, newest submission first, `limit` from `offset`;
     * drafts are the company's and never listed here. Unread messages are counted for the
     * cases returned only.
     */
    async listForAgency(filter: { status?: CaseStatus; limit?: number; offset?: number } = {}) {
      let q = db
        .selectFrom('case_file')
        .innerJoin('organisation', 'organisation.orgnr', 'case_file.orgnr')
        .selectAll('case_file')
        .select('organisation.name as org_name')
        .where('case_file.status', '!=', 'draft')
        // Every submitted case has the time; saying so lets the index on (submitted_at, id) skip the drafts.
        .where('case_file.submitted_at', 'is not', null);
      if (filter.status) q = q.where('case_file.status', '=', filter.status);
      const rows = await q
        .orderBy('case_file.submitted_at', 'desc')
        .orderBy('case_file.id', 'desc')
        .limit(filter.limit ?? 200)
        .offset(filter.offset ?? 0)
        .execute();
      const ids = rows.map((r) => r.id);
      const unread =
        ids.length === 0
          ? []
          : await db
              .selectFrom('case_message')
              .select(['case_id', (eb) => eb.fn.countAll<number | string>().as('n')])
              .where('case_id', 'in', ids)
              .where('side', '=', 'organisation')
              .where((eb) =>
                eb.not(
                  eb.exists(
                    eb
                      .selectFrom('message_read')
                      .innerJoin('staff_role', 'staff_role.personnummer', 'message_read.personnummer')
                      .select('message_read.message_id')
                      .whereRef('message_read.message_id', '=', 'case_message.id'),
                  ),
                ),
              )
              .groupBy('case_id')
              .execute();
      const unreadMap = new Map(unread.map((r) => [r.case_id, Number(r.n)]));
      return rows.map(({ org_name, ...r }) => ({
        ...toRow(r),
        orgName: org_name,
        unread: unreadMap.get(r.id) ?? 0,
      }));
    },
  };
  return queries;
}

export type CaseQueries = ReturnType<typeof caseQueries>;
