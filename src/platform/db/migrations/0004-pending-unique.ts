import { sql, type Kysely } from 'kysely';

/**
 * One pending membership request per person and organisation, as a constraint: the
 * check-then-insert in the register could not hold it under parallel requests (PostgreSQL's
 * READ COMMITTED, and SQLite between the await points). Pending duplicates that already
 * exist are withdrawn first (the oldest stays), with a note saying why.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update membership_request set status = 'withdrawn', note = 'Dubblett av en tidigare väntande begäran (duplicate of an earlier pending request)'
    where status = 'pending' and exists (
      select 1 from membership_request older
      where older.status = 'pending' and older.orgnr = membership_request.orgnr
        and older.personnummer = membership_request.personnummer
        and (older.requested_at < membership_request.requested_at
          or (older.requested_at = membership_request.requested_at and older.id < membership_request.id))
    )`.execute(db);
  await db.schema
    .createIndex('membership_request_one_pending')
    .on('membership_request')
    .columns(['orgnr', 'personnummer'])
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('membership_request_one_pending').execute();
}
