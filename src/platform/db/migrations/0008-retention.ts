import type { Kysely } from 'kysely';

/**
 * Retention (src/retention/): the log of purges (`purge_run`: when, dry run or not, by which
 * instance and trigger, the counts removed so far, written in the same transaction as each
 * batch it counts) and the lease that lets one purge run at a time across instances
 * (`purge_lease`: one row per name, taken by a conditional insert/update, with an expiry so
 * a killed purge does not block the next one for longer than the lease).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('purge_run')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('started_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('finished_at', 'varchar(30)')
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    /** Host and process id of the instance that ran it. */
    .addColumn('instance', 'varchar(200)', (c) => c.notNull())
    /** `command` (npm run purge) or `automatic` (KW_PURGE_AUTOMATIC). */
    .addColumn('trigger', 'varchar(20)', (c) => c.notNull())
    /** JSON: counts per type ({ drafts: 2, attachments: 3, … }). */
    .addColumn('counts', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('purge_run_started').on('purge_run').column('started_at').execute();

  await db.schema
    .createTable('purge_lease')
    .addColumn('name', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(200)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('purge_lease').execute();
  await db.schema.dropTable('purge_run').execute();
}
