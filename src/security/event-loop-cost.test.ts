/**
 * Event-loop cost of hostile input, on every route of the route table: no request a caller
 * the table lets in can make may hold the (single) event loop for seconds. First every
 * state-changing route gets its fields and the forms' common fields as 5,000-character
 * unbroken words (what validation accepts is stored, so later pages render it); then every
 * page is read with such words in its query string. Each request is timed against a
 * generous ceiling: it catches runaway work (seconds where milliseconds are normal), it is
 * not a speed requirement. The slowest requests are printed for the closing note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecurityFixture, type Caller, type SecurityFixture } from './fixture.js';
import { ROUTE_TABLE, splitKey, type Probe } from './route-table.js';

const PREFERENCE: readonly Caller[] = ['orgAdmin', 'staff', 'officer', 'otherOrg', 'anonymous'];
const CEILING_MS = 3000;
const WORD = 'Ö'.repeat(2_500) + 'x'.repeat(2_500);
/** Field names the portal's forms read, besides each probe's own. */
const COMMON_FIELDS = ['subject', 'body', 'name', 'email', 'phone', 'note', 'q', 'contact_name', 'contact_phone', 'contact_email', 'your_reference', 'description'];

let f: SecurityFixture;
const timings: { what: string; ms: number }[] = [];
beforeAll(async () => {
  f = await startSecurityFixture();
}, 120_000);
afterAll(async () => {
  const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.info(`event-loop cost: ${timings.length} requests, slowest: ${slowest.map((s) => `${s.what} ${s.ms.toFixed(0)} ms`).join('; ')}`);
  await f.close();
});

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  timings.push({ what, ms });
  expect(ms, `${what} took ${ms.toFixed(0)} ms`).toBeLessThan(CEILING_MS);
  return result;
}

const callerFor = (probe: Probe) => PREFERENCE.find((c) => probe.expect[c] < 400) ?? 'orgAdmin';

describe('state-changing routes with 5,000-character words in every field', () => {
  for (const [key, entry] of Object.entries(ROUTE_TABLE).filter(([k]) => splitKey(k).method !== 'GET')) {
    it(`attack: ${key} with every field a 5,000-character word → invariant: answered within ${CEILING_MS / 1000} s, never 500`, async () => {
      for (const probe of entry.probes) {
        const who = await f.session(callerFor(probe));
        const given = typeof probe.fields === 'function' ? probe.fields(f) : (probe.fields ?? {});
        // The probe's own values where they name something (ids, revisions, digests), long words in the rest.
        const fields: Record<string, string> = Object.fromEntries(COMMON_FIELDS.map((n) => [n, WORD]));
        for (const [name, value] of Object.entries(given)) fields[name] = /^(revision|digest|_action|type|kind|flow|sign|orgnr|active|role|action|status|copy|decision)$/.test(name) ? value : WORD;
        const url = await probe.url(f);
        const res = await timed(`${key} (${url})`, () =>
          probe.multipart
            ? f.upload(who, url, { _csrf: who.csrf, ...fields }, probe.multipart.file ? { name: `${WORD.slice(0, 200)}.pdf`, bytes: Buffer.from(`%PDF-1.4\n% ${Math.random()}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`) } : undefined)
            : f.post(who, url, fields),
        );
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }
    });
  }
});

describe('pages with 5,000-character words in the query string, after the above', () => {
  const QUERY = ['q', 'status', 'm', 'done', 'method', 'lang', 'code', 'return', 'event', 'actor', 'from', 'to', 'page'].map((n) => `${n}=${encodeURIComponent(WORD)}`).join('&');
  for (const [key, entry] of Object.entries(ROUTE_TABLE).filter(([k]) => splitKey(k).method === 'GET')) {
    it(`attack: ${key} read with long words in every query parameter → invariant: answered within ${CEILING_MS / 1000} s, never 500`, async () => {
      for (const probe of entry.probes) {
        const who = await f.session(callerFor(probe));
        const base = await probe.url(f);
        for (const url of [base, `${base}${base.includes('?') ? '&' : '?'}${QUERY}`]) {
          const res = await timed(`${key} (${url.slice(0, 80)})`, () => f.get(who, url));
          expect(res.statusCode, `${url.slice(0, 120)}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        }
      }
    });
  }
});
