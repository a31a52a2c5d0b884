/**
 * The BankID self-test against the local BankID RP API test server: it works before BankID's
 * start date and without an account, shows the name the portal would see, audits method and
 * outcome without the personal number, and never logs anyone in. Attacks open with the
 * attack and the invariant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBankIdTestbed, type BankIdTestbed } from '../../test/support/bankid.js';

let tb: BankIdTestbed;
beforeAll(async () => {
  // BankID is not enabled yet (the plan says September 2027): the test must work anyway.
  tb = await startBankIdTestbed({ enableBankId: false });
}, 60_000);
afterAll(() => tb.close());

const TOLVAN = '191212121212';
const NO_ACCOUNT = '197505121231';

function cookieOf(setCookie: string | string[] | undefined): string | undefined {
  const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
  return first?.split(';')[0];
}

async function openTestPage() {
  const page = await tb.t.app.inject('/testa-e-legitimation');
  expect(page.statusCode).toBe(200);
  return { cookie: cookieOf(page.headers['set-cookie']) ?? '', csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '', body: page.body };
}

async function startTest(session: { cookie: string; csrf: string }, kind = 'test') {
  return tb.t.app.inject({
    method: 'POST',
    url: '/bankid/start',
    headers: { cookie: session.cookie, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0' },
    payload: { kind, flow: 'qr', _csrf: session.csrf },
  });
}

async function completeAtBankId(cookie: string, personnummer: string) {
  const s = await tb.t.app.inject({ url: '/bankid/status', headers: { cookie, accept: 'application/json' } });
  const scanned = tb.server.testApp.scan({ qr: s.json<{ qrData: string }>().qrData });
  await tb.server.testApp.complete({ orderRef: scanned.orderRef, personnummer, deviceIp: '198.51.100.7' });
  for (let i = 0; i < 10; i++) {
    tb.clock.advance(2_000);
    const polled = await tb.t.app.inject({ url: '/bankid/status', headers: { cookie, accept: 'application/json' } });
    if (polled.json<{ next: string | null }>().next) return;
  }
  throw new Error('order did not complete');
}

describe('BankID self-test', () => {
  it('the test page is there for everyone, in both languages, with the BankID choice', async () => {
    const { body } = await openTestPage();
    expect(body).toContain('<h1>Testa din e-legitimation</h1>');
    expect(body).toContain('name="kind" value="test"');
    const en = await tb.t.app.inject({ url: '/testa-e-legitimation', headers: { cookie: 'kw_lang=en' } });
    expect(en.body).toContain('<h1>Test your e-ID</h1>');
    for (const path of ['/info', '/login']) {
      expect((await tb.t.app.inject(path)).body).toContain('href="/testa-e-legitimation"');
    }
  });

  it('identifies before BankID has started, shows the name, notes only method and outcome, and logs nobody in', async () => {
    const session = await openTestPage();
    const start = await startTest(session);
    expect(start.headers.location).toBe('/bankid/wait');
    const wait = await tb.t.app.inject({ url: '/bankid/wait', headers: { cookie: session.cookie } });
    expect(wait.body).toContain('<h1>Testa BankID</h1>');
    await completeAtBankId(session.cookie, NO_ACCOUNT);
    // Attack: finish the test order through the login's completion. Invariant: no login.
    const complete = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie: session.cookie } });
    expect(complete.headers.location).toBe('/testa-e-legitimation/bankid/resultat');
    expect(cookieOf(complete.headers['set-cookie'])).toBeUndefined();
    const result = await tb.t.app.inject({ url: '/testa-e-legitimation/bankid/resultat', headers: { cookie: session.cookie } });
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Providentifieringen med BankID fungerade.');
    expect(result.body).toContain('Okänd Bankidsson');
    // Where BankID tells when the BankID was issued, the page says so, as a date of the language.
    expect(result.body).toMatch(/<dt>BankID utfärdat<\/dt><dd>\d{1,2} [a-zåäö]+ \d{4}<\/dd>/);
    expect(result.body).toContain('BankID införs i Kundwebben i mitten av september 2027');
    // The same page whether or not the number has an account: no account is looked up or told.
    expect(result.body).not.toContain('inget konto');
    expect(result.body).not.toContain(NO_ACCOUNT);
    expect(cookieOf(result.headers['set-cookie'])).toBeUndefined();
    const start2 = await tb.t.app.inject({ url: '/start', headers: { cookie: session.cookie } });
    expect(start2.statusCode).not.toBe(200);
    // Single use: the order is gone.
    const again = await tb.t.app.inject({ url: '/testa-e-legitimation/bankid/resultat', headers: { cookie: session.cookie } });
    expect(again.headers.location).toBe('/testa-e-legitimation');
    const [event] = await tb.t.services.audit.list({ event: 'eid_selftest', limit: 1 });
    expect(event).toMatchObject({ outcome: 'success', subject: 'bankid', actor: null, details: { usage: 'login' } });
    expect(JSON.stringify(event)).not.toContain(NO_ACCOUNT);
    // The summary names what worked and when.
    const page = await tb.t.app.inject({ url: '/testa-e-legitimation', headers: { cookie: session.cookie } });
    expect(page.body).toContain('BankID: fungerar i mitten av september 2027.');
  });

  it('a login order is never taken by the test result, and a test order never by the login', async () => {
    await tb.t.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
    try {
      const session = await openTestPage();
      await startTest(session, 'auth');
      await completeAtBankId(session.cookie, TOLVAN);
      // Attack: redeem a login order on the test's result route. Invariant: it stays a login order.
      const asTest = await tb.t.app.inject({ url: '/testa-e-legitimation/bankid/resultat', headers: { cookie: session.cookie } });
      expect(asTest.headers.location).toBe('/testa-e-legitimation');
      const login = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie: session.cookie } });
      expect(login.headers.location).toBe('/start/organisation');
    } finally {
      await tb.t.services.plan.change('bankid', { enabledFrom: new Date('2027-09-15T00:00:00+02:00') }, null);
    }
  });

  it('a test that BankID ends (the person cancels in the app) is counted as a failed test, with the retry kept a test', async () => {
    tb.server.faults.nextOrder = { fail: 'userCancel' };
    try {
      const session = await openTestPage();
      await startTest(session);
      for (let i = 0; i < 10; i++) {
        tb.clock.advance(2_000);
        const s = await tb.t.app.inject({ url: '/bankid/status', headers: { cookie: session.cookie, accept: 'application/json' } });
        if (s.json<{ state: string }>().state === 'failed') break;
      }
      const wait = await tb.t.app.inject({ url: '/bankid/wait', headers: { cookie: session.cookie } });
      expect(wait.body).toContain('Åtgärden avbröts.');
      expect(wait.body).toContain('name="kind" value="test"');
      const [event] = await tb.t.services.audit.list({ event: 'eid_selftest', limit: 1 });
      expect(event).toMatchObject({ outcome: 'failure', subject: 'bankid', actor: null, details: { usage: 'login', reason: 'userCancel' } });
    } finally {
      tb.server.resetFaults();
    }
  });

  it('the start page links to the test too', async () => {
    const { cookie } = await tb.t.loginAs(TOLVAN);
    const start = await tb.t.app.inject({ url: '/start', headers: { cookie } });
    expect(start.body).toContain('href="/testa-e-legitimation"');
  });

  it('cancelling a test returns to the test page', async () => {
    const session = await openTestPage();
    await startTest(session);
    const cancel = await tb.t.app.inject({ method: 'POST', url: '/bankid/cancel', headers: { cookie: session.cookie }, payload: { _csrf: session.csrf } });
    expect(cancel.headers.location).toBe('/testa-e-legitimation?m=cancelled');
  });
});
