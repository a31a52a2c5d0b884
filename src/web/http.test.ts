import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { loggerOptions } from '../platform/logging.js';

let t: TestApp;
const logLines: string[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  t = await startTestApp({ logger: pino(loggerOptions({ logLevel: 'info' }), sink), env: { KW_BODY_LIMIT_BYTES: '2048' } });
});
afterAll(() => t.close());

const PAGES = ['/login', '/info', '/tillganglighet', '/login/no-account', '/does-not-exist'];

describe('errors become clear, translated pages', () => {
  it('answers unknown routes with a 404 page in the visitor’s language', async () => {
    const sv = await t.app.inject('/nope');
    expect(sv.statusCode).toBe(404);
    expect(sv.body).toContain('Sidan finns inte.');
    expect(sv.body).toContain('<html lang="sv">');
    const en = await t.app.inject({ url: '/nope', headers: { cookie: 'kw_lang=en' } });
    expect(en.body).toContain('The page does not exist.');
  });

  it('says "Fel:" first in the title of a refused or failed page, and names the site once', async () => {
    expect((await t.app.inject('/nope')).body).toMatch(/<title>Fel: [^<]+ – Kundwebben<\/title>/);
    expect((await t.app.inject({ url: '/nope', headers: { cookie: 'kw_lang=en' } })).body).toMatch(/<title>Error: [^<]+ – Kundwebben<\/title>/);
    const login = await t.app.inject('/login');
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('<title>Logga in i Kundwebben</title>');
    // Not production: every page says it is a demo, since it uses the agency's name and address.
    expect(login.body).toContain('Demo – det här är inte myndighetens riktiga Kundwebben.');
    expect((await t.app.inject('/info')).body).toMatch(/<title>(?!Fel:)[^<]+ – Kundwebben<\/title>/);
  });

  it('answers JSON clients with JSON errors', async () => {
    const res = await t.app.inject({ url: '/nope', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Sidan finns inte. Kontrollera adressen eller gå till startsidan.' } });
  });

  it('refuses oversized bodies with 413 and changes nothing', async () => {
    const { cookie, csrf } = await t.loginAs('191212121212');
    const res = await t.app.inject({
      method: 'POST',
      url: '/start/organisation',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${csrf}&orgnr=5590123450&pad=${'x'.repeat(4096)}`,
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('Det du skickade är för stort. Inget har sparats.');
    const start = await t.app.inject({ url: '/start', headers: { cookie } });
    expect(start.body).not.toContain('Du företräder Skärgårdens');
  });

  it('refuses unsupported body types with 415', async () => {
    const { cookie, csrf } = await t.loginAs('191212121212');
    const res = await t.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'content-type': 'application/xml', 'x-csrf-token': csrf },
      payload: '<x/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.body).toContain('Formatet på det du skickade stöds inte');
  });

  it('refuses a wrong method on a known path', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/login' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('<html lang="sv">');
  });
});

describe('every page', () => {
  it.each(PAGES)('%s has the strict CSP, security headers, a language, a skip link and landmarks', async (url) => {
    const res = await t.app.inject(url);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.body).toMatch(/^<!doctype html><html lang="(sv|en)">/);
    expect(res.body).toContain('<a class="skip-link" href="#main">');
    expect(res.body).toContain('<main id="main"');
    expect(res.body).toMatch(/<nav aria-label="Huvudmeny">/);
    expect(res.body).toContain('<footer');
    expect(res.body).toContain('href="/tillganglighet"');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
  });
});

describe('logs', () => {
  it('carry no personal numbers, cookies or tokens, whatever the request contained', async () => {
    const { cookie, csrf } = await t.loginAs('191212121212');
    await t.app.inject({ url: '/19121212-1212?pnr=191212121212', headers: { cookie } });
    await t.app.inject({ method: 'POST', url: '/start/organisation', headers: { cookie }, payload: { orgnr: '191212121212' } });
    await t.app.inject({ method: 'POST', url: '/start/organisation', headers: { cookie }, payload: { orgnr: '191212121212', _csrf: csrf } });
    const out = logLines.join('');
    expect(out.length).toBeGreaterThan(0);
    expect(out).not.toMatch(/191212121212|19121212-1212/);
    expect(out).not.toContain(cookie.split('=')[1]);
    expect(out).not.toContain(csrf);
  });
});

describe('operations endpoints', () => {
  it('answers liveness and readiness with the checks and certificate expiries', async () => {
    expect((await t.app.inject('/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true } } });
  });

  it('exposes Prometheus metrics to loopback callers: request latency and logins by method and outcome', async () => {
    await t.loginAs('191212121212');
    await t.app.inject('/login');
    const res = await t.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('kundwebben_http_request_duration_seconds_bucket');
    expect(res.body).toMatch(/kundwebben_logins_total\{method="telia_card",outcome="success"\} \d+/);
    expect(res.body).toContain('route="/login"');
  });

  it('with a metrics token, /metrics needs it', async () => {
    const guarded = await startTestApp({ env: { KW_METRICS_TOKEN: 'a-long-metrics-token-for-tests' } });
    try {
      expect((await guarded.app.inject('/metrics')).statusCode).toBe(404);
      const res = await guarded.app.inject({ url: '/metrics', headers: { authorization: 'Bearer a-long-metrics-token-for-tests' } });
      expect(res.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
