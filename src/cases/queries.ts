/**
 * Reading cases: one case and its type, a submitted case's page in one statement, the
 * organisation's list and start-page summary with unread agency messages, and the case
 * officers' list of submitted cases.
 */
import type { ExpressionBuilder } from 'kysely';
import { jsonArrayFrom as postgresJsonArray } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteJsonArray } from 'kysely/helpers/sqlite';
import { isActiveMemberOf, organisationNameOf, personNameOf } from '../accounts/subqueries.js';
import type { AttachmentTable, CaseStatus, Database } from '../platform/db/schema.js';
import { evidenceFactOf, timestampGenTimeOf, timestampStateOf } from '../signing/subqueries.js';
import { attachmentInfo, titleOf, toRow, type CaseStore } from './case-store.js';
import { CaseError, type AttachmentInfo, type CaseRow, type CaseSignature } from './model.js';
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

/** A case with what its page shows, read in one statement (`view`). */
export interface CaseView {
  row: CaseRow;
  /** Whether the reader is a member of the case's organisation, and it is active. */
  isMember: boolean;
  orgName: string | null;
  submitterName: string | null;
  officerName: string | null;
  /** Who signed it, how and when; undefined for a draft. */
  signature: CaseSignature | undefined;
  /** The evidence's timestamp as stored (the signature check verifies it). */
  timestamp: { state: 'none' } | { state: 'pending' } | { state: 'stamped'; genTime?: string };
  /** Every attachment of the case, its own and the messages', by id. */
  attachments: AttachmentInfo[];
}

/** Agency messages of the case in the row at hand (`case_file`) that `reader` has not read, as a subquery. */
function unreadInCase(eb: ExpressionBuilder<Database, 'case_file'>, reader: string) {
  return eb
    .selectFrom('case_message')
    .select((e) => e.fn.countAll<number | string>().as('n'))
    .whereRef('case_message.case_id', '=', 'case_file.id')
    .where('case_message.side', '=', 'agency')
    .where((e) =>
      e.not(
        e.exists(
          e
            .selectFrom('message_read')
            .select('message_read.message_id')
            .whereRef('message_read.message_id', '=', 'case_message.id')
            .where('message_read.personnummer', '=', reader),
        ),
      ),
    );
}

export function caseQueries(store: CaseStore) {
  const { db, types, postgres } = store;
  const jsonArrayFrom = postgres ? postgresJsonArray : sqliteJsonArray;

  const queries = {
    types,

    titleOf,

    async find(id: string): Promise<CaseRow | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
      const row = await db.selectFrom('case_file').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRow(row);
    },

    /**
     * A case and what its page shows, in one statement: whether `reader` is a member of its
     * (active) organisation, the organisation's name, who submitted it and who handles it,
     * the signature and its timestamp, and every attachment. Undefined when there is none.
     */
    async view(id: string, reader: string): Promise<CaseView | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
      const found = await db
        .selectFrom('case_file')
        .selectAll('case_file')
        .select((eb) => {
          const evidenceId = eb.ref('case_file.evidence_id');
          return [
            isActiveMemberOf(reader, eb.ref('case_file.orgnr')).as('is_member'),
            organisationNameOf(eb.ref('case_file.orgnr')).as('org_name'),
            personNameOf(eb.ref('case_file.submitted_by')).as('submitter_name'),
            personNameOf(eb.ref('case_file.officer')).as('officer_name'),
            evidenceFactOf(evidenceId, 'method').as('signature_method'),
            evidenceFactOf(evidenceId, 'signer_name').as('signer_name'),
            evidenceFactOf(evidenceId, 'signed_at').as('signed_at'),
            timestampStateOf(evidenceId).as('timestamp_state'),
            timestampGenTimeOf(evidenceId).as('timestamp_gen_time'),
            jsonArrayFrom(
              eb
                .selectFrom('attachment')
                .select(['id', 'case_id', 'message_id', 'sha256', 'file_name', 'media_type', 'size', 'uploaded_by', 'uploaded_at'])
                .whereRef('attachment.case_id', '=', 'case_file.id')
                .orderBy('attachment.id'),
            ).as('attachments'),
          ];
        })
        .where('case_file.id', '=', id)
        .executeTakeFirst();
      if (!found) return undefined;
      const {
        is_member,
        org_name,
        submitter_name,
        officer_name,
        signature_method,
        signer_name,
        signed_at,
        timestamp_state,
        timestamp_gen_time,
        attachments,
        ...row
      } = found;
      // PostgreSQL answers JSON parsed, SQLite as text.
      const files = (typeof attachments === 'string' ? JSON.parse(attachments) : attachments) as AttachmentTable[];
      return {
        row: toRow(row),
        isMember: Boolean(is_member),
        orgName: org_name,
        submitterName: submitter_name,
        officerName: officer_name,
        signature:
          signature_method !== null && signed_at !== null
            ? { method: signature_method, signerName: signer_name, signedAt: signed_at }
            : undefined,
        timestamp:
          timestamp_state === 'stamped'
            ? { state: 'stamped', ...(timestamp_gen_time ? { genTime: timestamp_gen_time } : {}) }
            : timestamp_state === 'pending'
              ? { state: 'pending' }
              : { state: 'none' },
        attachments: files.map(attachmentInfo).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      };
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

    /**
     * For the start page: unread agency messages, open drafts and the latest cases of the
     * organisation, in two statements that stay flat as the organisation's cases grow: the
     * stored unread counts (cases/unread.ts) with the drafts (at most the organisation's
     * limit), then the five latest cases by the index on (orgnr, updated_at), with their own
     * unread messages.
     */
    async startSummary(orgnr: string, reader: string, lang: 'sv' | 'en'): Promise<CasesStartSummary> {
      const counts = await db
        .selectNoFrom((eb) => [
          eb.selectFrom('agency_message_count').select('agency_message_count.messages').where('agency_message_count.orgnr', '=', orgnr).as('total'),
          eb
            .selectFrom('agency_message_read_count')
            .select('agency_message_read_count.messages')
            .where('agency_message_read_count.orgnr', '=', orgnr)
            .where('agency_message_read_count.personnummer', '=', reader)
            .as('read'),
          eb
            .selectFrom('case_file')
            .select((e) => e.fn.countAll<number | string>().as('n'))
            .where('case_file.orgnr', '=', orgnr)
            .where('case_file.status', '=', 'draft')
            .as('drafts'),
        ])
        .executeTakeFirstOrThrow();
      const recent = await db
        .selectFrom('case_file')
        .selectAll('case_file')
        .select((eb) => unreadInCase(eb, reader).as('unread'))
        .where('case_file.orgnr', '=', orgnr)
        .orderBy('case_file.updated_at', 'desc')
        .limit(5)
        .execute();
      return {
        unread: (counts.total ?? 0) - (counts.read ?? 0),
        drafts: Number(counts.drafts ?? 0),
        recent: recent.map(({ unread, ...r }) => {
          const row = toRow(r);
          const type = types.get(row.type_id);
          return {
            id: row.id,
            title: type ? titleOf(type, row.data, lang) : row.title,
            caseNumber: row.case_number,
            status: row.status,
            unread: Number(unread ?? 0),
          };
        }),
      };
    },

    /**
     * Agency messages `reader` has not read, per case of the organisation, counted over all
     * its cases: for checks of the stored counts (cases/unread.ts), not for a page.
     */
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
