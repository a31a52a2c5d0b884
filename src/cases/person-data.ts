/**
 * What the cases hold about one person, for the admin's data access report (GDPR art. 15):
 * the cases they created or submitted and the messages they wrote. Counts in full, lists
 * newest first and capped, each an indexed lookup (`case_file_created_by`,
 * `case_file_submitted_by`, `case_message_author`).
 */
import type { CaseStatus } from '../platform/db/schema.js';
import type { CaseStore } from './case-store.js';

export interface CaseOfPerson {
  id: string;
  caseNumber: string | null;
  /** The type's name in both languages (the id when the type is no longer defined). */
  typeName: { sv: string; en: string };
  orgnr: string;
  status: CaseStatus;
  createdAt: string;
  createdByPerson: boolean;
  submittedAt: string | null;
  submittedByPerson: boolean;
  /** The signature evidence of the submission, for its method and time (signing/). */
  evidenceId: string | null;
}

export interface MessageOfPerson {
  id: string;
  caseNumber: string | null;
  createdAt: string;
  /** The first code points of the text, and its length in code points. */
  start: string;
  length: number;
}

export const MESSAGE_START = 80;

const count = (r: { n: number | string | bigint } | undefined) => Number(r?.n ?? 0);

export function casePersonData(store: CaseStore) {
  const { db, types } = store;

  return {
    /** Cases the person created or submitted: how many, and the newest `limit` of them. */
    async casesOfPerson(personnummer: string, limit: number): Promise<{ total: number; cases: CaseOfPerson[] }> {
      const [created, submittedByOthers] = await Promise.all([
        db
          .selectFrom('case_file')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('created_by', '=', personnummer)
          .executeTakeFirst(),
        db
          .selectFrom('case_file')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('submitted_by', '=', personnummer)
          .where('created_by', '<>', personnummer)
          .executeTakeFirst(),
      ]);
      const columns = [
        'id',
        'case_number',
        'type_id',
        'orgnr',
        'status',
        'created_by',
        'created_at',
        'submitted_by',
        'submitted_at',
        'evidence_id',
      ] as const;
      // Two indexed lookups, each capped, merged: no OR across two columns for the planner.
      const [byCreator, bySubmitter] = await Promise.all([
        db
          .selectFrom('case_file')
          .select(columns)
          .where('created_by', '=', personnummer)
          .orderBy('created_at', 'desc')
          .limit(limit)
          .execute(),
        db
          .selectFrom('case_file')
          .select(columns)
          .where('submitted_by', '=', personnummer)
          .orderBy('submitted_at', 'desc')
          .limit(limit)
          .execute(),
      ]);
      const rows = new Map([...byCreator, ...bySubmitter].map((r) => [r.id, r]));
      const cases = [...rows.values()]
        .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1))
        .slice(0, limit)
        .map((r) => {
          const type = types.get(r.type_id);
          return {
            id: r.id,
            caseNumber: r.case_number,
            typeName: type ? { sv: type.name.sv, en: type.name.en } : { sv: r.type_id, en: r.type_id },
            orgnr: r.orgnr,
            status: r.status,
            createdAt: r.created_at,
            createdByPerson: r.created_by === personnummer,
            submittedAt: r.submitted_at,
            submittedByPerson: r.submitted_by === personnummer,
            evidenceId: r.evidence_id,
          };
        });
      return { total: count(created) + count(submittedByOthers), cases };
    },

    /** Messages the person wrote in cases: how many, and the newest `limit` (the start of each text). */
    async messagesOfPerson(personnummer: string, limit: number): Promise<{ total: number; messages: MessageOfPerson[] }> {
      const [total, rows] = await Promise.all([
        db
          .selectFrom('case_message')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('author', '=', personnummer)
          .executeTakeFirst(),
        db
          .selectFrom('case_message')
          .innerJoin('case_file', 'case_file.id', 'case_message.case_id')
          .select(['case_message.id', 'case_file.case_number', 'case_message.created_at', 'case_message.body'])
          .where('case_message.author', '=', personnummer)
          .orderBy('case_message.created_at', 'desc')
          .orderBy('case_message.id', 'desc')
          .limit(limit)
          .execute(),
      ]);
      return {
        total: count(total),
        messages: rows.map((r) => {
          const points = Array.from(r.body);
          return {
            id: r.id,
            caseNumber: r.case_number,
            createdAt: r.created_at,
            start: points.slice(0, MESSAGE_START).join(''),
            length: points.length,
          };
        }),
      };
    },
  };
}
