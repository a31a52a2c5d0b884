/**
 * The database: SQLite (better-sqlite3, WAL) by default, PostgreSQL when DATABASE_URL is
 * set. The same migration set runs on both, at start.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config/config.js';
import * as m0001 from './migrations/0001-foundation.js';
import * as m0002 from './migrations/0002-signature-evidence.js';
import * as m0003 from './migrations/0003-cases.js';
import * as m0004 from './migrations/0004-pending-unique.js';
import * as m0005 from './migrations/0005-person-lookups.js';
import * as m0006 from './migrations/0006-evidence-timestamp.js';
import * as m0007 from './migrations/0007-case-receipt.js';
import * as m0008 from './migrations/0008-retention.js';
import * as m0009 from './migrations/0009-large-agency-indexes.js';
import * as m0010 from './migrations/0010-unread-counts.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/** Migrations are listed in code so that the same set runs from tsx and from dist/. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-signature-evidence': m0002,
  '0003-cases': m0003,
  '0004-pending-unique': m0004,
  '0005-person-lookups': m0005,
  '0006-evidence-timestamp': m0006,
  '0007-case-receipt': m0007,
  '0008-retention': m0008,
  '0009-large-agency-indexes': m0009,
  '0010-unread-counts': m0010,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/**
 * Opens the database. `onConnectionError` hears of PostgreSQL connections lost while idle
 * (a restart or failover); the pool drops them and connects anew on the next query.
 */
export function createDatabase(database: Config['database'], onConnectionError: (err: Error) => void = () => undefined): Db {
  if (database.kind === 'sqlite') {
    if (database.file !== ':memory:') mkdirSync(path.dirname(database.file), { recursive: true });
    const sqlite = new SQLite(database.file);
    sqlite.pragma('journal_mode = WAL');
    // With WAL, NORMAL keeps the database consistent and transactions atomic, and survives
    // a process crash; only an OS crash or power loss may drop the last commits. FULL made
    // every TTL-store write (session touch, BankID collect lock) wait for fsync.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    cachePreparedStatements(sqlite);
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const pool = new pg.Pool({
    connectionString: database.url,
    max: 10,
    ...(database.schema ? { options: `-c search_path=${quoteIdent(database.schema)}` } : {}),
  });
  // A connection lost while idle (pool) or while lent to Kysely (client) emits 'error';
  // unheard, that is an uncaught exception and a PostgreSQL restart would take the whole
  // process down. The query in flight fails on its own (503 via the error handler).
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Kysely prepares every statement anew; preparing costs more than running the small
 * queries of a page. Statements are reused by SQL text (bounded, oldest dropped).
 */
function cachePreparedStatements(sqlite: SQLite.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      cache.set(source, statement);
      if (cache.size > max) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    }
    return statement;
  }) as typeof sqlite.prepare;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe schema name: ${name}`);
  return name;
}

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(db: Db, database: Config['database']): Promise<void> {
  if (database.kind === 'postgres' && database.schema) {
    await sql`create schema if not exists ${sql.id(quoteIdent(database.schema))}`.execute(db);
  }
  // Kysely looks for its migration tables in every schema unless told which: with several
  // schemas in one database (tests, shared servers) another schema's tables would count.
  const migrator = new Migrator({
    db,
    provider,
    ...(database.kind === 'postgres' && database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    const cause = error instanceof Error ? error : new Error(JSON.stringify(error));
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}

