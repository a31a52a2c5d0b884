/**
 * After submission: the messages between the company and the agency in a case (a message
 * may carry a file, a supplement), who has read which, and the case officer's status
 * changes; closing is final and a closed case takes no more messages. (Not `messages.ts`:
 * that is this feature's i18n catalog.)
 */
import type { CaseStatus } from '../platform/db/schema.js';
import { timeOrderedId } from '../platform/ids.js';
import type { CaseAttachments } from './attachments.js';
import { attachmentsOf, type CaseStore } from './case-store.js';
import { CaseError, type AttachmentInfo, type CaseMessage, type CaseRow } from './model.js';

export function caseMessages(store: CaseStore, attachments: Pick<CaseAttachments, 'addAttachment'>) {
  const { db, clock, audit, now } = store;

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

    /** The messages of a case `reader` has read. */
    async readMessageIds(caseId: string, reader: string): Promise<string[]> {
      const rows = await db
        .selectFrom('message_read')
        .innerJoin('case_message', 'case_message.id', 'message_read.message_id')
        .select('message_read.message_id')
        .where('case_message.case_id', '=', caseId)
        .where('message_read.personnummer', '=', reader)
        .execute();
      return rows.map((r) => r.message_id);
    },

    async markRead(caseId: string, reader: string): Promise<void> {
      const unread = await db
        .selectFrom('case_message')
        .leftJoin('message_read', (join) =>
          join
            .onRef('message_read.message_id', '=', 'case_message.id')
            .on('message_read.personnummer', '=', reader),
        )
        .select('case_message.id')
        .where('case_message.case_id', '=', caseId)
        .where('message_read.message_id', 'is', null)
        .execute();
      if (unread.length === 0) return;
      const t = now();
      await db
        .insertInto('message_read')
        .values(unread.map((m) => ({ message_id: m.id, personnummer: reader, read_at: t })))
        .onConflict((oc) => oc.columns(['message_id', 'personnummer']).doNothing())
        .execute();
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
