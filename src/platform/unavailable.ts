/**
 * Recognises errors that mean the database or Redis cannot be reached right now (refused or
 * dropped connections, a failover, a pool that cannot connect, ioredis giving up a command),
 * so that a request gets a "temporarily unavailable" 503 instead of a 500. The clients
 * reconnect by themselves; nothing needs restarting when the backend returns.
 */

/** Node socket errors of a connection that failed or broke. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (shutdown, crash,
 * cannot connect now: restarts and failovers), 53300 (too many connections).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const POSTGRES_CODES = /^(08\d\d\d|57P0[1-3]|53300)$/;

/** Messages of pg and ioredis that carry no code. */
const MESSAGES = [
  /^Connection terminated/, // pg: server closed the connection, or connect timeout
  /timeout exceeded when trying to connect/, // pg.Pool connectionTimeoutMillis
  /Client has encountered a connection error/, // pg
  /^Connection is closed\.?$/, // ioredis after quit/disconnect
  /Stream isn't writeable/, // ioredis, offline queue off
  /^Command timed out$/, // ioredis commandTimeout
  /^Reached the max retries per request limit/, // ioredis MaxRetriesPerRequestError
];

/** Whether `error`, or an error it wraps, says the database or Redis is unreachable. */
export function isBackendUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || POSTGRES_CODES.test(e.code) || e.code === 'SQLITE_BUSY')) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isBackendUnavailable(inner, depth + 1))) return true;
  return isBackendUnavailable(e.cause, depth + 1);
}
