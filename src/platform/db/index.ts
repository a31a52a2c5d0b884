/**
 * The database: SQLite (better-sqlite3, WAL) by default, PostgreSQL when DATABASE_URL is
 * set. The same migration set runs on both, at start.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  AliasNode,
  DeleteQueryNode,
  InsertQueryNode,
  Kysely,
  MergeQueryNode,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  TableNode,
  UpdateQueryNode,
  sql,
  type KyselyPlugin,
  type Migration,
  type MigrationProvider,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
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
import * as m0010 from './migrations/0010-account-change-notify.js';
import * as m0011 from './migrations/0011-unread-counts.js';
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
  '0010-account-change-notify': m0010,
  '0011-unread-counts': m0011,
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
    const watch = new WriteWatch();
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins: [watch] });
    watches.set(db, watch);
    sqliteHandles.set(db, sqlite);
    return db;
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
  const watch = new WriteWatch();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [watch] });
  watches.set(db, watch);
  return db;
}

/**
 * Who hears of every write this process sends through Kysely (the in-process half of the
 * caches' invalidation, `platform/invalidation.ts`): the listener is told the table before
 * the statement runs and again after it ran. Other processes' writes are announced by the
 * database itself (PostgreSQL triggers, SQLite's data_version).
 */
export type TableWriteListener = (table: string) => void;

class WriteWatch implements KyselyPlugin {
  readonly listeners = new Set<TableWriteListener>();
  readonly #pending = new WeakMap<object, string[]>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.listeners.size > 0) {
      const tables = tablesWritten(args.node);
      if (tables.length > 0) {
        this.#pending.set(args.queryId, tables);
        this.#tell(tables);
      }
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const tables = this.#pending.get(args.queryId);
    if (tables) {
      this.#pending.delete(args.queryId);
      this.#tell(tables);
    }
    return args.result;
  }

  #tell(tables: readonly string[]): void {
    for (const listener of this.listeners) for (const table of tables) listener(table);
  }
}

function tableNames(node: OperationNode | undefined): string[] {
  if (node === undefined) return [];
  if (TableNode.is(node)) return [node.table.identifier.name];
  if (AliasNode.is(node)) return tableNames(node.node);
  return [];
}

function tablesWritten(node: RootOperationNode): string[] {
  if (InsertQueryNode.is(node)) return tableNames(node.into);
  if (UpdateQueryNode.is(node)) return tableNames(node.table);
  if (DeleteQueryNode.is(node)) return node.from.froms.flatMap(tableNames);
  if (MergeQueryNode.is(node)) return tableNames(node.into);
  return [];
}

const watches = new WeakMap<Db, WriteWatch>();
const sqliteHandles = new WeakMap<Db, SQLite.Database>();

/** Hears every write through `db` (and its transactions); false when `db` was not made by createDatabase. */
export function onTableWrite(db: Db, listener: TableWriteListener): boolean {
  const watch = watches.get(db);
  if (!watch) return false;
  watch.listeners.add(listener);
  return true;
}

/**
 * SQLite's data_version of this connection: it changes whenever another connection (another
 * process on the same file: a command, a second instance) commits. Undefined for PostgreSQL
 * or a database not made by createDatabase.
 */
export function sqliteDataVersion(db: Db): (() => number) | undefined {
  const sqlite = sqliteHandles.get(db);
  if (!sqlite) return undefined;
  const statement = sqlite.prepare('pragma data_version').pluck();
  return () => statement.get() as number;
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

