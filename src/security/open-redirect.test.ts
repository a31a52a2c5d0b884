/**
 * Open redirects. The redirect targets a visitor can choose are the `return` of the
 * language switch (GET /lang/:lang) and of "stay logged in" (POST /session/extend), both
 * through safeLocalPath(); the card listener's redirects back to the portal carry its
 * `state`. Every other redirect of the app is built from server-side values.
 *
 * Attack: a link on another site sends a victim through the portal to a look-alike site
 * (absolute, protocol-relative, backslash, control-character, javascript: and encoded
 * targets, and dot segments that collapse into "//host"). Invariant: the Location stays on
 * the portal's own origin, as a browser resolves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import type { TestApp } from '../../test/support/app.js';
import { safeLocalPath } from '../web/errors.js';
import { form } from './fixture.js';

/** Targets as an attacker writes them (the tests encode them for the query or form). */
const PAYLOADS: readonly string[] = [
  'https://evil.example',
  'http://evil.example/start',
  'HTTPS://EVIL.EXAMPLE',
  'https:evil.example',
  '//evil.example',
  '///evil.example',
  '//evil.example/%2F..',
  '/\\evil.example',
  '/\\/evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '\t//evil.example',
  '/\t/evil.example',
  '\n//evil.example',
  '/\r\n/evil.example',
  ' //evil.example',
  '\u0000//evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/..//evil.example',
  '/.//evil.example',
  '/start/..//evil.example',
  '/start/../..//evil.example',
  '/%2e%2e//evil.example',
  '/%2E//evil.example',
  '%2F%2Fevil.example',
  '/%2F/evil.example',
  '/%5Cevil.example',
  '%5C%5Cevil.example',
  '/%09/evil.example',
  '%09//evil.example',
  '/\u3000/evil.example',
  '/\uff0f/evil.example',
  `/${'a/'.repeat(300)}`,
];

/** The same attacks written straight into the query string (already encoded, or double-encoded). */
const RAW_QUERIES: readonly string[] = [
  '//evil.example',
  '%2F%2Fevil.example',
  '%2F..%2F%2Fevil.example',
  '%252F%252Fevil.example',
  '%5C%5Cevil.example',
  '/%5Cevil.example',
  '%09%2F%2Fevil.example',
  '%0d%0aLocation:%20https://evil.example',
  'https%3A%2F%2Fevil.example',
  'javascript%3Aalert(1)',
  '/..%2F%2Fevil.example',
];

let bed: CardTestbed;
let t: TestApp;
let origin: string;

beforeAll(async () => {
  bed = await startCardTestbed();
  t = bed.t;
  origin = new URL(t.config.http.publicUrl).origin;
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

/** Fails unless a browser following `location` stays on the portal. */
function expectOnSite(location: unknown, attack: string): void {
  expect(typeof location, attack).toBe('string');
  const value = String(location);
  // eslint-disable-next-line no-control-regex -- a control character in Location is the failure
  expect(value, attack).not.toMatch(/[\u0000-\u001f\u007f\\]/);
  const resolved = new URL(value, `${origin}/some/page`);
  expect(resolved.origin, `${attack} → ${value}`).toBe(origin);
  expect(resolved.protocol, attack).toMatch(/^https?:$/);
  if (!value.startsWith(origin)) expect(value, attack).toMatch(/^\/(?![/\\])/);
}

describe('safeLocalPath', () => {
  it('keeps a real local path with its query, so the return parameter is worth attacking', () => {
    expect(safeLocalPath('/info?x=1', '/')).toBe('/info?x=1');
    expect(safeLocalPath('/cases/abc/steps/case', '/')).toBe('/cases/abc/steps/case');
  });

  for (const payload of PAYLOADS) {
    it(`attack: return target ${JSON.stringify(payload)} → invariant: the result is a path on this site`, () => {
      expectOnSite(safeLocalPath(payload, '/start'), payload);
    });
  }

  it('attack: dot segments that collapse into "//host" after parsing ("/..//evil.example") → invariant: the fallback', () => {
    for (const payload of ['/..//evil.example', '/.//evil.example', '/a/b/../..//evil.example', '/%2e%2e//evil.example']) {
      expect(safeLocalPath(payload, '/start'), payload).toBe('/start');
    }
  });
});

describe('GET /lang/:lang?return=', () => {
  it('a local return is honoured (control)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/lang/en?return=${encodeURIComponent('/info?x=1')}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/info?x=1');
  });

  for (const payload of PAYLOADS) {
    it(`attack: a link to /lang/en?return=${JSON.stringify(payload)} → invariant: 303 to a path on this site`, async () => {
      const res = await t.app.inject({ method: 'GET', url: `/lang/en?return=${encodeURIComponent(payload)}` });
      expect(res.statusCode).toBe(303);
      expectOnSite(res.headers.location, payload);
    });
  }

  for (const raw of RAW_QUERIES) {
    it(`attack: an encoded return written into the query (return=${raw}) → invariant: 303 to a path on this site, no injected header`, async () => {
      const res = await t.app.inject({ method: 'GET', url: `/lang/sv?return=${raw}` });
      expect(res.statusCode).toBe(303);
      expectOnSite(res.headers.location, raw);
      expect(Object.keys(res.headers).filter((h) => h === 'location')).toHaveLength(1);
    });
  }
});

describe('POST /session/extend (return=)', () => {
  it('every payload, posted with a valid session and token → invariant: 303 to a path on this site', async () => {
    const who = await t.loginAs('198112289874');
    const control = await t.app.inject({
      method: 'POST',
      url: '/session/extend',
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: who.csrf, return: '/cases' }),
    });
    expect(control.headers.location).toBe('/cases');
    for (const payload of PAYLOADS) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/session/extend',
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: who.csrf, return: payload }),
      });
      expect(res.statusCode, payload).toBe(303);
      expectOnSite(res.headers.location, payload);
    }
  });
});

describe('the card listener sends the browser back to the portal', () => {
  for (const state of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '%0d%0aLocation:%20https://evil.example']) {
    it(`attack: /card/login?state=${state} → invariant: 303 back to the portal's own origin`, async () => {
      const listener = t.cardListener;
      if (!listener) throw new Error('card listener not built');
      const res = await listener.inject({ method: 'GET', url: `/card/login?state=${encodeURIComponent(state)}` });
      expect(res.statusCode).toBe(303);
      expectOnSite(res.headers.location, state);
    });
  }
});
