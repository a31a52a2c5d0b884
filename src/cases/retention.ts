/**
 * What the retention purge (src/retention/) asks of the cases it owns: which cases a rule
 * names (drafts untouched since a time, cases closed before a time), what removing them would
 * remove, and the removal of one case with everything that hangs off it, inside the purge's
 * transaction. Submitted and in-progress cases are never named: their retention counts from
 * closing (README "Retention").
 */
import { sql, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { CaseStore } from './case-store.js';
import { CASE_SUBMISSION } from './model.js';
import { countEvidenceOf, countTimestampsOf, removeEvidenceOf, removeTimestampsOf } from '../signing/retention.js';
import { forgetCase } from './unread.js';

/** A rule over cases: drafts untouched (updated_at) before `before`, or cases closed before it. */
export interface CaseRule {
  readonly kind: 'draft' | 'closed';
  /** ISO-8601 UTC: the cut-off. */
  readonly before: string;
}

/** What removing cases removes, by type (a dependent added below counts under its own type). */
export type CaseRemoval = {
  cases: number;
  attachments: number;
  messages: number;
  readMarkers: number;
  receipts: number;
  timestamps: number;
  signatureEvidence: number;
  fileContents: number;
  [dependent: string]: number;
};

type Trx = Transaction<Database>;

/**
 * What hangs off a case (or its evidence), removed before the case row and its evidence, in
 * this order. Another table that refers to a case or to its evidence is one more line here,
 * with its count type's texts in retention/messages.ts (`retention.type.<type>`).
 */
const CASE_DEPENDENTS: ReadonlyArray<{ type: string; remove(trx: Trx, caseId: string): Promise<{ numDeletedRows: bigint }> }> = [
  {
    type: 'readMarkers',
    remove: (trx, id) =>
      trx.deleteFrom('message_read').where('message_id', 'in', trx.selectFrom('case_message').select('id').where('case_id', '=', id)).executeTakeFirst(),
  },
  { type: 'attachments', remove: (trx, id) => trx.deleteFrom('attachment').where('case_id', '=', id).executeTakeFirst() },
  { type: 'messages', remove: (trx, id) => trx.deleteFrom('case_message').where('case_id', '=', id).executeTakeFirst() },
  { type: 'receipts', remove: (trx, id) => trx.deleteFrom('case_receipt').where('case_id', '=', id).executeTakeFirst() },
  { type: 'timestamps', remove: (trx, id) => removeTimestampsOf(trx, CASE_SUBMISSION, id) },
];


export const emptyRemoval = (): CaseRemoval => ({ cases: 0, attachments: 0, messages: 0, readMarkers: 0, receipts: 0, timestamps: 0, signatureEvidence: 0, fileContents: 0 });

export function caseRetention(store: CaseStore) {
  const { db, postgres, lockOrganisation } = store;

  /** The condition of a rule on case_file (also re-checked at removal: a draft touched since is kept). */
  const condition = (rule: CaseRule) =>
    rule.kind === 'draft'
      ? sql<SqlBool>`case_file.status = 'draft' and case_file.updated_at < ${rule.before}`
      : sql<SqlBool>`case_file.status = 'closed' and case_file.closed_at is not null and case_file.closed_at < ${rule.before}`;

  /** Up to `cap` ids of the cases a rule names, oldest first. */
  const namedIds = (rule: CaseRule, cap: number) =>
    db
      .selectFrom('case_file')
      .select('case_file.id')
      .where(condition(rule))
      .orderBy(rule.kind === 'draft' ? 'case_file.updated_at' : 'case_file.closed_at')
      .orderBy('case_file.id')
      .limit(cap);

  return {
    async expiredCaseIds(rule: CaseRule, limit: number): Promise<string[]> {
      return (await namedIds(rule, limit).execute()).map((r) => r.id);
    },

    /**
     * What removing the (at most `cap`) cases a rule names would remove now; a file content
     * still referred to by a case not named is not counted, as the purge would keep it.
     */
    async countExpired(rule: CaseRule, cap: number): Promise<{ removal: CaseRemoval; capped: boolean }> {
      const ids = (await namedIds(rule, cap + 1).execute()).map((r) => r.id);
      const capped = ids.length > cap;
      const chosen = ids.slice(0, cap);
      const counts = emptyRemoval();
      counts.cases = chosen.length;
      // In slices: a statement takes a bounded number of parameters on SQLite.
      const shas = new Set<string>();
      for (let i = 0; i < chosen.length; i += 500) {
        const slice = chosen.slice(i, i + 500);
        const [att, msg, read, ev, receipts, stamps] = await Promise.all([
          db.selectFrom('attachment').select(['sha256']).where('case_id', 'in', slice).execute(),
          db.selectFrom('case_message').select((eb) => eb.fn.countAll<number | string>().as('n')).where('case_id', 'in', slice).executeTakeFirstOrThrow(),
          db
            .selectFrom('message_read')
            .innerJoin('case_message', 'case_message.id', 'message_read.message_id')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .where('case_message.case_id', 'in', slice)
            .executeTakeFirstOrThrow(),
          countEvidenceOf(db, CASE_SUBMISSION, slice),
          db.selectFrom('case_receipt').select((eb) => eb.fn.countAll<number | string>().as('n')).where('case_id', 'in', slice).executeTakeFirstOrThrow(),
          countTimestampsOf(db, CASE_SUBMISSION, slice),
        ]);
        counts.timestamps += stamps;
        counts.receipts += Number(receipts.n);
        counts.attachments += att.length;
        counts.messages += Number(msg.n);
        counts.readMarkers += Number(read.n);
        counts.signatureEvidence += ev;
        for (const a of att) shas.add(a.sha256);
      }
      // A content counts when every attachment that refers to it belongs to a named case.
      const chosenSet = new Set(chosen);
      const all = [...shas];
      const keptByOthers = new Set<string>();
      for (let i = 0; i < all.length; i += 500) {
        const users = await db.selectFrom('attachment').select(['sha256', 'case_id']).where('sha256', 'in', all.slice(i, i + 500)).execute();
        for (const u of users) if (!chosenSet.has(u.case_id)) keptByOthers.add(u.sha256);
      }
      counts.fileContents = all.length - keptByOthers.size;
      return { removal: counts, capped };
    },

    /**
     * Removes one case the rule still names, with its read markers (and their part of the
     * unread counts), attachments, messages and signature evidence, and then the file contents no attachment refers to any more, in the
     * caller's transaction: all of it or, after a crash, none of it. Undefined when the case
     * is gone or no longer named (removed by another purge, or a draft edited since).
     */
    async removeCase(trx: Trx, caseId: string, rule: CaseRule): Promise<CaseRemoval | undefined> {
      const found = await trx.selectFrom('case_file').select('orgnr').where('id', '=', caseId).executeTakeFirst();
      if (!found) return undefined;
      // The writers' lock order: the organisation, then the case (store.lockCase).
      await lockOrganisation(trx, found.orgnr);
      let check = trx.selectFrom('case_file').select(['id', 'evidence_id']).where('id', '=', caseId).where(condition(rule));
      if (postgres) check = check.forUpdate();
      const row = await check.executeTakeFirst();
      if (!row) return undefined;
      const removal = emptyRemoval();
      // The stored unread counts (cases/unread.ts) lose the case's messages and their markers
      // first; they are not a dependent of the case (they hang off organisations and people).
      await forgetCase(trx, postgres, caseId, found.orgnr);
      const shas = (await trx.selectFrom('attachment').select('sha256').where('case_id', '=', caseId).execute()).map((a) => a.sha256);
      for (const dependent of CASE_DEPENDENTS) {
        removal[dependent.type] = (removal[dependent.type] ?? 0) + Number((await dependent.remove(trx, caseId)).numDeletedRows);
      }
      removal.cases = Number((await trx.deleteFrom('case_file').where('id', '=', caseId).executeTakeFirst()).numDeletedRows);
      // The evidence refers to the case by its subject; the case row referred to it.
      removal.signatureEvidence = await removeEvidenceOf(trx, CASE_SUBMISSION, caseId);
      const unique = [...new Set(shas)];
      if (unique.length > 0) {
        const res = await trx
          .deleteFrom('file_content')
          .where('sha256', 'in', unique)
          .where((eb) => eb.not(eb.exists(eb.selectFrom('attachment').select('attachment.id').whereRef('attachment.sha256', '=', 'file_content.sha256'))))
          .executeTakeFirst();
        removal.fileContents = Number(res.numDeletedRows);
      }
      return removal;
    },

    /** How many file contents no attachment refers to were stored before `before` (at most `cap` + 1). */
    async countUnreferencedContent(before: string, cap: number): Promise<number> {
      const some = db
        .selectFrom('file_content')
        .select('sha256')
        .where('created_at', '<', before)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('attachment').select('attachment.id').whereRef('attachment.sha256', '=', 'file_content.sha256'))))
        .limit(cap + 1);
      const row = await db.selectFrom(some.as('some')).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Removes the file contents no attachment refers to that were stored before `before` (housekeeping's sweep, with the rule's grace). */
    removeUnreferencedContent: (before: string): Promise<number> => store.dropUnreferencedContent({ olderThan: before }),
  };
}
