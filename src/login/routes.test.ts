import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ providers: [{ id: 'telia_card', startPath: '/login/card' }] });
});
afterAll(() => t.close());
afterEach(() => t.clock.set('2026-11-28T09:00:00Z'));

const TOLVAN = '191212121212';

describe('login page', () => {
  it('sends visitors to the login page and logged-in people to their start page', async () => {
    expect((await t.app.inject('/')).headers.location).toBe('/login');
    const { cookie } = await t.loginAs(TOLVAN);
    expect((await t.app.inject({ url: '/', headers: { cookie } })).headers.location).toBe('/start');
  });

  it('lists exactly the methods enabled now, and the planned ones as "coming", in Swedish by default', async () => {
    const res = await t.app.inject('/login');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="sv">');
    const [enabled, planned] = res.body.split('Kommande inloggningssätt');
    expect(enabled).toContain('Logga in med ID-kort från Telia');
    expect(enabled).toContain('href="/login/card"');
    expect(enabled).toContain('kortläsare');
    expect(enabled).not.toContain('BankID');
    expect(planned).toContain('Kommer vecka 35 2027.');
    expect(planned).toContain('Kommer i mitten av september 2027.');
    expect(planned).not.toContain('Logga in med BankID');
  });

  it('follows the plan as time passes', async () => {
    t.clock.set('2027-08-30T06:00:00Z');
    let body = (await t.app.inject('/login')).body;
    expect(body).toContain('data-method="svenska_pass_card"');
    expect(body.split('Kommande inloggningssätt')[0]).toContain('ID-kort från Skatteverket (AB Svenska Pass)');
    // Enabled by the plan but with no provider yet: shown, but as unavailable, never as a dead button.
    expect(body).toContain('Inloggningssättet är tillfälligt otillgängligt');
    t.clock.set('2027-09-16T06:00:00Z');
    body = (await t.app.inject('/login')).body;
    expect(body).not.toContain('Kommande inloggningssätt');
    expect(body).toContain('BankID-appen');
  });

  it('speaks English when the browser prefers it or the visitor chose it', async () => {
    const res = await t.app.inject({ url: '/login', headers: { 'accept-language': 'en-GB,en;q=0.9,sv;q=0.5' } });
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Coming in week 35 2027.');
    const chosen = await t.app.inject({ url: '/login', headers: { cookie: 'kw_lang=en' } });
    expect(chosen.body).toContain('Log in to Kundwebben');
  });
});

describe('language switch', () => {
  it('sets the language and returns to the same page', async () => {
    const res = await t.app.inject('/lang/en?return=%2Finfo%3Fx%3D1');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/info?x=1');
    expect(String(res.headers['set-cookie'])).toMatch(/kw_lang=en;.*HttpOnly/);
  });

  it.each(['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x=y'])(
    'never redirects off-site (return=%s)',
    async (target) => {
      const res = await t.app.inject(`/lang/sv?return=${encodeURIComponent(target)}`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/(?!\/|\\)/);
      expect(res.headers.location).not.toMatch(/evil|[\r\n]/);
    },
  );

  it('refuses an unknown language with a translated 400', async () => {
    const res = await t.app.inject({ url: '/lang/fi', headers: { cookie: 'kw_lang=en' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('That language is not available');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('start page and organisations', () => {
  it('needs a login: 401 page with a link to log in', async () => {
    const res = await t.app.inject('/start');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Du behöver logga in för att se sidan.');
    expect(res.body).toContain('href="/login"');
  });

  it('greets the person, shows their companies and lets them choose which to act for', async () => {
    const { cookie, csrf } = await t.loginAs(TOLVAN);
    let res = await t.app.inject({ url: '/start', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Välkommen, Tolvan Tolvansson');
    expect(res.body).toContain('Nordvik Försvarsteknik AB (556677-8899)');
    expect(res.body).toContain('Välj vilket företag du företräder');
    res = await t.app.inject({
      method: 'POST',
      url: '/start/organisation',
      headers: { cookie },
      payload: { orgnr: '5590123450', _csrf: csrf },
    });
    expect(res.statusCode).toBe(303);
    res = await t.app.inject({ url: '/start?changed=1', headers: { cookie } });
    expect(res.body).toContain('Du företräder nu Skärgårdens Sensorer AB.');
  });

  it('refuses an organisation the person does not belong to, and malformed input, changing nothing', async () => {
    const { cookie, csrf } = await t.loginAs('198112289874');
    const other = await t.app.inject({ method: 'POST', url: '/start/organisation', headers: { cookie }, payload: { orgnr: '5590123450', _csrf: csrf } });
    expect(other.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'POST', url: '/start/organisation', headers: { cookie }, payload: { orgnr: '<x>', _csrf: csrf } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Förfrågan kunde inte behandlas');
    const res = await t.app.inject({ url: '/start', headers: { cookie } });
    expect(res.body).toContain('Du företräder Nordvik Försvarsteknik AB');
  });
});

describe('sessions', () => {
  it('treats a tampered or unknown cookie as ended: 401 page, cookie cleared', async () => {
    for (const value of ['x', 'A'.repeat(43), "'; drop table person; --"]) {
      const res = await t.app.inject({ url: '/start', headers: { cookie: `kw_session=${encodeURIComponent(value)}` } });
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('Din inloggning har upphört');
      expect(String(res.headers['set-cookie'])).toMatch(/kw_session=;/);
    }
  });

  it('ends after the idle time unless the person is active', async () => {
    const { cookie } = await t.loginAs(TOLVAN);
    t.clock.advance(19 * 60_000);
    expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);
    t.clock.advance(19 * 60_000); // activity above moved the idle window
    expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);
    t.clock.advance(20 * 60_000);
    expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(401);
  });

  it('after an idle logout the login page says why, whether the person comes back to a page, to / or to /login', async () => {
    const SAYS_WHY = 'Du har loggats ut automatiskt för din säkerhet: en inloggning avslutas efter 20 minuter utan aktivitet, och senast efter 10 timmar.';
    for (const via of ['/', '/login', '/start'] as const) {
      const { cookie } = await t.loginAs(TOLVAN);
      t.clock.advance(21 * 60_000);
      const first = await t.app.inject({ url: via, headers: { cookie } });
      let login;
      if (via === '/') {
        expect(first.headers.location).toBe('/login?m=session_ended');
        login = await t.app.inject({ url: '/login?m=session_ended' });
      } else if (via === '/start') {
        // The page refused says the login has ended, and its link leads to a login page that says why.
        expect(first.statusCode).toBe(401);
        expect(first.body).toContain('href="/login?m=session_ended"');
        login = await t.app.inject({ url: '/login?m=session_ended' });
      } else {
        login = first;
      }
      expect(login.statusCode).toBe(200);
      expect(login.body).toContain(SAYS_WHY);
      expect(login.body).toMatch(/class="notice notice-error" role="alert" tabindex="-1" autofocus/);
    }
    // In English, and never without a reason: an ordinary visit says nothing.
    const en = await t.app.inject({ url: '/login?m=session_ended', headers: { cookie: 'kw_lang=en' } });
    expect(en.body).toContain('a login ends after 20 minutes without activity, and after 10 hours at the latest');
    expect((await t.app.inject({ url: '/login' })).body).not.toContain('notice-error');
  });

  it('ends at the absolute lifetime however active the person is', async () => {
    const { cookie } = await t.loginAs(TOLVAN);
    for (let minutes = 0; minutes < 10 * 60 - 15; minutes += 15) {
      t.clock.advance(15 * 60_000);
      expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);
    }
    t.clock.advance(15 * 60_000);
    expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(401);
  });

  it('"stay logged in" extends the idle time; reading the remaining time does not', async () => {
    const { cookie, csrf } = await t.loginAs(TOLVAN);
    const start = t.clock.now().getTime();
    t.clock.advance(18 * 60_000);
    const remaining = await t.app.inject({ url: '/session/remaining', headers: { cookie } });
    expect(remaining.json()).toEqual({ expiresAt: start + 20 * 60_000, now: start + 18 * 60_000 });
    const extended = await t.app.inject({ method: 'POST', url: '/session/extend', headers: { cookie, 'x-csrf-token': csrf, accept: 'application/json' } });
    expect(extended.json()).toEqual({ expiresAt: start + 38 * 60_000 });
    t.clock.advance(19 * 60_000);
    expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);
    const anonymous = await t.app.inject('/session/remaining');
    expect(anonymous.json()).toMatchObject({ expiresAt: null });
  });

  it('logout destroys the session: the old cookie no longer works', async () => {
    const { cookie, csrf } = await t.loginAs(TOLVAN);
    const res = await t.app.inject({ method: 'POST', url: '/logout', headers: { cookie }, payload: { _csrf: csrf } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?m=logged_out');
    expect((await t.app.inject(String(res.headers.location))).body).toContain('Du är nu utloggad.');
    expect((await t.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(401);
    const events = await t.services.audit.list({ actor: TOLVAN, event: 'logout' });
    expect(events.length).toBeGreaterThan(0);
  });

  it('creates no session for anonymous visitors of pages without forms', async () => {
    const res = await t.app.inject({ url: '/login' });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('uses a __Host- prefixed, Secure, HttpOnly, SameSite=Lax cookie over HTTPS', async () => {
    const secure = await startTestApp({ env: { KW_PUBLIC_URL: 'https://kundwebben.example' } });
    try {
      expect(secure.services.sessions.cookieName).toBe('__Host-kw_session');
      const res = await secure.app.inject({ url: '/start', headers: { cookie: '__Host-kw_session=forged' } });
      expect(res.statusCode).toBe(401);
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toMatch(/^__Host-kw_session=;/);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/Secure/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      expect(setCookie).not.toMatch(/Domain=/);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    } finally {
      await secure.close();
    }
  });
});

describe('CSRF: every state-changing request needs the session token', () => {
  it('refuses a missing, wrong or foreign-origin token and changes nothing', async () => {
    const { cookie, csrf } = await t.loginAs(TOLVAN);
    const attempts = [
      { payload: { orgnr: '5590123450' }, headers: { cookie } },
      { payload: { orgnr: '5590123450', _csrf: 'x'.repeat(csrf.length) }, headers: { cookie } },
      { payload: { orgnr: '5590123450', _csrf: csrf }, headers: { cookie, origin: 'https://evil.example' } },
    ];
    for (const attempt of attempts) {
      const res = await t.app.inject({ method: 'POST', url: '/start/organisation', ...attempt });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Formuläret har gått ut');
    }
    const logout = await t.app.inject({ method: 'POST', url: '/logout', headers: { cookie } });
    expect(logout.statusCode).toBe(403);
    const res = await t.app.inject({ url: '/start', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('Du företräder Skärgårdens Sensorer AB');
  });

  it('a token from another session does not work', async () => {
    const a = await t.loginAs(TOLVAN);
    const b = await t.loginAs('198112289874');
    const res = await t.app.inject({ method: 'POST', url: '/logout', headers: { cookie: a.cookie }, payload: { _csrf: b.csrf } });
    expect(res.statusCode).toBe(403);
  });
});

describe('rate limit on the login page', () => {
  it('answers 429 with a translated page after too many requests from one address', async () => {
    const limited = await startTestApp({ env: { KW_LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.app.inject('/login')).statusCode).toBe(200);
      const res = await limited.app.inject({ url: '/login', headers: { 'accept-language': 'en' } });
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBe('60');
      expect(res.body).toContain('You have made too many attempts');
    } finally {
      await limited.close();
    }
  });
});
