/**
 * Cases (ärenden): drafts that move through the steps of their type, attachments stored by
 * content (SHA-256), review, submission by signature, and the life after it (messages,
 * officer, status). A submitted case cannot change: every write checks the status in the
 * same statement that writes. Submission happens only inside the signing transaction
 * (the `case_submission` purpose), after the case's current canonical document has been
 * checked to be exactly the one that was signed.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AuditLog } from '../audit/service.js';
import type { Principal } from '../identity/sessions.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { isForeignKeyViolation, isPostgres } from '../platform/db/dialect.js';
import { timeOrderedId } from '../platform/ids.js';
import type { CaseFileTable, CaseStatus, Database } from '../platform/db/schema.js';
import { canonicalJson, sha256Hex, type CanonicalValue } from '../signing/canonical.js';
import { SigningError, type Signing, type SignRequest } from '../signing/service.js';
import { parseFieldValue, type FieldProblem } from './formats.js';
import type { CasesStartSummary } from './views/start-notice.js';
import {
  fieldSpec,
  type CaseData,
  type CaseTypeDef,
  type CaseTypes,
  type FieldDef,
  type StepDef,
} from './types.js';

export const CASE_SUBMISSION = 'case_submission';

export interface CaseRow extends Omit<CaseFileTable, 'data'> {
  data: CaseData;
}

export interface AttachmentInfo {
  id: string;
  caseId: string;
  messageId: string | null;
  sha256: string;
  fileName: string;
  mediaType: string;
  size: number;
  uploadedBy: string;
  uploadedAt: string;
}

export interface CaseMessage {
  id: string;
  caseId: string;
  side: 'organisation' | 'agency';
  author: string;
  authorName: string | null;
  body: string;
  createdAt: string;
  attachments: AttachmentInfo[];
}

/** A problem with one field; `path` is "field", "group.row.field" or "group" (row count). */
export interface FieldError {
  step: string;
  path: string;
  problem: FieldProblem | 'group_min' | 'group_max';
}

export class CaseError extends Error {
  readonly code:
    | 'not_found'
    | 'not_draft'
    | 'closed'
    | 'changed'
    | 'incomplete'
    | 'too_many_attachments'
    | 'duplicate_attachment'
    /** The organisation's limit of drafts, or of bytes in its drafts' attachments. */
    | 'quota_exceeded';
  constructor(code: CaseError['code'], detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'CaseError';
    this.code = code;
  }
}

export interface CasesConfig {
  maxAttachments: number;
  maxDraftsPerOrganisation: number;
  maxDraftBytesPerOrganisation: number;
  timeZone: string;
}

export function createCases(deps: {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  types: CaseTypes;
  signing: Signing;
  config: CasesConfig;
}) {
  const { db, clock, audit, types, signing, config } = deps;
  const postgres = isPostgres(db);

  /**
   * Serialises the writers of one case until the transaction ends: on PostgreSQL (READ
   * COMMITTED, a pool) a row lock, so a count or duplicate check that precedes a write sees
   * every write committed before it. SQLite runs one transaction at a time already.
   */
  async function lockCase(trx: Transaction<Database>, caseId: string): Promise<void> {
    if (postgres) await trx.selectFrom('case_file').select('id').where('id', '=', caseId).forUpdate().execute();
  }
  /** The same for everything one organisation holds (its drafts and their bytes); taken before a case's lock. */
  async function lockOrganisation(trx: Transaction<Database>, orgnr: string): Promise<void> {
    if (postgres) await trx.selectFrom('organisation').select('orgnr').where('orgnr', '=', orgnr).forUpdate().execute();
  }

  /**
   * Removes file contents no attachment refers to any more. A content that an upload in
   * flight has just refreshed is kept by the foreign key (the statement fails and is ignored:
   * keeping it is right); `olderThan` spares contents written in the last moments.
   */
  async function dropUnreferencedContent(filter: { sha256s?: readonly string[]; olderThan?: string }): Promise<number> {
    if (filter.sha256s?.length === 0) return 0;
    try {
      let q = db
        .deleteFrom('file_content')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('attachment').select('attachment.id').whereRef('attachment.sha256', '=', 'file_content.sha256'))));
      if (filter.sha256s) q = q.where('sha256', 'in', [...filter.sha256s]);
      if (filter.olderThan) q = q.where('created_at', '<', filter.olderThan);
      const res = await q.executeTakeFirst();
      return Number(res.numDeletedRows);
    } catch (err) {
      if (isForeignKeyViolation(err)) return 0;
      throw err;
    }
  }
  const now = () => clock.now().toISOString();

  const toRow = (row: CaseFileTable): CaseRow => ({ ...row, data: JSON.parse(row.data) as CaseData });

  const attachmentInfo = (r: Database['attachment']): AttachmentInfo => ({
    id: r.id,
    caseId: r.case_id,
    messageId: r.message_id,
    sha256: r.sha256,
    fileName: r.file_name,
    mediaType: r.media_type,
    size: r.size,
    uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at,
  });

  async function attachmentsOf(q: Kysely<Database>, caseId: string): Promise<AttachmentInfo[]> {
    const rows = await q
      .selectFrom('attachment')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute();
    return rows.map(attachmentInfo);
  }

  /** The title shown in lists: the type's name and, when given, the title field's value. */
  function titleOf(type: CaseTypeDef, data: CaseData, lang: 'sv' | 'en' = 'sv'): string {
    const value = type.titleField ? data[type.titleField] : undefined;
    const text =
      typeof value === 'string' && value !== '' ? optionLabel(type, type.titleField ?? '', value, lang) : '';
    return (text ? `${type.name[lang]} – ${text}` : type.name[lang]).slice(0, 200);
  }

  function optionLabel(type: CaseTypeDef, fieldId: string, value: string, lang: 'sv' | 'en'): string {
    for (const step of type.steps) {
      for (const f of step.fields) {
        if (f.id === fieldId && f.type === 'select')
          return f.options?.find((o) => o.value === value)?.label[lang] ?? value;
      }
    }
    return value;
  }

  /** The document a submission signs: the case's fields, type version and attachment hashes. */
  function canonicalDocument(
    row: CaseRow,
    type: CaseTypeDef,
    org: { orgnr: string; name: string },
    attachments: readonly AttachmentInfo[],
    signer: string,
  ) {
    const fields: Record<string, CanonicalValue> = {};
    for (const step of type.steps) {
      for (const f of step.fields) {
        const v = row.data[f.id];
        if (f.type === 'group') fields[f.id] = Array.isArray(v) ? v.map((r) => ({ ...r })) : [];
        else fields[f.id] = typeof v === 'string' ? v : '';
      }
    }
    return {
      format: 'kundwebben-case/1',
      caseId: row.id,
      kind: type.kind,
      caseType: { id: type.id, name: type.name.sv, definitionDigest: type.digest },
      organisation: { orgnr: org.orgnr, name: org.name },
      fields,
      attachments: attachments
        .filter((a) => a.messageId === null)
        .map((a) => ({ fileName: a.fileName, mediaType: a.mediaType, size: a.size, sha256: a.sha256 })),
      signer,
    } satisfies CanonicalValue;
  }

  async function organisationOf(q: Kysely<Database>, orgnr: string) {
    const org = await q
      .selectFrom('organisation')
      .select(['orgnr', 'name'])
      .where('orgnr', '=', orgnr)
      .executeTakeFirst();
    if (!org) throw new CaseError('not_found', 'organisation gone');
    return org;
  }

  const cases = {
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
      const unread = await cases.unreadByCase(orgnr, reader);
      return rows.map((r) => ({ ...toRow(r), unread: unread.get(r.id) ?? 0 }));
    },

    /** For the start page: unread agency messages, open drafts and the latest cases of the organisation. */
    async startSummary(orgnr: string, reader: string, lang: 'sv' | 'en'): Promise<CasesStartSummary> {
      const unread = await cases.unreadByCase(orgnr, reader);
      const drafts = await db
        .selectFrom('case_file')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('orgnr', '=', orgnr)
        .where('status', '=', 'draft')
        .executeTakeFirstOrThrow();
      const recent = await db.selectFrom('case_file').selectAll().where('orgnr', '=', orgnr).orderBy('updated_at', 'desc').limit(5).execute();
      return {
        unread: [...unread.values()].reduce((a, b) => a + b, 0),
        drafts: Number(drafts.n),
        recent: recent.map((r) => {
          const row = toRow(r);
          const type = types.get(row.type_id);
          return { id: row.id, title: type ? titleOf(type, row.data, lang) : row.title, caseNumber: row.case_number, status: row.status, unread: unread.get(row.id) ?? 0 };
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

    /** Submitted cases for case officers; drafts are the company's and never listed here. */
    async listForAgency(filter: { status?: CaseStatus; limit?: number } = {}) {
      let q = db
        .selectFrom('case_file')
        .innerJoin('organisation', 'organisation.orgnr', 'case_file.orgnr')
        .selectAll('case_file')
        .select('organisation.name as org_name')
        .where('case_file.status', '!=', 'draft');
      if (filter.status) q = q.where('case_file.status', '=', filter.status);
      const rows = await q
        .orderBy('case_file.submitted_at', 'desc')
        .limit(filter.limit ?? 200)
        .execute();
      const unread = await db
        .selectFrom('case_message')
        .select(['case_id', (eb) => eb.fn.countAll<number | string>().as('n')])
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

    async createDraft(input: {
      principal: Principal;
      orgnr: string;
      typeId: string;
      copyOf?: CaseRow;
      ip?: string;
    }): Promise<CaseRow> {
      const type = types.get(input.typeId);
      if (!type) throw new CaseError('not_found', 'unknown case type');
      const data: CaseData = input.copyOf ? structuredClone(input.copyOf.data) : {};
      const t = now();
      const row: CaseFileTable = {
        id: randomUUID(),
        orgnr: input.orgnr,
        type_id: type.id,
        kind: type.kind,
        status: 'draft',
        title: titleOf(type, data),
        data: JSON.stringify(data),
        revision: 1,
        case_number: null,
        created_by: input.principal.personnummer,
        created_at: t,
        updated_by: input.principal.personnummer,
        updated_at: t,
        submitted_by: null,
        submitted_at: null,
        evidence_id: null,
        digest: null,
        officer: null,
        closed_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await lockOrganisation(trx, input.orgnr);
        const drafts = await trx
          .selectFrom('case_file')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('orgnr', '=', input.orgnr)
          .where('status', '=', 'draft')
          .executeTakeFirstOrThrow();
        if (Number(drafts.n) >= config.maxDraftsPerOrganisation) throw new CaseError('quota_exceeded', 'organisation draft limit reached');
        await trx.insertInto('case_file').values(row).execute();
      });
      await audit.record({
        event: 'case_created',
        outcome: 'success',
        actor: input.principal.personnummer,
        subject: `case:${row.id}`,
        ip: input.ip ?? null,
        details: { type: type.id, orgnr: input.orgnr, ...(input.copyOf ? { copyOf: input.copyOf.id } : {}) },
      });
      return toRow(row);
    },

    async deleteDraft(row: CaseRow, actor: string, ip?: string): Promise<void> {
      const contents = await db.transaction().execute(async (trx) => {
        const attached = await trx.selectFrom('attachment').select('sha256').where('case_id', '=', row.id).execute();
        await trx.deleteFrom('attachment').where('case_id', '=', row.id).execute();
        const res = await trx
          .deleteFrom('case_file')
          .where('id', '=', row.id)
          .where('status', '=', 'draft')
          .executeTakeFirst();
        if (Number(res.numDeletedRows) !== 1) throw new CaseError('not_draft', 'only drafts can be deleted');
        return attached.map((a) => a.sha256);
      });
      // The content goes with the last attachment that refers to it.
      await dropUnreferencedContent({ sha256s: [...new Set(contents)] });
      await audit.record({
        event: 'case_deleted',
        outcome: 'success',
        actor,
        subject: `case:${row.id}`,
        ip: ip ?? null,
      });
    },

    /**
     * Reads one step's values from a form body (strings by name; group rows as
     * "group.index.field"), checks each, and returns the new data or the errors. Missing
     * required values are errors only when `complete` is asked for (moving on, review);
     * a draft may be incomplete but never malformed.
     */
    parseStep(
      type: CaseTypeDef,
      step: StepDef,
      current: CaseData,
      body: Record<string, unknown>,
      lang: 'sv' | 'en',
      complete: boolean,
    ) {
      const data: CaseData = { ...current };
      const errors: FieldError[] = [];
      const str = (name: string): string | undefined => {
        const v = body[name];
        return typeof v === 'string' ? v : undefined;
      };
      for (const f of step.fields) {
        if (f.type === 'group') {
          const rows: Record<string, string>[] = [];
          const count = Math.min(Number(str(`${f.id}.count`) ?? '0') || 0, f.max + 1);
          for (let i = 0; i < count; i++) {
            const row: Record<string, string> = {};
            for (const g of f.fields) {
              const result = parseFieldValue(
                { ...fieldSpec(g), required: g.required && complete },
                str(`${f.id}.${i}.${g.id}`),
                lang,
              );
              if (result.ok) row[g.id] = result.value;
              else {
                row[g.id] = str(`${f.id}.${i}.${g.id}`) ?? '';
                errors.push({
                  step: step.id,
                  path: `${f.id}.${rows.length}.${g.id}`,
                  problem: result.problem,
                });
              }
            }
            rows.push(row);
          }
          if (rows.length > f.max) errors.push({ step: step.id, path: f.id, problem: 'group_max' });
          if (complete && rows.length < f.min)
            errors.push({ step: step.id, path: f.id, problem: 'group_min' });
          data[f.id] = rows;
        } else {
          const raw = str(f.id);
          const result = parseFieldValue({ ...fieldSpec(f), required: f.required && complete }, raw, lang);
          if (result.ok) data[f.id] = result.value;
          else {
            data[f.id] = raw ?? '';
            errors.push({ step: step.id, path: f.id, problem: result.problem });
          }
        }
      }
      return { data, errors };
    },

    /** Every problem of a case as it is stored, for the review (all steps, required enforced). */
    validateAll(
      type: CaseTypeDef,
      row: CaseRow,
      attachments: readonly AttachmentInfo[],
      lang: 'sv' | 'en',
    ): FieldError[] {
      const errors: FieldError[] = [];
      for (const step of type.steps) {
        const body: Record<string, string> = {};
        for (const f of step.fields) flattenInto(body, f, row.data[f.id]);
        errors.push(...cases.parseStep(type, step, row.data, body, lang, true).errors);
      }
      if (type.attachments.required && !attachments.some((a) => a.messageId === null)) {
        errors.push({ step: 'attachments', path: 'attachments', problem: 'required' });
      }
      return errors;
    },

    /**
     * Saves new data for a draft at the revision the person edited; a change by someone
     * else in between is refused (`changed`), so nobody overwrites another's work unseen.
     */
    async saveDraft(row: CaseRow, data: CaseData, actor: string): Promise<CaseRow> {
      const type = cases.typeOf(row);
      const t = now();
      const res = await db
        .updateTable('case_file')
        .set({
          data: JSON.stringify(data),
          title: titleOf(type, data),
          revision: row.revision + 1,
          updated_by: actor,
          updated_at: t,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'draft')
        .where('revision', '=', row.revision)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        const current = await cases.find(row.id);
        throw new CaseError(
          current?.status === 'draft' ? 'changed' : 'not_draft',
          'draft changed or submitted meanwhile',
        );
      }
      return {
        ...row,
        data,
        title: titleOf(type, data),
        revision: row.revision + 1,
        updated_by: actor,
        updated_at: t,
      };
    },

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
      const work = async (trx: Transaction<Database>) => {
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
      };
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

    /** The canonical document and digest of the case as it is stored now. */
    async currentDocument(row: CaseRow, signer: string, q: Kysely<Database> = db) {
      const type = cases.typeOf(row);
      const org = await organisationOf(q, row.orgnr);
      const attachments = await attachmentsOf(q, row.id);
      const document = canonicalDocument(row, type, org, attachments, signer);
      return { document, digest: sha256Hex(canonicalJson(document)), attachments, org, type };
    },

    /**
     * Starts signing: only a complete draft, and only if it is still exactly what the person
     * reviewed (the digest shown on the review page).
     */
    async startSubmission(input: {
      row: CaseRow;
      principal: Principal;
      reviewedDigest: string;
      text: string;
      lang: 'sv' | 'en';
    }): Promise<SignRequest> {
      const { row, principal } = input;
      if (row.status !== 'draft') throw new CaseError('not_draft', 'already submitted');
      const current = await cases.currentDocument(row, principal.personnummer);
      if (cases.validateAll(current.type, row, current.attachments, input.lang).length > 0)
        throw new CaseError('incomplete', 'case has errors');
      if (current.digest !== input.reviewedDigest)
        throw new CaseError('changed', 'case changed after review');
      return signing.create({
        personnummer: principal.personnummer,
        purpose: CASE_SUBMISSION,
        subject: row.id,
        document: current.document,
        text: input.text,
        returnPath: `/cases/${row.id}?m=submitted`,
        cancelPath: `/cases/${row.id}/review`,
      });
    },

    /**
     * The signing purpose: runs in the transaction that stores the evidence. Refuses (and so
     * undoes the evidence) unless the case is still a draft whose current document is the
     * signed one, and the signer is still an active person with a membership in the case's
     * organisation, itself active (an admin may have changed that while the signature was
     * pending: the card's bridge and BankID's collect need no session); then numbers and
     * submits it.
     */
    async onSigned(
      trx: Transaction<Database>,
      request: SignRequest,
      evidence: { id: string; signed_at: string },
    ): Promise<void> {
      const stored = await trx
        .selectFrom('case_file')
        .selectAll()
        .where('id', '=', request.subject)
        .executeTakeFirst();
      if (!stored) throw new SigningError('not_found', 'case gone');
      const row = toRow(stored);
      if (row.status !== 'draft') throw new SigningError('already_completed', 'case already submitted');
      const member = await trx
        .selectFrom('membership')
        .innerJoin('organisation', 'organisation.orgnr', 'membership.orgnr')
        .innerJoin('person', 'person.personnummer', 'membership.personnummer')
        .select('membership.role')
        .where('membership.personnummer', '=', request.personnummer)
        .where('membership.orgnr', '=', row.orgnr)
        .where('organisation.active', '=', 1)
        .where('person.active', '=', 1)
        .executeTakeFirst();
      if (!member) throw new SigningError('not_member', 'the signer no longer acts for the organisation');
      const current = await cases.currentDocument(row, request.personnummer, trx);
      if (current.digest !== request.digest)
        throw new SigningError('digest_changed', 'the case changed after it was reviewed');
      const caseNumber = await nextCaseNumber(
        trx,
        row.kind === 'message' ? types.numbering.message : types.numbering.case,
      );
      const res = await trx
        .updateTable('case_file')
        .set({
          status: 'submitted',
          case_number: caseNumber,
          submitted_by: request.personnummer,
          submitted_at: evidence.signed_at,
          evidence_id: evidence.id,
          digest: request.digest,
          revision: row.revision + 1,
          updated_by: request.personnummer,
          updated_at: now(),
        })
        .where('id', '=', row.id)
        .where('status', '=', 'draft')
        .where('revision', '=', row.revision)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new SigningError('digest_changed', 'the case changed while it was signed');
    },

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
          attached = await cases.addAttachment(
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
      const res = await db
        .updateTable('case_file')
        .set({ status, officer, updated_at: t, ...(status === 'closed' ? { closed_at: t } : {}) })
        .where('id', '=', row.id)
        .where('status', 'in', status === 'closed' ? ['submitted', 'in_progress'] : ['submitted'])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new CaseError(row.status === 'closed' ? 'closed' : 'not_draft', 'status change not allowed');
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

  async function nextCaseNumber(trx: Transaction<Database>, prefix: string): Promise<string> {
    const year = new Intl.DateTimeFormat('en', { timeZone: config.timeZone, year: 'numeric' }).format(
      clock.now(),
    );
    const name = `${prefix}-${year}`;
    await trx
      .insertInto('counter')
      .values({ name, value: 0 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const next = await trx
      .updateTable('counter')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', name)
      .returning('value')
      .executeTakeFirstOrThrow();
    return `${name}-${String(next.value).padStart(6, '0')}`;
  }

  signing.registerPurpose(CASE_SUBMISSION, {
    onSigned: (trx, request, evidence) => cases.onSigned(trx, request, evidence),
  });

  return cases;
}

/** A stored value as the form fields a step posts (for re-validation and re-rendering). */
export function flattenInto(
  body: Record<string, string>,
  field: FieldDef,
  value: CaseData[string] | undefined,
): void {
  if (field.type === 'group') {
    const rows = Array.isArray(value) ? value : [];
    body[`${field.id}.count`] = String(rows.length);
    rows.forEach((r, i) => {
      for (const g of field.fields) body[`${field.id}.${i}.${g.id}`] = r[g.id] ?? '';
    });
  } else {
    body[field.id] = typeof value === 'string' ? value : '';
  }
}

export type Cases = ReturnType<typeof createCases>;
