import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Indexes that keep the list and search pages flat as a large agency's data grows (the
 * agency case of `npm run bench`, issue 14):
 *
 * - `audit_event (at, id)`: the audit log newest first, a page and the CSV export's keyset
 *   batches; `audit_event (event, at)`: a search by event and dates, the login chart, the
 *   self-test counts, and the list of event names (skipped through, name by name);
 * - `case_file (orgnr, kind, updated_at)`: a company's cases and messages a page at a time;
 *   `case_file (submitted_at, id)`: the case officers' inbox of all statuses, newest first;
 * - `case_message (case_id, side)`: unread messages of the cases on a page.
 *
 * PostgreSQL only: people by the start of a personnummer (`varchar_pattern_ops`, which LIKE
 * 'prefix%' uses whatever the database's collation), and, when the pg_trgm extension is there
 * or can be created, trigram indexes for the searches that match inside a text: a person's
 * name, and a personnummer inside an audit event's details. Without pg_trgm those searches
 * still work, by reading the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_event_at_id').on('audit_event').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_event_event_at').on('audit_event').columns(['event', 'at']).execute();
  await db.schema.createIndex('case_file_org_kind').on('case_file').columns(['orgnr', 'kind', 'updated_at']).execute();
  await db.schema.createIndex('case_file_submitted').on('case_file').columns(['submitted_at', 'id']).execute();
  await db.schema.createIndex('case_message_case_side').on('case_message').columns(['case_id', 'side']).execute();
  if (!isPostgres(db)) return;
  await sql`create index person_pnr_prefix on person (personnummer varchar_pattern_ops)`.execute(db);
  const trgm = await trigramOps(db);
  if (trgm) {
    await sql`create index person_name_trgm on person using gin (lower(name) ${sql.raw(trgm)})`.execute(db);
    await sql`create index audit_event_details_trgm on audit_event using gin (details ${sql.raw(trgm)})`.execute(db);
  }
}

/**
 * The qualified name of pg_trgm's GIN operator class, creating the extension in `public` (so
 * that dropping an app schema never drops it) when it is missing and allowed (a savepoint keeps a refusal from failing the
 * migration's transaction); undefined when it cannot be had.
 */
async function trigramOps(db: Kysely<unknown>): Promise<string | undefined> {
  const find = async () =>
    (
      await sql<{ nspname: string }>`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)
    ).rows[0]?.nspname;
  let schema = await find();
  if (schema === undefined) {
    await sql`savepoint kw_trgm`.execute(db);
    try {
      await sql`create extension if not exists pg_trgm with schema public`.execute(db);
      await sql`release savepoint kw_trgm`.execute(db);
    } catch {
      await sql`rollback to savepoint kw_trgm`.execute(db);
      return undefined;
    }
    schema = await find();
  }
  return schema === undefined ? undefined : `"${schema.replace(/"/g, '""')}".gin_trgm_ops`;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const names = ['case_message_case_side', 'case_file_submitted', 'case_file_org_kind', 'audit_event_event_at', 'audit_event_at_id'];
  if (isPostgres(db)) names.push('person_pnr_prefix', 'person_name_trgm', 'audit_event_details_trgm');
  for (const name of names) await db.schema.dropIndex(name).ifExists().execute();
}
