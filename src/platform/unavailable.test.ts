/**
 * Which errors mean "the database or Redis is unreachable" (503, try again) rather than a
 * bug (500). A bug must never be disguised as an outage.
 */
import { describe, expect, it } from 'vitest';
import { isBackendUnavailable } from './unavailable.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isBackendUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['PostgreSQL shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['a PostgreSQL connection failure (08006)', withCode('connection failure', '08006')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg.Pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['ioredis giving up a command', Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' })],
    ['ioredis after quit', new Error('Connection is closed.')],
    ['SQLite locked beyond its busy timeout', withCode('database is locked', 'SQLITE_BUSY')],
    ['an outage wrapped as the cause', new Error('session lookup failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
    ['one of several addresses refused', new AggregateError([withCode('connect ECONNREFUSED ::1:6379', 'ECONNREFUSED')], 'all failed')],
  ])('%s is an outage', (_name, error) => {
    expect(isBackendUnavailable(error)).toBe(true);
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation (23505)', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error in SQL (42601)', withCode('syntax error at or near "selec"', '42601')],
    ['a Redis script error', new Error('ERR Error running script')],
    ['not an error at all', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('%s is not', (_name, error) => {
    expect(isBackendUnavailable(error)).toBe(false);
  });
});
