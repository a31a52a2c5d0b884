/**
 * What the retention purge (src/retention/, through cases/retention.ts) asks of the signature
 * evidence signing owns: how much was made for some subjects of a purpose, the ids of what
 * was made for one (for a table that refers to evidence), and its removal together with its
 * subject, in the caller's transaction. Whatever refers to a piece of evidence is removed first.
 */
import type { Transaction } from 'kysely';
import type { Db } from '../platform/db/index.js';
import type { Database } from '../platform/db/schema.js';

export async function countEvidenceOf(db: Db, purpose: string, subjects: readonly string[]): Promise<number> {
  if (subjects.length === 0) return 0;
  const row = await db
    .selectFrom('signature_evidence')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('purpose', '=', purpose)
    .where('subject', 'in', [...subjects])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many timestamps (evidence_timestamp) the evidence made for some subjects of a purpose has. */
export async function countTimestampsOf(db: Db, purpose: string, subjects: readonly string[]): Promise<number> {
  if (subjects.length === 0) return 0;
  const row = await db
    .selectFrom('evidence_timestamp')
    .innerJoin('signature_evidence', 'signature_evidence.id', 'evidence_timestamp.evidence_id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('signature_evidence.purpose', '=', purpose)
    .where('signature_evidence.subject', 'in', [...subjects])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Removes the timestamps of the evidence made for one subject of a purpose (before the evidence). */
export async function removeTimestampsOf(trx: Transaction<Database>, purpose: string, subject: string): Promise<{ numDeletedRows: bigint }> {
  return trx.deleteFrom('evidence_timestamp').where('evidence_id', 'in', evidenceIdsOf(trx, purpose, subject)).executeTakeFirst();
}

/** The ids of the evidence made for one subject of a purpose, as a subquery. */
export const evidenceIdsOf = (trx: Transaction<Database>, purpose: string, subject: string) =>
  trx.selectFrom('signature_evidence').select('id').where('purpose', '=', purpose).where('subject', '=', subject);

export async function removeEvidenceOf(trx: Transaction<Database>, purpose: string, subject: string): Promise<number> {
  const res = await trx.deleteFrom('signature_evidence').where('purpose', '=', purpose).where('subject', '=', subject).executeTakeFirst();
  return Number(res.numDeletedRows);
}
