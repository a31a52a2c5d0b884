/**
 * Sessions: fixation, cookie attributes, logout, idle and absolute expiry (moved with the
 * ManualClock, never slept), forged and stolen-store cookies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { form } from './fixture.js';

const TOLVAN = '191212121212';
const TESTA = '198112289874';
const IDLE = 20 * 60;
const ABSOLUTE = 10 * 3600;

/** The `name=value` of a Set-Cookie header for `name`, with its attributes. */
function setCookie(headers: Record<string, unknown>, name: string): { pair: string; attributes: string[] } | undefined {
  const raw = headers['set-cookie'];
  const all = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  const line = all.find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
  return { pair, attributes: attributes.map((a) => a.toLowerCase()) };
}

/** A card login as a browser makes it, from the cookie the browser already holds. */
async function cardLogin(tb: CardTestbed, cookie: string | undefined) {
  const start = await tb.t.app.inject({ url: '/login/card?method=telia_card', headers: cookie ? { cookie } : {} });
  expect(start.statusCode).toBe(200);
  const held = cookie ?? setCookie(start.headers, tb.t.services.sessions.cookieName)?.pair ?? '';
  const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
  const atListener = await tb.cardGet(`/card/login?state=${state}`, tb.card(TOLVAN));
  const location = new URL(atListener.location ?? '');
  expect(location.pathname).toBe('/login/card/return');
  const back = await tb.t.app.inject({ url: location.pathname + location.search, headers: { cookie: held } });
  expect(back.statusCode).toBe(303);
  expect(back.headers.location).toBe('/start/organisation'); // Tolvan acts for two companies: the choice first
  return { held, back, fresh: setCookie(back.headers, tb.t.services.sessions.cookieName)?.pair ?? '' };
}

describe('fixation', () => {
  let tb: CardTestbed;
  beforeAll(async () => {
    tb = await startCardTestbed();
  }, 60_000);
  afterAll(() => tb.close());

  it('attack: plant an anonymous session id in the victim’s browser, let them log in with the card → invariant: login issues a new id and the planted one stays logged out', async () => {
    const planted = await tb.t.app.inject('/login/card?method=telia_card');
    const attackerCookie = setCookie(planted.headers, tb.t.services.sessions.cookieName)?.pair ?? '';
    expect(attackerCookie).toMatch(/=[A-Za-z0-9_-]{43}$/);
    const { fresh } = await cardLogin(tb, attackerCookie);
    expect(fresh).toMatch(/=[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(attackerCookie);
    expect((await tb.t.app.inject({ url: '/start', headers: { cookie: fresh } })).statusCode).toBe(200);
    const asAttacker = await tb.t.app.inject({ url: '/start', headers: { cookie: attackerCookie } });
    expect(asAttacker.statusCode).toBe(401);
    expect(asAttacker.body).not.toContain('Tolvan');
  });

  it('attack: keep the session of a first login and wait for the next person to log in on the same browser → invariant: the second login gets a new id, the first id is destroyed', async () => {
    const first = await tb.t.loginAs(TESTA);
    const { fresh } = await cardLogin(tb, first.cookie);
    expect(fresh).not.toBe(first.cookie);
    expect((await tb.t.app.inject({ url: '/start', headers: { cookie: first.cookie } })).statusCode).toBe(401);
  });

  it('attack: log in through the login service with a known previous session → invariant: new id, new CSRF token, the previous record is gone', async () => {
    const previous = await tb.t.services.sessions.create();
    const result = await tb.t.services.login.login({ personnummer: TOLVAN, method: 'telia_card', evidence: { reference: 'test' }, previous, ip: '127.0.0.1' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.session.id).not.toBe(previous.id);
    expect(result.session.data.csrf).not.toBe(previous.data.csrf);
    expect((await tb.t.services.sessions.load(previous.id)).kind).toBe('expired');
  });
});

describe('cookie attributes', () => {
  let https: CardTestbed;
  let plain: TestApp;
  beforeAll(async () => {
    https = await startCardTestbed({ env: { KW_PUBLIC_URL: 'https://kundwebben.example' } });
    plain = await startTestApp();
  }, 60_000);
  afterAll(async () => {
    await https.close();
    await plain.close();
  });

  it('attack: read or send the session cookie from script, another site or plain HTTP, over HTTPS → invariant: __Host-kw_session; HttpOnly; Secure; SameSite=Lax; Path=/; no Domain', async () => {
    expect(https.t.services.sessions.cookieName).toBe('__Host-kw_session');
    const res = await https.t.app.inject('/login/card');
    const cookie = setCookie(res.headers, '__Host-kw_session');
    expect(cookie?.attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
    expect(cookie?.attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect(String(res.headers['strict-transport-security'])).toContain('max-age=31536000');
    // The login, too: the new session is set the same way.
    const login = await cardLogin(https, undefined);
    const after = setCookie(login.back.headers, '__Host-kw_session');
    expect(after?.attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
  });

  it('attack: a logout that clears a cookie of another name or scope → invariant: logout clears __Host-kw_session with the same Path and Secure (or the browser would keep it)', async () => {
    const who = await https.t.loginAs(TOLVAN);
    const res = await https.t.app.inject({ method: 'POST', url: '/logout', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: who.csrf }) });
    expect(res.statusCode).toBe(303);
    const cleared = setCookie(res.headers, '__Host-kw_session');
    expect(cleared?.pair).toBe('__Host-kw_session=');
    expect(cleared?.attributes).toEqual(expect.arrayContaining(['secure', 'path=/']));
    expect(cleared?.attributes.some((a) => a.startsWith('expires=thu, 01 jan 1970') || a === 'max-age=0')).toBe(true);
  });

  it('attack: read the language cookie from script or send it cross-site → invariant: HttpOnly, SameSite=Lax, and Secure over HTTPS', async () => {
    const res = await https.t.app.inject('/lang/en');
    expect(setCookie(res.headers, 'kw_lang')?.attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
  });

  it('over plain HTTP (demo and tests) the cookie is kw_session, still HttpOnly and SameSite=Lax, without Secure', async () => {
    expect(plain.services.sessions.cookieName).toBe('kw_session');
    const who = await plain.loginAs(TOLVAN);
    const res = await plain.app.inject({ method: 'POST', url: '/logout', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: who.csrf }) });
    const cleared = setCookie(res.headers, 'kw_session');
    expect(cleared?.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(cleared?.attributes).not.toContain('secure');
  });

  it('attack: run production with insecure cookies → invariant: the configuration is refused', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ KW_MODE: 'production', KW_SECURE_COOKIES: 'false', KW_PUBLIC_URL: 'https://kundwebben.example' });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
      else throw err;
    }
    expect(problems).toContain('KW_SECURE_COOKIES cannot be turned off in production');
  });
});

describe('logout and expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const start = (cookie: string) => t.app.inject({ url: '/start', headers: { cookie } });

  it('attack: reuse a cookie after logout (stolen, or left in another tab) → invariant: the session was destroyed on the server, the old cookie gets 401 and its token posts nothing', async () => {
    const who = await t.loginAs(TOLVAN);
    expect((await start(who.cookie)).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/logout', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: who.csrf }) });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login?m=logged_out');
    const again = await start(who.cookie);
    expect(again.statusCode).toBe(401);
    expect(again.body).toContain('Din inloggning har upphört. Logga in igen.');
    const id = who.cookie.slice(who.cookie.indexOf('=') + 1);
    expect((await t.services.sessions.load(id)).kind).toBe('expired');
    const post = await t.app.inject({ method: 'POST', url: '/session/extend', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: who.csrf }) });
    expect(post.statusCode).toBe(401);
  });

  it('attack: use a session left idle past the idle time → invariant: 401 and the cookie is cleared; a second earlier it still works', async () => {
    t.clock.set(TEST_NOW);
    const who = await t.loginAs(TOLVAN);
    t.clock.advance((IDLE - 1) * 1000);
    expect((await start(who.cookie)).statusCode).toBe(200);
    t.clock.advance(IDLE * 1000);
    const late = await start(who.cookie);
    expect(late.statusCode).toBe(401);
    expect(setCookie(late.headers, 'kw_session')?.pair).toBe('kw_session=');
    t.clock.set(TEST_NOW);
  });

  it('attack: keep a session alive with status polls (touchSession: false) → invariant: polls do not extend the idle time', async () => {
    t.clock.set(TEST_NOW);
    const who = await t.loginAs(TOLVAN);
    for (let i = 0; i < 4; i++) {
      t.clock.advance((IDLE / 4 - 1) * 1000);
      const poll = await t.app.inject({ url: '/session/remaining', headers: { cookie: who.cookie } });
      expect(poll.statusCode).toBe(200);
    }
    t.clock.advance(10_000);
    expect((await start(who.cookie)).statusCode).toBe(401);
    t.clock.set(TEST_NOW);
  });

  it('attack: keep a session busy (pages and "stay logged in") past its absolute lifetime → invariant: it ends at the absolute limit anyway', async () => {
    t.clock.set(TEST_NOW);
    const who = await t.loginAs(TOLVAN);
    let elapsed = 0;
    while (elapsed + IDLE / 2 < ABSOLUTE) {
      t.clock.advance((IDLE / 2) * 1000);
      elapsed += IDLE / 2;
      const extend = await t.app.inject({ method: 'POST', url: '/session/extend', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, payload: form({ _csrf: who.csrf }) });
      expect(extend.statusCode, `after ${elapsed} s`).toBe(200);
      expect(extend.json<{ expiresAt: number }>().expiresAt).toBeLessThanOrEqual(new Date(TEST_NOW).getTime() + ABSOLUTE * 1000);
    }
    t.clock.set(new Date(new Date(TEST_NOW).getTime() + ABSOLUTE * 1000));
    expect((await start(who.cookie)).statusCode).toBe(401);
    t.clock.set(TEST_NOW);
  });

  it('attack: forge a session cookie (random id, malformed, oversized) → invariant: 401, never a session', async () => {
    for (const value of ['A'.repeat(43), 'not a session', 'x'.repeat(5000), '../../etc/passwd', "' OR 1=1 --"]) {
      const res = await start(`kw_session=${encodeURIComponent(value)}`);
      expect(res.statusCode, value).toBe(401);
    }
  });

  it('attack: read the session store (a backup or SQL injection) to get usable cookies → invariant: the store keeps only HMACs of the ids', async () => {
    const who = await t.loginAs(TESTA);
    const id = who.cookie.slice(who.cookie.indexOf('=') + 1);
    const rows = await t.services.db.selectFrom('kv_store').select(['key', 'value']).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.key).not.toContain(id);
      expect(row.value).not.toContain(id);
    }
    const sessionKeys = rows.filter((r) => r.key.startsWith('sess:'));
    expect(sessionKeys.length).toBeGreaterThan(0);
    expect((await start(`kw_session=${sessionKeys[0]?.key.slice(5) ?? ''}`)).statusCode).toBe(401);
  });
});
