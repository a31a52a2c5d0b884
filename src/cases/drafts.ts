/**
 * What a company does with its drafts: start one (empty or as a copy), save new values at
 * the revision that was edited, and delete it. The checks of the values (`parseStep`,
 * `validateAll`) are in `validation.ts` and offered here with them. The organisation's
 * limit of drafts is checked under its lock.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../identity/sessions.js';
import type { CaseFileTable } from '../platform/db/schema.js';
import { titleOf, toRow, type CaseStore } from './case-store.js';
import { CaseError, type CaseRow } from './model.js';
import type { CaseQueries } from './queries.js';
import type { CaseData } from './types.js';
import { parseStep, validateAll } from './validation.js';

export function caseDrafts(store: CaseStore, queries: Pick<CaseQueries, 'find' | 'typeOf'>) {
  const { db, audit, types, config, now, lockOrganisation, dropUnreferencedContent } = store;

  return {
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

    parseStep,
    validateAll,

    /**
     * Saves new data for a draft at the revision the person edited; a change by someone
     * else in between is refused (`changed`), so nobody overwrites another's work unseen.
     */
    async saveDraft(row: CaseRow, data: CaseData, actor: string): Promise<CaseRow> {
      const type = queries.typeOf(row);
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
        const current = await queries.find(row.id);
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
  };
}

export type CaseDrafts = ReturnType<typeof caseDrafts>;
