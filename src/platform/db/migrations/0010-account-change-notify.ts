import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * PostgreSQL only: every statement that writes `person`, `organisation`, `membership` or
 * `staff_role`, whatever sent it (the portal, a command, a CSV import, raw SQL), notifies
 * the channel `kw_accounts` with the table's schema when it commits. Every instance listens
 * (`platform/invalidation.ts`) and drops what it cached of people's accounts, so a
 * deactivation or a changed role takes effect on the next request wherever it lands.
 * NOTIFY is transactional: a rolled-back change announces nothing, and one transaction's
 * many rows announce once. SQLite needs no trigger: one process writes its file, and another
 * process's commit shows in `pragma data_version`.
 */
const TABLES = ['person', 'organisation', 'membership', 'staff_role'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create function kw_accounts_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('kw_accounts', tg_table_schema);
      return null;
    end
    $$`.execute(db);
  for (const table of TABLES) {
    await sql`create trigger ${sql.id(`${table}_changed`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function kw_accounts_changed()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  for (const table of TABLES) await sql`drop trigger if exists ${sql.id(`${table}_changed`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function if exists kw_accounts_changed()`.execute(db);
}
