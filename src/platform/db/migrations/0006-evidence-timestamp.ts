import type { Kysely } from 'kysely';

/**
 * The RFC 3161 timestamp of each piece of signature evidence: pending until a TSA has
 * answered, then stamped with its token. The pending row is written with the evidence, so
 * no evidence is ever forgotten; the retrying job picks due rows by (state, next_attempt_at).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('evidence_timestamp')
    .addColumn('evidence_id', 'varchar(40)', (c) => c.primaryKey().references('signature_evidence.id').onDelete('cascade'))
    .addColumn('state', 'varchar(10)', (c) => c.notNull())
    .addColumn('token', 'text')
    .addColumn('gen_time', 'varchar(30)')
    .addColumn('tsa', 'varchar(500)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('last_error', 'varchar(500)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_timestamp_due').on('evidence_timestamp').columns(['state', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('evidence_timestamp').execute();
}
