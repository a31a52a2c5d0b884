import { sql, type Kysely } from 'kysely';

/**
 * The start page's count of unread messages, kept flat as an organisation's cases grow
 * (cases/unread.ts, issue 14): instead of counting over every case of the organisation, two
 * stored counts, kept in the transaction that changes what they count:
 *
 * - `agency_message_count (orgnr, messages)`: the agency's messages in the organisation's cases;
 * - `agency_message_read_count (personnummer, orgnr, messages)`: how many of them the person
 *   has read (their `message_read` rows).
 *
 * A person's unread messages in an organisation are the first less the second (no row: 0).
 * Both are filled here from the rows as they are. And `case_file (orgnr, updated_at)`: the
 * start page's latest cases of an organisation, whatever their status, without reading
 * every case of it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agency_message_count')
    .addColumn('orgnr', 'varchar(10)', (c) => c.primaryKey())
    .addColumn('messages', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('agency_message_read_count')
    .addColumn('personnummer', 'varchar(12)', (c) => c.notNull())
    .addColumn('orgnr', 'varchar(10)', (c) => c.notNull())
    .addColumn('messages', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('agency_message_read_count_pk', ['personnummer', 'orgnr'])
    .execute();
  await sql`
    insert into agency_message_count (orgnr, messages)
    select c.orgnr, count(*) from case_message m join case_file c on c.id = m.case_id
    where m.side = 'agency' group by c.orgnr`.execute(db);
  await sql`
    insert into agency_message_read_count (personnummer, orgnr, messages)
    select r.personnummer, c.orgnr, count(*)
    from message_read r join case_message m on m.id = r.message_id join case_file c on c.id = m.case_id
    where m.side = 'agency' group by r.personnummer, c.orgnr`.execute(db);
  await db.schema.createIndex('case_file_org_updated').on('case_file').columns(['orgnr', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('case_file_org_updated').ifExists().execute();
  await db.schema.dropTable('agency_message_read_count').execute();
  await db.schema.dropTable('agency_message_count').execute();
}
