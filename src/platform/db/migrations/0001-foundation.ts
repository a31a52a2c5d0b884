import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('person')
    .addColumn('personnummer', 'varchar(12)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)')
    .addColumn('phone', 'varchar(40)')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('organisation')
    .addColumn('orgnr', 'varchar(10)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('membership')
    .addColumn('personnummer', 'varchar(12)', (c) => c.notNull().references('person.personnummer'))
    .addColumn('orgnr', 'varchar(10)', (c) => c.notNull().references('organisation.orgnr'))
    .addColumn('role', 'varchar(20)', (c) => c.notNull().check(sqlIn('role', ['user', 'org_admin'])))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_pk', ['personnummer', 'orgnr'])
    .execute();
  await db.schema.createIndex('membership_orgnr').on('membership').column('orgnr').execute();

  await db.schema
    .createTable('staff_role')
    .addColumn('personnummer', 'varchar(12)', (c) => c.notNull().references('person.personnummer'))
    .addColumn('role', 'varchar(20)', (c) => c.notNull().check(sqlIn('role', ['case_officer', 'admin'])))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_role_pk', ['personnummer', 'role'])
    .execute();

  await db.schema
    .createTable('login_method')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('enabled_from', 'varchar(30)', (c) => c.notNull())
    .addColumn('enabled_until', 'varchar(30)')
    .addColumn('announce_as', 'varchar(20)', (c) =>
      c.notNull().check(sqlIn('announce_as', ['day', 'week', 'mid_month', 'month'])),
    )
    .addColumn('notice_sv', 'text')
    .addColumn('notice_en', 'text')
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('credential_seen')
    .addColumn('personnummer', 'varchar(12)', (c) => c.notNull().references('person.personnummer'))
    .addColumn('method', 'varchar(40)', (c) => c.notNull())
    .addColumn('first_used_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('cert_issuer', 'text')
    .addColumn('cert_serial', 'varchar(100)')
    .addColumn('cert_not_after', 'varchar(30)')
    .addPrimaryKeyConstraint('credential_seen_pk', ['personnummer', 'method'])
    .execute();

  await db.schema
    .createTable('kv_store')
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kv_store_expires_at').on('kv_store').column('expires_at').execute();

  const postgres = isPostgres(db);
  await db.schema
    .createTable('audit_event')
    .addColumn('id', postgres ? 'bigint' : 'integer', (c) =>
      postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .addColumn('event', 'varchar(60)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(10)', (c) => c.notNull().check(sqlIn('outcome', ['success', 'failure'])))
    .addColumn('actor', 'varchar(12)')
    .addColumn('subject', 'varchar(200)')
    .addColumn('ip', 'varchar(64)')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_event_at').on('audit_event').column('at').execute();
  await db.schema.createIndex('audit_event_actor').on('audit_event').columns(['actor', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_event',
    'kv_store',
    'credential_seen',
    'login_method',
    'staff_role',
    'membership',
    'organisation',
    'person',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

function sqlIn(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
