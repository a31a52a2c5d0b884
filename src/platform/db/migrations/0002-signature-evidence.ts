import type { Kysely } from 'kysely';

/** Signature evidence: what was signed, by whom, with which method, and the raw proof. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signature_evidence')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('request_id', 'varchar(60)', (c) => c.notNull().unique())
    .addColumn('purpose', 'varchar(60)', (c) => c.notNull())
    .addColumn('subject', 'varchar(200)', (c) => c.notNull())
    .addColumn('method', 'varchar(40)', (c) => c.notNull())
    .addColumn('signer_personnummer', 'varchar(12)', (c) => c.notNull())
    .addColumn('signer_name', 'varchar(200)')
    .addColumn('digest', 'varchar(64)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('visible_text', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('verified_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('signature_evidence_signer').on('signature_evidence').columns(['signer_personnummer', 'signed_at']).execute();
  await db.schema.createIndex('signature_evidence_subject').on('signature_evidence').columns(['purpose', 'subject']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('signature_evidence').execute();
}
