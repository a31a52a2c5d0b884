/**
 * After submission: the messages between the company and the agency in a case (a message
 * may carry a file, a supplement), who has read which, and the case officer's status
 * changes; closing is final and a closed case takes no more messages. (Not `messages.ts`:
 * that is this feature's i18n catalog.)
 */
import { personNameOf } from '../accounts/subqueries.js';
import type { CaseStatus } from '../platform/db/schema.js';
import { timeOrderedId } from '../platform/ids.js';
import type { CaseAttachments } from './attachments.js';
import { attachmentsOf, type CaseStore } from './case-store.js';
import { CaseError, type AttachmentInfo, type CaseMessage, type CaseRow } from './model.js';
import { countPosted, markRead } from './unread.js';

export function caseMessages(store: CaseStore, attachments: Pick<CaseAttachments, 'addAttachment'>) {
  const { db, clock, audit, now, postgres } = store;

  return {
    async messages(caseId: string): Promise<CaseMessage[]> {
      const rows = await db
        .selectFrom('case_message')
        .leftJoin('person', 'person.personnummer', 'case_message.author')
        .selectAll('case_message')
        .select('person.name as author_name')
        .where('case_id', '=', caseId)
        .orderBy('id')
        .execute();
      const files = (await attachmentsOf(db, caseId)).filter((a) => a.messageId !== null);
      return rows.map((r) => ({
        id: r.id,
        caseId: r.case_id,
        side: r.side,
        author: r.author,
        authorName: r.author_name,
        body: r.body,
        createdAt: r.created_at,
        attachments: files.filter((f) => f.messageId === r.id),
      }));
    },

    /**
     * The conversation of a case as `reader` sees it, in one statement: the messages, each
     * with its author's name, whether `reader` has read it, and its files (from `files`, the
     * case's attachments, which the caller has read with the case).
     */
    async conversation(caseId: string, reader: string, files: readonly AttachmentInfo[]): Promise<(CaseMessage & { read: boolean })[]> {
      const rows = await db
        .selectFrom('case_message')
        .selectAll('case_message')
        .select((eb) => [
          personNameOf(eb.ref('case_message.author')).as('author_name'),
          eb
            .exists(
              eb
                .selectFrom('message_read')
                .select('message_read.message_id')
                .whereRef('message_read.message_id', '=', 'case_message.id')
                .where('message_read.personnummer', '=', reader),
            )
            .as('read'),
        ])
        .where('case_message.case_id', '=', caseId)
        .orderBy('case_message.id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        caseId: r.case_id,
        side: r.side,
        author: r.author,
        authorName: r.author_name,
        body: r.body,
        createdAt: r.created_at,
        attachments: files.filter((f) => f.messageId === r.id),
        // PostgreSQL answers a boolean, SQLite 0 or 1.
        read: Boolean(r.read),
      }));
    },

    /**
     * A message in a case from the company or the agency, optionally with a file (a
     * supplement). Closed cases and drafts take none.
     */
    async postMessage(input: {
      row: CaseRow;
      side: 'organisation' | 'agency';
      author: string;
      body: string;
      file?: { fileName: string; mediaType: string; bytes: Buffer };
      ip?: string;
    }): Promise<string> {
      const id = timeOrderedId(clock);
      const t = now();
      let attached: AttachmentInfo | undefined;
      await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('case_file')
          .select('status')
          .where('id', '=', input.row.id)
          .executeTakeFirst();
        if (!current || current.status === 'draft') throw new CaseError('not_found', 'no submitted case');
        if (current.status === 'closed') throw new CaseError('closed', 'case closed');
        await trx
          .insertInto('case_message')
          .values({
            id,
            case_id: input.row.id,
            side: input.side,
            author: input.author,
            body: input.body,
            created_at: t,
          })
          .execute();
        await trx
          .insertInto('message_read')
          .values({ message_id: id, personnummer: input.author, read_at: t })
          .execute();
        await countPosted(trx, { orgnr: input.row.orgnr, side: input.side, author: input.author });
        await trx.updateTable('case_file').set({ updated_at: t }).where('id', '=', input.row.id).execute();
        if (input.file)
          attached = await attachments.addAttachment(
            { row: input.row, ...input.file, actor: input.author, ...(input.ip ? { ip: input.ip } : {}) },
            trx,
            id,
          );
      });
      await audit.record({
        event: 'case_message_sent',
        outcome: 'success',
        actor: input.author,
        subject: `case:${input.row.id}`,
        ip: input.ip ?? null,
        details: { side: input.side, message: id, ...(attached ? { attachment: attached.id, sha256: attached.sha256 } : {}) },
      });
      return id;
    },

    /**
     * Marks as read the messages of a case `reader` has just been shown unread (the unread
     * counts follow, cases/unread.ts); nothing is written when there are none.
     */
    async markRead(row: CaseRow, reader: string, shown: readonly Pick<CaseMessage, 'id' | 'side'>[]): Promise<void> {
      await markRead(db, postgres, { orgnr: row.orgnr, reader, messages: shown, at: now() });
    },

    /** Officer actions: take the case, change its status; closing is final. */
    async setStatus(
      row: CaseRow,
      status: Exclude<CaseStatus, 'draft' | 'submitted'>,
      officer: string,
      ip?: string,
    ): Promise<void> {
      const t = now();
      // Taking a submitted case, closing an open one, and reopening a closed one (the undo of
      // closing: back to in progress, the close time cleared). The status is checked in the
      // same statement that writes, so two officers at once cannot both succeed.
      const res = await db
        .updateTable('case_file')
        .set({ status, officer, updated_at: t, closed_at: status === 'closed' ? t : null })
        .where('id', '=', row.id)
        .where('status', 'in', status === 'closed' ? ['submitted', 'in_progress'] : ['submitted', 'closed'])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new CaseError(status === 'closed' && row.status === 'closed' ? 'closed' : 'status_not_allowed', 'status change not allowed');
      await audit.record({
        event: 'case_status_changed',
        outcome: 'success',
        actor: officer,
        subject: `case:${row.id}`,
        ip: ip ?? null,
        details: { from: row.status, to: status },
      });
    },
  };
}

export type CaseMessages = ReturnType<typeof caseMessages>;
