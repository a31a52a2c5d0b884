import { PostgresAdapter, type Kysely } from 'kysely';

/** Whether a Kysely instance talks to PostgreSQL (migrations differ in identity columns). */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
