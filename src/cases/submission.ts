/**
 * Submission by signature: the case's canonical document and its digest (what the review
 * shows and the signer signs), the start of signing for a complete draft that is still what
 * was reviewed, and the `case_submission` purpose's handler. The handler runs inside the
 * signing transaction: it checks the case is still a draft whose current document is exactly
 * the signed one and that the signer still acts for the organisation, then numbers the case
 * and marks it submitted.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Principal } from '../identity/sessions.js';
import type { Database } from '../platform/db/schema.js';
import { canonicalJson, sha256Hex, type CanonicalValue } from '../signing/canonical.js';
import { SigningError, type SignRequest } from '../signing/service.js';
import { attachmentsOf, toRow, type CaseStore } from './case-store.js';
import { CASE_SUBMISSION, CaseError, type AttachmentInfo, type CaseRow } from './model.js';
import type { CaseQueries } from './queries.js';
import type { CaseTypeDef } from './types.js';
import { validateAll } from './validation.js';

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

export function caseSubmission(
  store: CaseStore,
  queries: Pick<CaseQueries, 'typeOf'>,
) {
  const { db, clock, types, signing, config, now } = store;

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

  const submission = {
    /** The canonical document and digest of the case as it is stored now. */
    async currentDocument(row: CaseRow, signer: string, q: Kysely<Database> = db) {
      const type = queries.typeOf(row);
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
      const current = await submission.currentDocument(row, principal.personnummer);
      if (validateAll(current.type, row, current.attachments, input.lang).length > 0)
        throw new CaseError('incomplete', 'case has errors');
      if (current.digest !== input.reviewedDigest)
        throw new CaseError('changed', 'case changed after review');
      return signing.create({
        personnummer: principal.personnummer,
        purpose: CASE_SUBMISSION,
        subject: row.id,
        document: current.document,
        text: input.text,
        returnPath: `/cases/${row.id}/submitted`,
        cancelPath: `/cases/${row.id}/review`,
        lang: input.lang,
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
      const current = await submission.currentDocument(row, request.personnummer, trx);
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
  };
  return submission;
}

export type CaseSubmission = ReturnType<typeof caseSubmission>;
