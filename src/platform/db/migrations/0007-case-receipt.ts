import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * The sealed receipt of a submitted case, per language: rendered and sealed once (at
 * submission, or at the first download of a language not stored yet) and served as stored.
 * The primary key makes two instances that seal at once keep one receipt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = isPostgres(db);
  await db.schema
    .createTable('case_receipt')
    .addColumn('case_id', 'varchar(40)', (c) => c.notNull().references('case_file.id'))
    .addColumn('lang', 'varchar(2)', (c) => c.notNull())
    .addColumn('pdf', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('sealed_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('timestamped', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('case_receipt_pk', ['case_id', 'lang'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_receipt').execute();
}
