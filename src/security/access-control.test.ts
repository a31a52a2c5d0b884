/**
 * Access control, enumerated from the route table Fastify registered (not a hand-kept
 * list): every route is probed as nobody, a company user of another organisation, the org
 * admin of the owning organisation, a case officer and an admin, with real ids of
 * organisation A's drafts, submitted cases, files, sign requests and evidence.
 *
 * Attack: call any route directly, with another organisation's ids, a colleague's sign
 * request, or without being logged in. Invariant: each caller gets exactly the status the
 * table says, and a refused request (401/403/404) changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLERS, startSecurityFixture, type Caller, type SecurityFixture } from './fixture.js';
import { patternOf, ROUTE_TABLE, sendProbe, splitKey } from './route-table.js';

let f: SecurityFixture;

beforeAll(async () => {
  f = await startSecurityFixture();
}, 120_000);

afterAll(async () => {
  await f?.close();
});

describe('the route table', () => {
  it('every route must be classified: a registered route without a table entry (or an entry without its route) fails', () => {
    const registered = f.routes.map((r) => `${r.method} ${r.url}`).sort();
    const classified = Object.keys(ROUTE_TABLE).sort();
    expect(registered.filter((k) => !classified.includes(k)), 'routes without an entry in ROUTE_TABLE').toEqual([]);
    expect(classified.filter((k) => !registered.includes(k)), 'entries of ROUTE_TABLE whose route is gone').toEqual([]);
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('every probe URL is an instance of its own route, so the probe tests the route it is listed under', async () => {
    for (const [key, entry] of Object.entries(ROUTE_TABLE)) {
      const { pattern } = splitKey(key);
      for (const probe of entry.probes) {
        const url = await probe.url(f);
        expect(patternOf(pattern).test(url.split('?')[0] ?? ''), `${key}: ${url}`).toBe(true);
      }
    }
  });

  it('the classes hold: public routes let nobody in somewhere, every other route answers 401 to nobody, admin routes answer 401 to nobody and 403 to every non-admin', () => {
    for (const [key, entry] of Object.entries(ROUTE_TABLE)) {
      if (entry.kind === 'public' || entry.kind === 'token') expect(entry.probes.some((p) => p.expect.anonymous !== 401), key).toBe(true);
      for (const probe of entry.probes) {
        if (entry.kind !== 'public' && entry.kind !== 'token') expect(probe.expect.anonymous, key).toBe(401);
        if (entry.kind === 'admin') expect(probe.expect, key).toMatchObject({ otherOrg: 403, orgAdmin: 403, officer: 403 });
        if (key.startsWith('GET /admin') || key.startsWith('POST /admin')) expect(entry.kind, key).toBe('admin');
      }
    }
  });
});

describe('each route, as each caller', () => {
  for (const [key, entry] of Object.entries(ROUTE_TABLE)) {
    const { method } = splitKey(key);
    entry.probes.forEach((probe, i) => {
      const expected = Object.entries(probe.expect)
        .map(([caller, status]) => `${caller} ${status}`)
        .join(', ');
      it(`attack: ${key} called directly (probe ${i + 1}) → invariant: exactly ${expected}; refusals change nothing`, async () => {
        const actual = {} as Record<Caller, number>;
        const unchanged: string[] = [];
        for (const caller of CALLERS) {
          const who = await f.session(caller);
          const url = await probe.url(f);
          const before = await f.snapshot();
          const { res } = await sendProbe(f, method, probe, who, { url });
          actual[caller] = res.statusCode;
          expect(res.statusCode, `${caller} ${method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if ([401, 403, 404].includes(res.statusCode) && (await f.snapshot()) !== before) unchanged.push(`${caller} changed state with ${res.statusCode}`);
        }
        expect(actual).toEqual(probe.expect);
        expect(unchanged).toEqual([]);
      });
    });
  }
});
