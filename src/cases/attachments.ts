/**
 * Attachments: files added to a draft (or, with a message, to a submitted case as a
 * supplement), stored once per SHA-256 in `file_content`; their removal from a draft, the
 * reading of an attachment and its bytes, and the housekeeping sweep of contents no
 * attachment refers to. The limits (files per case, bytes in an organisation's drafts) are
 * checked under the organisation's and the case's locks.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { timeOrderedId } from '../platform/ids.js';
import { sha256Hex } from '../signing/canonical.js';
import { attachmentInfo, attachmentsOf, type CaseStore } from './case-store.js';
import { CaseError, type AttachmentInfo, type CaseRow } from './model.js';

export function caseAttachments(store: CaseStore) {
  const { db, clock, audit, now, dropUnreferencedContent } = store;

  return {
    attachments: (caseId: string) => attachmentsOf(db, caseId),

    async attachment(caseId: string, attachmentId: string): Promise<AttachmentInfo | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(attachmentId)) return undefined;
      const row = await db
        .selectFrom('attachment')
        .selectAll()
        .where('id', '=', attachmentId)
        .where('case_id', '=', caseId)
        .executeTakeFirst();
      return row && attachmentInfo(row);
    },

    /** Housekeeping: removes file contents no attachment has referred to for an hour. */
    async sweepUnreferencedContent(): Promise<number> {
      return dropUnreferencedContent({ olderThan: new Date(clock.now().getTime() - 3600_000).toISOString() });
    },

    async content(sha256: string): Promise<Buffer | undefined> {
      const row = await db
        .selectFrom('file_content')
        .select('bytes')
        .where('sha256', '=', sha256)
        .executeTakeFirst();
      return row ? Buffer.from(row.bytes) : undefined;
    },

    /**
     * Adds a checked file to a draft (or, with `messageId`, to a submitted case as a
     * supplement). The content is stored once per SHA-256; the draft's revision grows so a
     * review made before the upload no longer matches.
     */
    async addAttachment(
      input: { row: CaseRow; fileName: string; mediaType: string; bytes: Buffer; actor: string; ip?: string },
      trxIn?: Transaction<Database>,
      messageId?: string,
    ): Promise<AttachmentInfo> {
      const sha256 = sha256Hex(input.bytes);
      const t = now();
      const info: AttachmentInfo = {
        id: timeOrderedId(clock),
        caseId: input.row.id,
        messageId: messageId ?? null,
        sha256,
        fileName: input.fileName,
        mediaType: input.mediaType,
        size: input.bytes.length,
        uploadedBy: input.actor,
        uploadedAt: t,
      };
      const work = (trx: Transaction<Database>) => writeAttachment(store, trx, input, info, messageId);
      if (trxIn) {
        // Inside the caller's transaction: the caller records the event after it commits
        // (SQLite has one connection; a write outside the transaction would wait forever).
        await work(trxIn);
        return info;
      }
      await db.transaction().execute(work);
      await audit.record({
        event: 'attachment_added',
        outcome: 'success',
        actor: input.actor,
        subject: `case:${input.row.id}`,
        ip: input.ip ?? null,
        details: { attachment: info.id, sha256, size: info.size, mediaType: info.mediaType },
      });
      return info;
    },

    async removeAttachment(row: CaseRow, attachmentId: string, actor: string, ip?: string): Promise<void> {
      const removed = await db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('case_file')
          .set((eb) => ({ revision: eb('revision', '+', 1), updated_by: actor, updated_at: now() }))
          .where('id', '=', row.id)
          .where('status', '=', 'draft')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) throw new CaseError('not_draft', 'case is no longer a draft');
        const del = await trx
          .deleteFrom('attachment')
          .where('id', '=', attachmentId)
          .where('case_id', '=', row.id)
          .where('message_id', 'is', null)
          .returning('sha256')
          .executeTakeFirst();
        if (!del) throw new CaseError('not_found', 'no such attachment');
        return del.sha256;
      });
      await dropUnreferencedContent({ sha256s: [removed] });
      await audit.record({
        event: 'attachment_removed',
        outcome: 'success',
        actor,
        subject: `case:${row.id}`,
        ip: ip ?? null,
        details: { attachment: attachmentId },
      });
    },
  };
}

/**
 * The checks and writes of one attachment, in a transaction. Under the organisation's lock
 * (a draft's files count against its limit of bytes) and the case's: the same file at most
 * once on the same side (the draft, or the messages), the limit of files per case, the
 * content stored once, the attachment, and a draft's revision raised.
 */
async function writeAttachment(
  store: CaseStore,
  trx: Transaction<Database>,
  input: { row: CaseRow; bytes: Buffer; actor: string },
  info: AttachmentInfo,
  messageId: string | undefined,
): Promise<void> {
  const { config, lockCase, lockOrganisation } = store;
  const { sha256, uploadedAt: t } = info;
  if (messageId === undefined) await lockOrganisation(trx, input.row.orgnr);
  await lockCase(trx, input.row.id);
  const existing = await trx
    .selectFrom('attachment')
    .select(['id', 'message_id'])
    .where('case_id', '=', input.row.id)
    .where('sha256', '=', sha256)
    .execute();
  if (existing.some((e) => (e.message_id === null) === (messageId === undefined)))
    throw new CaseError('duplicate_attachment', 'same file already attached');
  const count = await trx
    .selectFrom('attachment')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('case_id', '=', input.row.id)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= config.maxAttachments)
    throw new CaseError('too_many_attachments', 'attachment limit reached');
  if (messageId === undefined) {
    const held = await trx
      .selectFrom('attachment')
      .innerJoin('case_file', 'case_file.id', 'attachment.case_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('attachment.size'), eb.lit(0)).as('bytes'))
      .where('case_file.orgnr', '=', input.row.orgnr)
      .where('case_file.status', '=', 'draft')
      .where('attachment.message_id', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(held.bytes) + input.bytes.length > config.maxDraftBytesPerOrganisation)
      throw new CaseError('quota_exceeded', 'organisation draft storage limit reached');
  }
  await trx
    .insertInto('file_content')
    .values({ sha256, size: input.bytes.length, bytes: input.bytes, created_at: t })
    // Refreshing the time locks a content that exists, so a cleanup cannot take it
    // between this statement and the attachment that refers to it.
    .onConflict((oc) => oc.column('sha256').doUpdateSet({ created_at: t }))
    .execute();
  await trx
    .insertInto('attachment')
    .values({
      id: info.id,
      case_id: info.caseId,
      message_id: info.messageId,
      sha256,
      file_name: info.fileName,
      media_type: info.mediaType,
      size: info.size,
      uploaded_by: info.uploadedBy,
      uploaded_at: t,
    })
    .execute();
  if (messageId === undefined) {
    const res = await trx
      .updateTable('case_file')
      .set((eb) => ({ revision: eb('revision', '+', 1), updated_by: input.actor, updated_at: t }))
      .where('id', '=', input.row.id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new CaseError('not_draft', 'case is no longer a draft');
  }
}

export type CaseAttachments = ReturnType<typeof caseAttachments>;
