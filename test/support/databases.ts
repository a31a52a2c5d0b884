/**
 * The databases every repository and store test runs against: SQLite (in memory) and
 * PostgreSQL (a fresh schema per test file, dropped afterwards). PostgreSQL is required:
 * set KW_TEST_POSTGRES_URL to point elsewhere; only KW_TEST_POSTGRES=off (never in CI)
 * leaves it out.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../src/config/config.js';
import { createDatabase, migrateToLatest, type Db } from '../../src/platform/db/index.js';

export const POSTGRES_URL = process.env['KW_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly db: Db;
  readonly database: Config['database'];
  close(): Promise<void>;
}

export interface DatabaseKind {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<TestDatabase>;
}

const sqlite: DatabaseKind = {
  name: 'sqlite',
  async open() {
    const database: Config['database'] = { kind: 'sqlite', file: ':memory:' };
    const db = createDatabase(database);
    await migrateToLatest(db, database);
    return { db, database, close: () => db.destroy() };
  },
};

const postgres: DatabaseKind = {
  name: 'postgres',
  async open() {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const database: Config['database'] = { kind: 'postgres', url: POSTGRES_URL, schema };
    const db = createDatabase(database);
    await migrateToLatest(db, database);
    return {
      db,
      database,
      async close() {
        await db.destroy();
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      },
    };
  },
};

if (process.env['CI'] && process.env['KW_TEST_POSTGRES'] === 'off') {
  throw new Error('KW_TEST_POSTGRES=off is not allowed in CI: the PostgreSQL tests must run');
}

export const DATABASE_KINDS: readonly DatabaseKind[] =
  process.env['KW_TEST_POSTGRES'] === 'off' ? [sqlite] : [sqlite, postgres];
