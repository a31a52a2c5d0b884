/**
 * Cases for the retention tests, written straight into the tables (with what hangs off them:
 * file contents, attachments, messages, read markers and the unread counts they make,
 * signature evidence), dated relative
 * to a given instant so the tests pass on any date; and a snapshot of what a case holds, to
 * tell a case that is whole from one that is gone (and from one half-removed).
 */
import { createHash } from 'node:crypto';
import type { CaseStatus } from '../../src/platform/db/schema.js';
import type { Db } from '../../src/platform/db/index.js';

export const ORGNR = '5590123450';
const PERSON = '198112289874';

export const monthsAgo = (now: Date, months: number): string => {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString();
};

export async function ensureOrganisation(db: Db, now: Date): Promise<void> {
  await db
    .insertInto('organisation')
    .values({ orgnr: ORGNR, name: 'Skärgårdens Sensorer AB', active: 1, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('orgnr').doNothing())
    .execute();
}

export async function addContent(db: Db, name: string, createdAt: string): Promise<string> {
  const bytes = Buffer.from(`file ${name}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await db
    .insertInto('file_content')
    .values({ sha256, size: bytes.length, bytes, created_at: createdAt })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return sha256;
}

export interface FixtureCase {
  id: string;
  status: CaseStatus;
  /** updated_at (and created_at). */
  updated: string;
  submitted?: string;
  closed?: string;
  /** Names of file contents to attach (the same name: the same content, shared). */
  files?: string[];
  messages?: number;
  /** Read markers on the first message. */
  reads?: number;
  evidence?: boolean;
}

export async function addCase(db: Db, c: FixtureCase): Promise<void> {
  const evidenceId = c.evidence ? `ev-${c.id}` : null;
  if (evidenceId) {
    await db
      .insertInto('signature_evidence')
      .values({
        id: evidenceId,
        request_id: `req-${c.id}`,
        purpose: 'case_submission',
        subject: c.id,
        method: 'bankid',
        signer_personnummer: PERSON,
        signer_name: 'Testa Testsson',
        digest: '0'.repeat(64),
        document: 'doc',
        visible_text: 'text',
        evidence: '{}',
        signed_at: c.submitted ?? c.updated,
        verified_at: c.submitted ?? c.updated,
      })
      .execute();
  }
  await db
    .insertInto('case_file')
    .values({
      id: c.id,
      orgnr: ORGNR,
      type_id: 'export-licence',
      kind: 'case',
      status: c.status,
      title: `Case ${c.id}`,
      data: '{}',
      revision: 1,
      case_number: c.status === 'draft' ? null : `KW-${c.id}`,
      created_by: PERSON,
      created_at: c.updated,
      updated_by: PERSON,
      updated_at: c.updated,
      submitted_by: c.submitted ? PERSON : null,
      submitted_at: c.submitted ?? null,
      evidence_id: evidenceId,
      digest: null,
      officer: null,
      closed_at: c.closed ?? null,
    })
    .execute();
  for (const [i, name] of (c.files ?? []).entries()) {
    const sha256 = await addContent(db, name, c.updated);
    await db
      .insertInto('attachment')
      .values({ id: `${c.id}-a${i}`, case_id: c.id, message_id: null, sha256, file_name: `${name}.pdf`, media_type: 'application/pdf', size: 10, uploaded_by: PERSON, uploaded_at: c.updated })
      .execute();
  }
  for (let i = 0; i < (c.messages ?? 0); i++) {
    await db.insertInto('case_message').values({ id: `${c.id}-m${i}`, case_id: c.id, side: 'agency', author: PERSON, body: 'hej', created_at: c.updated }).execute();
  }
  for (let i = 0; i < (c.reads ?? 0); i++) {
    await db.insertInto('message_read').values({ message_id: `${c.id}-m0`, personnummer: `19800101000${i}`, read_at: c.updated }).execute();
  }
  // The stored unread counts (cases/unread.ts) count what was written straight in, as the app would.
  if (c.messages) {
    await db
      .insertInto('agency_message_count')
      .values({ orgnr: ORGNR, messages: c.messages })
      .onConflict((oc) => oc.column('orgnr').doUpdateSet((eb) => ({ messages: eb('agency_message_count.messages', '+', eb.ref('excluded.messages')) })))
      .execute();
    for (let i = 0; i < (c.reads ?? 0); i++) {
      await db
        .insertInto('agency_message_read_count')
        .values({ personnummer: `19800101000${i}`, orgnr: ORGNR, messages: 1 })
        .onConflict((oc) => oc.columns(['personnummer', 'orgnr']).doUpdateSet((eb) => ({ messages: eb('agency_message_read_count.messages', '+', eb.ref('excluded.messages')) })))
        .execute();
    }
  }
}

/** What one case holds now: 'whole' (as written), 'gone' (nothing left), or what is left. */
export async function caseState(db: Db, c: FixtureCase): Promise<string> {
  const [row, att, msg, read, ev] = await Promise.all([
    db.selectFrom('case_file').select('id').where('id', '=', c.id).execute(),
    db.selectFrom('attachment').select('id').where('case_id', '=', c.id).execute(),
    db.selectFrom('case_message').select('id').where('case_id', '=', c.id).execute(),
    db.selectFrom('message_read').select('message_id').where('message_id', 'like', `${c.id}-m%`).execute(),
    db.selectFrom('signature_evidence').select('id').where('subject', '=', c.id).execute(),
  ]);
  const found = [row.length, att.length, msg.length, read.length, ev.length];
  const whole = [1, c.files?.length ?? 0, c.messages ?? 0, c.reads ?? 0, c.evidence ? 1 : 0];
  if (found.every((n) => n === 0)) return 'gone';
  if (found.every((n, i) => n === whole[i])) return 'whole';
  return `half: case ${found[0]}, attachments ${found[1]}, messages ${found[2]}, reads ${found[3]}, evidence ${found[4]}`;
}
