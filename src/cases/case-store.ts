/**
 * What every part of the case service shares: its dependencies, the locks that serialise
 * the writers of a case and of an organisation, the removal of file contents no attachment
 * refers to, and the conversions of stored rows (a case, its attachments, its title).
 * `createCases` (`service.ts`) builds one store and hands it to each part.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { isForeignKeyViolation, isPostgres } from '../platform/db/dialect.js';
import type { CaseFileTable, Database } from '../platform/db/schema.js';
import type { Signing } from '../signing/service.js';
import type { AttachmentInfo, CaseRow, CasesConfig } from './model.js';
import type { CaseData, CaseTypeDef, CaseTypes } from './types.js';

export interface CaseServiceDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  types: CaseTypes;
  signing: Signing;
  config: CasesConfig;
}

export function createCaseStore(deps: CaseServiceDeps) {
  const { db, clock } = deps;
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

  return { ...deps, postgres, now, lockCase, lockOrganisation, dropUnreferencedContent };
}

export type CaseStore = ReturnType<typeof createCaseStore>;

export const toRow = (row: CaseFileTable): CaseRow => ({ ...row, data: JSON.parse(row.data) as CaseData });

export const attachmentInfo = (r: Database['attachment']): AttachmentInfo => ({
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

export async function attachmentsOf(q: Kysely<Database>, caseId: string): Promise<AttachmentInfo[]> {
  const rows = await q
    .selectFrom('attachment')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return rows.map(attachmentInfo);
}

/** The title shown in lists: the type's name and, when given, the title field's value. */
export function titleOf(type: CaseTypeDef, data: CaseData, lang: 'sv' | 'en' = 'sv'): string {
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
