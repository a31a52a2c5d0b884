/**
 * Cross-site request forgery on every state-changing route, enumerated from the route
 * table Fastify registered. For each POST/PUT/PATCH/DELETE route the test takes a probe of
 * ROUTE_TABLE and a caller the table lets in, and forges the request three ways: without
 * the token, with a wrong token, and with the right token from a foreign Origin.
 *
 * Invariant: each forgery is refused with 403 `csrf` and changes nothing in the database
 * (every table, and the TTL store except sessions); the same request with the token from
 * our own origin is let in (so the refusal is the CSRF check's, not something else's).
 * Routes with `config.csrf === false` must each be listed in OTHER_PROOF with the proof
 * they check instead, and that proof is tested here too.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecurityFixture, type Caller, type SecurityFixture } from './fixture.js';
import { freshBridgeToken, ROUTE_TABLE, sendProbe, splitKey, type Probe } from './route-table.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFUSED = new Set([401, 403]);
/** Whom to forge as, first choice first: someone the table lets in. */
const PREFERENCE: readonly Caller[] = ['orgAdmin', 'staff', 'officer', 'otherOrg', 'anonymous'];

/** Routes that turn the CSRF hook off, and what they check instead. */
const OTHER_PROOF: Readonly<Record<string, string>> = {
  'POST /cases/:id/attachments': 'multipart: readMultipart() checks the _csrf field (or header) before it reads the file',
  'POST /cases/:id/messages': 'multipart: readMultipart() checks the _csrf field (or header) before it reads the file',
  'POST /sign/bridge/:token': 'the Net iD client is not the browser: the unguessable single-use bridge token is the credential; no cookie is read',
};

let f: SecurityFixture;

beforeAll(async () => {
  f = await startSecurityFixture();
}, 120_000);

afterAll(async () => {
  await f?.close();
});

/** The probes of a route with the caller each is forged as (probes nobody passes are left out). */
function forgeable(key: string): { probe: Probe; caller: Caller }[] {
  return (ROUTE_TABLE[key]?.probes ?? []).flatMap((probe) => {
    const caller = PREFERENCE.find((c) => !REFUSED.has(probe.expect[c]));
    return caller ? [{ probe, caller }] : [];
  });
}

/** Every state-changing route the browser calls (the bridge is called by the Net iD client). */
const stateChanging = Object.keys(ROUTE_TABLE).filter((key) => UNSAFE.has(splitKey(key).method) && ROUTE_TABLE[key]?.kind !== 'token');

describe('the state-changing routes', () => {
  it('every state-changing route Fastify registered is in the table and forged here; every route without the CSRF hook names its other proof', () => {
    const registered = f.routes.filter((r) => UNSAFE.has(r.method));
    expect(registered.length).toBeGreaterThan(30);
    for (const route of registered) {
      const key = `${route.method} ${route.url}`;
      expect(ROUTE_TABLE[key], `${key} is not in ROUTE_TABLE`).toBeDefined();
      if (!(key in OTHER_PROOF)) expect(forgeable(key).length, `${key}: no probe lets any caller in`).toBeGreaterThan(0);
    }
    const withoutHook = f.routes.filter((r) => r.csrfOff).map((r) => `${r.method} ${r.url}`);
    expect(withoutHook.sort()).toEqual(Object.keys(OTHER_PROOF).sort());
  });
});

describe('forged requests', () => {
  for (const key of stateChanging) {
    const { method } = splitKey(key);
    for (const [i, { probe, caller }] of forgeable(key).entries()) {
      it(`attack: ${key} (probe ${i + 1}) forged for a ${caller} without the token, with a wrong token, and from a foreign Origin → invariant: 403 csrf each time, nothing changes; with the token it is let in`, async () => {
        const who = await f.session(caller);
        const forgeries: [string, { csrf?: string | null; headers?: Record<string, string> }][] = [
          ['no token', { csrf: null }],
          ['wrong token', { csrf: randomBytes(32).toString('base64url') }],
          ['foreign Origin', { headers: { origin: 'https://evil.example' } }],
          ['foreign Origin, no token', { csrf: null, headers: { origin: 'https://evil.example' } }],
          // A sandboxed iframe, a data: or file: page: an opaque origin, even with a leaked token.
          ['opaque Origin "null", with the token', { headers: { origin: 'null' } }],
        ];
        for (const [name, options] of forgeries) {
          const url = await probe.url(f);
          const before = await f.snapshot();
          const { res } = await sendProbe(f, method, probe, who, { ...options, url, headers: { accept: 'application/json', ...options.headers } });
          expect(res.statusCode, `${name}: ${res.body.slice(0, 200)}`).toBe(403);
          expect(res.json<{ error: { code: string } }>().error.code, name).toBe('csrf');
          expect(await f.snapshot(), `${name} changed the database`).toBe(before);
        }
        // The same request, honestly made from our own origin, gets through.
        const honest = await sendProbe(f, method, probe, who, { headers: { origin: new URL(f.t.config.http.publicUrl).origin } });
        expect(honest.res.statusCode).toBe(probe.expect[caller]);
      });
    }
  }

  it('attack: a forged logout (no token) → invariant: refused, and the session still works afterwards', async () => {
    const who = await f.session('orgAdmin');
    const res = await f.post(undefined, '/logout', {}, { cookie: who.cookie });
    expect(res.statusCode).toBe(403);
    expect((await f.get(who, '/start')).statusCode).toBe(200);
  });

  it('attack: a token of another session (the attacker’s own) → invariant: refused, it is bound to its session', async () => {
    const victim = await f.session('orgAdmin');
    const attacker = await f.session('anonymous');
    const before = await f.snapshot();
    const id = f.ids.draft;
    const res = await f.post(undefined, `/cases/${id}/delete`, { _csrf: attacker.csrf }, { cookie: victim.cookie });
    expect(res.statusCode).toBe(403);
    expect(await f.snapshot()).toBe(before);
  });

  it('attack: the token in the x-csrf-token header of a cross-site request → invariant: a foreign Origin is refused even with the right header', async () => {
    const who = await f.session('orgAdmin');
    const before = await f.snapshot();
    const res = await f.inject({
      method: 'POST',
      url: '/register/contacts',
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'contact-name=X&contact-address=Y&contact-country=NO',
    });
    expect(res.statusCode).toBe(403);
    expect(await f.snapshot()).toBe(before);
  });
});

describe('routes with another proof than the CSRF token', () => {
  it('attack: a multipart upload whose token comes only after the file → invariant: refused before the file is read, nothing stored', async () => {
    const who = await f.session('orgAdmin');
    const id = await f.freshDraft();
    const before = await f.snapshot();
    const boundary = '----kwlate';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="sen.pdf"\r\ncontent-type: application/pdf\r\n\r\n`),
      Buffer.from('%PDF-1.4\n% late token\n%%EOF\n'),
      Buffer.from(`\r\n--${boundary}\r\ncontent-disposition: form-data; name="_csrf"\r\n\r\n${who.csrf}\r\n--${boundary}--\r\n`),
    ]);
    const res = await f.inject({ method: 'POST', url: `/cases/${id}/attachments`, headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(res.statusCode).toBe(403);
    expect(await f.snapshot()).toBe(before);
  });

  it('attack: a message or upload sent urlencoded instead of multipart, without a token → invariant: refused, nothing stored', async () => {
    const who = await f.session('orgAdmin');
    const id = await f.freshDraft();
    for (const url of [`/cases/${id}/attachments`, `/cases/${f.ids.submitted}/messages`]) {
      const before = await f.snapshot();
      const res = await f.post(undefined, url, { body: 'Förfalskat' }, { cookie: who.cookie });
      expect([403, 415], url).toContain(res.statusCode);
      expect(await f.snapshot(), url).toBe(before);
    }
  });

  it('attack: post to the card-signing bridge with a guessed token, carrying the signer’s cookie and CSRF token → invariant: 404, the sign request is untouched', async () => {
    const who = await f.session('orgAdmin');
    const before = await f.snapshot();
    const request = await f.t.services.signing.find(f.ids.signRequest);
    for (const token of [randomBytes(32).toString('base64url'), 'short', `${'A'.repeat(42)}/`]) {
      const res = await f.post(who, `/sign/bridge/${encodeURIComponent(token)}`, { error: 'cancelled' }, { origin: 'https://evil.example' });
      expect(res.statusCode).toBe(404);
    }
    expect(await f.snapshot()).toBe(before);
    expect(await f.t.services.signing.find(f.ids.signRequest)).toEqual(request);
  });

  it('attack: replay a real bridge token → invariant: it works once, the replay finds nothing (404)', async () => {
    const token = await freshBridgeToken(f);
    // A malformed answer is refused and does not spend the bridge (Net iD may still answer).
    const malformed = await f.post(undefined, `/sign/bridge/${token}`, { cms: '***' });
    expect(malformed.statusCode).toBe(400);
    const first = await f.post(undefined, `/sign/bridge/${token}`, { error: 'cancelled' });
    expect(first.statusCode).toBe(200);
    const replay = await f.post(undefined, `/sign/bridge/${token}`, { error: 'cancelled' });
    expect(replay.statusCode).toBe(404);
    expect((await f.get(undefined, `/sign/bridge/${token}`)).statusCode).toBe(404);
  });
});
