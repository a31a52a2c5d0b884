/**
 * Hostile request bodies on every state-changing route of the route table, sent by a caller
 * the table lets in, with a valid session and CSRF token: JSON `null`, a JSON array, and an
 * object whose every field is an object with a non-callable `toString`/`valueOf` (so that
 * `String(value)` or a template literal throws). Invariant: never a 500; a refusal is a
 * clear 4xx that changes nothing (routes that take no input, such as log out, may act).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecurityFixture, type Caller, type SecurityFixture } from './fixture.js';
import { ROUTE_TABLE, splitKey } from './route-table.js';

const PREFERENCE: readonly Caller[] = ['orgAdmin', 'staff', 'officer', 'otherOrg', 'anonymous'];
const HOSTILE = { toString: 'boom', valueOf: 'boom' };
/** Field names the portal's forms and JSON endpoints read, besides each probe's own. */
const COMMON_FIELDS = ['type', 'copy', 'revision', '_action', 'digest', 'status', 'body', 'subject', 'kind', 'flow', 'sign', 'orgnr', 'active', 'name', 'cms', 'error', 'return', 'decision', 'role', 'personnummer', 'email', 'phone'];

let f: SecurityFixture;
beforeAll(async () => {
  f = await startSecurityFixture();
}, 120_000);
afterAll(() => f.close());

const unsafe = Object.entries(ROUTE_TABLE).filter(([key]) => splitKey(key).method !== 'GET');

describe('hostile bodies', () => {
  for (const [key, entry] of unsafe) {
    const { method } = splitKey(key);
    it(`attack: ${key} with a JSON null, an array and objects with a hostile toString → invariant: never 500; a 4xx changes nothing`, async () => {
      for (const probe of entry.probes) {
        const caller = PREFERENCE.find((c) => probe.expect[c] < 400) ?? 'orgAdmin';
        const who = await f.session(caller);
        const fields = typeof probe.fields === 'function' ? probe.fields(f) : (probe.fields ?? {});
        const hostile = Object.fromEntries([...new Set([...Object.keys(fields), ...COMMON_FIELDS])].map((name) => [name, HOSTILE]));
        for (const [name, payload] of [
          ['JSON null', 'null'],
          ['JSON array', '[]'],
          ['hostile toString', JSON.stringify(hostile)],
        ] as const) {
          const url = await probe.url(f);
          const before = await f.snapshot();
          const res = await f.inject({
            method: method as 'POST',
            url,
            headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json', accept: 'application/json' },
            payload,
          });
          expect(res.statusCode, `${name} on ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          // Routes that take no input (log out, delete, cancel, start a signature) may act;
          // a refusal changes nothing.
          if (res.statusCode >= 400) expect(await f.snapshot(), `${name} on ${url} (${res.statusCode}) changed the database`).toBe(before);
        }
      }
    });
  }
});
