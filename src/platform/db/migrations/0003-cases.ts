import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Cases (ärenden) and what belongs to them: content-addressed file contents, attachments,
 * messages and who has read them, the organisation's register of contacts and products,
 * organisation admins' requests to add or remove users, and named counters (case numbers).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = isPostgres(db);

  await db.schema
    .createTable('case_file')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('orgnr', 'varchar(10)', (c) => c.notNull().references('organisation.orgnr'))
    .addColumn('type_id', 'varchar(60)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull().check(sqlIn('kind', ['case', 'message'])))
    .addColumn('status', 'varchar(20)', (c) => c.notNull().check(sqlIn('status', ['draft', 'submitted', 'in_progress', 'closed'])))
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    /** JSON: field values by step and field id (strings; groups are arrays of rows). */
    .addColumn('data', 'text', (c) => c.notNull())
    /** Grows with every change; a review is of one revision. */
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('case_number', 'varchar(30)', (c) => c.unique())
    .addColumn('created_by', 'varchar(12)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(12)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('submitted_by', 'varchar(12)')
    .addColumn('submitted_at', 'varchar(30)')
    .addColumn('evidence_id', 'varchar(40)', (c) => c.references('signature_evidence.id'))
    .addColumn('digest', 'varchar(64)')
    .addColumn('officer', 'varchar(12)')
    .addColumn('closed_at', 'varchar(30)')
    .execute();
  await db.schema.createIndex('case_file_org').on('case_file').columns(['orgnr', 'status', 'updated_at']).execute();
  await db.schema.createIndex('case_file_status').on('case_file').columns(['status', 'submitted_at']).execute();

  await db.schema
    .createTable('file_content')
    .addColumn('sha256', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('bytes', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('case_message')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(40)', (c) => c.notNull().references('case_file.id'))
    .addColumn('side', 'varchar(12)', (c) => c.notNull().check(sqlIn('side', ['organisation', 'agency'])))
    .addColumn('author', 'varchar(12)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_message_case').on('case_message').columns(['case_id', 'created_at']).execute();

  await db.schema
    .createTable('message_read')
    .addColumn('message_id', 'varchar(40)', (c) => c.notNull().references('case_message.id'))
    .addColumn('personnummer', 'varchar(12)', (c) => c.notNull())
    .addColumn('read_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_read_pk', ['message_id', 'personnummer'])
    .execute();

  await db.schema
    .createTable('attachment')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(40)', (c) => c.notNull().references('case_file.id'))
    /** Set when the file came with a message after submission (a supplement). */
    .addColumn('message_id', 'varchar(40)', (c) => c.references('case_message.id'))
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull().references('file_content.sha256'))
    .addColumn('file_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('media_type', 'varchar(120)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'varchar(12)', (c) => c.notNull())
    .addColumn('uploaded_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachment_case').on('attachment').columns(['case_id', 'uploaded_at']).execute();

  await db.schema
    .createTable('org_contact')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('orgnr', 'varchar(10)', (c) => c.notNull().references('organisation.orgnr'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('country', 'varchar(2)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('org_contact_org').on('org_contact').columns(['orgnr', 'name']).execute();

  await db.schema
    .createTable('org_product')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('orgnr', 'varchar(10)', (c) => c.notNull().references('organisation.orgnr'))
    .addColumn('description', 'varchar(200)', (c) => c.notNull())
    /** An ML category (ML1–ML22) or an Annex I entry of Regulation (EU) 2021/821. */
    .addColumn('classification', 'varchar(30)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('org_product_org').on('org_product').columns(['orgnr', 'description']).execute();

  await db.schema
    .createTable('membership_request')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('orgnr', 'varchar(10)', (c) => c.notNull().references('organisation.orgnr'))
    .addColumn('action', 'varchar(10)', (c) => c.notNull().check(sqlIn('action', ['add', 'remove'])))
    .addColumn('personnummer', 'varchar(12)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)')
    .addColumn('phone', 'varchar(20)')
    .addColumn('role', 'varchar(10)', (c) => c.notNull().check(sqlIn('role', ['user', 'org_admin'])))
    .addColumn('status', 'varchar(10)', (c) => c.notNull().check(sqlIn('status', ['pending', 'approved', 'rejected', 'withdrawn'])))
    .addColumn('requested_by', 'varchar(12)', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('handled_by', 'varchar(12)')
    .addColumn('handled_at', 'varchar(30)')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('membership_request_org').on('membership_request').columns(['orgnr', 'status']).execute();

  await db.schema
    .createTable('counter')
    .addColumn('name', 'varchar(60)', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['counter', 'membership_request', 'org_product', 'org_contact', 'attachment', 'message_read', 'case_message', 'file_content', 'case_file']) {
    await db.schema.dropTable(table).execute();
  }
}

function sqlIn(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
