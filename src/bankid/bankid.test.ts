/**
 * BankID login and signing over real mutual TLS against the local BankID RP API v6 test
 * server. Attack and fault tests open with the attack and the invariant.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMPLETION_FORGERIES } from '../../devtools/bankid-test-server/index.js';
import { startBankIdTestbed, type BankIdTestbed } from '../../test/support/bankid.js';

let tb: BankIdTestbed;
beforeAll(async () => {
  tb = await startBankIdTestbed();
}, 60_000);
afterAll(() => tb.close());
afterEach(() => tb.server.resetFaults());

const TOLVAN = '191212121212';

function cookieOf(setCookie: string | string[] | undefined): string | undefined {
  const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
  return first?.split(';')[0];
}

async function startOrder(flow: 'qr' | 'autostart', given?: { cookie: string; csrf: string }, extra: Record<string, string> = {}) {
  let cookie = given?.cookie;
  let csrf = given?.csrf;
  if (!cookie || !csrf) {
    const page = await tb.t.app.inject('/login/bankid');
    expect(page.statusCode).toBe(200);
    cookie = cookieOf(page.headers['set-cookie']) ?? '';
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  }
  const res = await tb.t.app.inject({
    method: 'POST',
    url: '/bankid/start',
    headers: { cookie, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0' },
    payload: { kind: 'auth', flow, _csrf: csrf, ...extra },
  });
  return { cookie, csrf, res };
}

async function status(cookie: string) {
  const res = await tb.t.app.inject({ url: '/bankid/status', headers: { cookie, accept: 'application/json' } });
  return { code: res.statusCode, body: res.json<{ state: string; message: string; qr: boolean; qrData: string | null; next: string | null }>() };
}

/** Polls like the page does, moving the clock past the 2 s collect interval each time. */
async function pollUntil(cookie: string, done: (b: Awaited<ReturnType<typeof status>>['body']) => boolean) {
  for (let i = 0; i < 10; i++) {
    tb.clock.advance(2_000);
    const s = await status(cookie);
    if (done(s.body)) return s.body;
  }
  throw new Error('order did not reach the expected state');
}

async function scanQr(cookie: string, personnummer = TOLVAN, extra: Record<string, unknown> = {}) {
  const s = await status(cookie);
  const scanned = tb.server.testApp.scan({ qr: s.body.qrData ?? '' });
  await tb.server.testApp.complete({ orderRef: scanned.orderRef, personnummer, deviceIp: '198.51.100.7', ...extra });
  return scanned.orderRef;
}

describe('BankID login, other device (animated QR)', () => {
  it('shows a QR that changes every second, completes, and logs the person in with a new session', async () => {
    const { cookie, res } = await startOrder('qr');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/bankid/wait');
    const wait = await tb.t.app.inject({ url: '/bankid/wait', headers: { cookie } });
    expect(wait.body).toContain('Starta BankID-appen.');
    expect(wait.body).toContain('src="/bankid/qr.svg"');
    const first = (await status(cookie)).body.qrData;
    tb.clock.advance(1_000);
    const second = (await status(cookie)).body.qrData;
    expect(first).toMatch(/^bankid\.[0-9a-f-]{36}\.\d+\.[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
    const svg = await tb.t.app.inject({ url: '/bankid/qr.svg', headers: { cookie } });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.body).toContain('<svg');

    const orderRef = await scanQr(cookie);
    // The QR secret and the orderRef never reach the browser.
    const secret = tb.server.order(orderRef)?.tokens?.qrStartSecret ?? 'missing';
    for (const body of [wait.body, JSON.stringify((await status(cookie)).body), svg.body]) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(orderRef);
    }
    const done = await pollUntil(cookie, (b) => b.next !== null);
    expect(done.next).toBe('/bankid/complete');
    const complete = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } });
    expect(complete.headers.location).toBe('/start/organisation');
    const newCookie = cookieOf(complete.headers['set-cookie']) ?? '';
    expect(newCookie).not.toBe(cookie);
    const start = await tb.t.app.inject({ url: '/start', headers: { cookie: newCookie } });
    expect(start.body).toContain('Välkommen, Tolvan Tolvansson');
    expect(start.body).toContain('Du loggade in med BankID');
    const [login] = await tb.t.services.audit.list({ actor: TOLVAN, event: 'login', limit: 1 });
    expect(login?.details).toMatchObject({ proof: { completionData: { user: { personalNumber: TOLVAN } } } });
    expect(JSON.stringify(login?.details)).toContain('ocspResponse');
    // A completed order is used once.
    const again = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } });
    expect(again.headers.location).toBe('/bankid/wait');
  });

  it('calls /collect at most once per 2 s per order, however often it is polled', async () => {
    const { cookie } = await startOrder('qr');
    const bankid = tb.t.services.bankid;
    if (!bankid) throw new Error('bankid not configured');
    const before = bankid.stats.collects;
    for (let i = 0; i < 10; i++) await status(cookie);
    expect(bankid.stats.collects - before).toBe(1);
    tb.clock.advance(2_000);
    for (let i = 0; i < 5; i++) await status(cookie);
    expect(bankid.stats.collects - before).toBe(2);
  });

  it('between two collects a poll is answered from what the instance knows: the order is not read from the store', async () => {
    const { cookie } = await startOrder('qr');
    const first = await status(cookie); // collects (the first poll of an order always does)
    const store = tb.t.services.store;
    const orderCalls = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter(([k]) => String(k).startsWith('bankid:')).length;
    const find = vi.spyOn(store, 'find');
    const add = vi.spyOn(store, 'add');
    const upsert = vi.spyOn(store, 'upsert');
    try {
      tb.clock.advance(1_000);
      const next = await status(cookie);
      expect(next.body).toMatchObject({ state: 'pending', qr: true });
      expect(next.body.qrData).not.toBe(first.body.qrData); // this second's QR data all the same
      expect([orderCalls(find), orderCalls(add), orderCalls(upsert)]).toEqual([0, 0, 0]);
      // Due again: the order is read (another instance may have collected it) and the lock taken.
      tb.clock.advance(1_000);
      expect((await status(cookie)).body.state).toBe('pending');
      expect([orderCalls(find), orderCalls(add)]).toEqual([1, 1]);
    } finally {
      find.mockRestore();
      add.mockRestore();
      upsert.mockRestore();
    }
  });

  it.each([
    ['userCancel', 'Åtgärden avbröts.'],
    ['expiredTransaction', 'BankID-appen svarar inte.'],
    ['certificateErr', 'Ditt BankID är för gammalt eller spärrat.'],
    ['startFailed', 'Misslyckades att läsa av QR-koden.'],
    ['transactionRiskBlocked', 'Något gick fel. Försök igen.'],
  ])('shows the recommended message when the order fails with %s, and offers to try again', async (hint, message) => {
    tb.server.faults.nextOrder = { fail: hint as 'userCancel' };
    const { cookie } = await startOrder('qr');
    const body = await pollUntil(cookie, (b) => b.state === 'failed');
    expect(body.message).toContain(message);
    const page = await tb.t.app.inject({ url: '/bankid/wait', headers: { cookie } });
    expect(page.body).toContain(message);
    expect(page.body).toContain('Försök igen');
  });

  it('cancel calls BankID /cancel and forgets the order', async () => {
    const { cookie, csrf } = await startOrder('qr');
    const count = tb.server.orderCount();
    const res = await tb.t.app.inject({ method: 'POST', url: '/bankid/cancel', headers: { cookie }, payload: { _csrf: csrf } });
    expect(res.headers.location).toBe('/login/bankid?m=cancelled');
    expect((await status(cookie)).code).toBe(404);
    expect(tb.server.orderCount()).toBeLessThanOrEqual(count);
    const page = await tb.t.app.inject({ url: '/login/bankid?m=cancelled', headers: { cookie } });
    expect(page.body).toContain('Du avbröt.');
  });

  it('a person BankID knows but Kundwebben does not gets the "no account" page, no account is made', async () => {
    const { cookie } = await startOrder('qr');
    await scanQr(cookie, '197505121231');
    await pollUntil(cookie, (b) => b.next !== null);
    const complete = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } });
    expect(complete.headers.location).toBe('/login/no-account');
    expect(await tb.t.services.accounts.findPerson('197505121231')).toBeUndefined();
  });
});

describe('BankID login, this device (autostart)', () => {
  it('offers a launch link with the autostart token and completes from the same device', async () => {
    const { cookie } = await startOrder('autostart');
    const wait = await tb.t.app.inject({ url: '/bankid/wait', headers: { cookie } });
    // Until the person uses the launch link, the status says to (not that the app is starting).
    expect(wait.body).toMatch(/id="bankid-status">Välj Starta BankID-appen.</);
    const href = /id="bankid-launch" href="([^"]+)"/.exec(wait.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const token = new URL(href).searchParams.get('autostarttoken') ?? '';
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const scanned = tb.server.testApp.scan({ autoStartToken: token });
    await tb.server.testApp.complete({ orderRef: scanned.orderRef, personnummer: TOLVAN, deviceIp: '127.0.0.1' });
    await pollUntil(cookie, (b) => b.next !== null);
    expect((await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } })).headers.location).toBe('/start/organisation');
  });

  it('says what to do until the launch link is used; then RFA13, and BankID’s own messages once the app has the order', async () => {
    const { cookie } = await startOrder('autostart');
    const wait = await tb.t.app.inject({ url: '/bankid/wait', headers: { cookie } });
    expect(wait.body).toMatch(/id="bankid-status">Välj Starta BankID-appen.</);
    expect((await status(cookie)).body.message).toBe('Välj Starta BankID-appen.');
    tb.clock.advance(2_000);
    // The page's script asks with launched=1 once the person has used the link.
    const launched = await tb.t.app.inject({ url: '/bankid/status?launched=1', headers: { cookie, accept: 'application/json' } });
    expect(launched.json<{ message: string }>().message).toBe('Försöker starta BankID-appen.');
    const href = /id="bankid-launch" href="([^"]+)"/.exec(wait.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    tb.server.testApp.scan({ autoStartToken: new URL(href).searchParams.get('autostarttoken') ?? '' });
    const started = await pollUntil(cookie, (b) => b.message !== 'Välj Starta BankID-appen.');
    expect(started.message).toContain('Söker efter BankID.');
  });

  it('a relayed autostart link approved on another device does not log the relaying browser in', async () => {
    const { cookie } = await startOrder('autostart');
    const wait = await tb.t.app.inject({ url: '/bankid/wait', headers: { cookie } });
    const href = /id="bankid-launch" href="([^"]+)"/.exec(wait.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const scanned = tb.server.testApp.scan({ autoStartToken: new URL(href).searchParams.get('autostarttoken') ?? '' });
    await tb.server.testApp.complete({ orderRef: scanned.orderRef, personnummer: TOLVAN, deviceIp: '203.0.113.66' });
    const body = await pollUntil(cookie, (b) => b.state === 'failed');
    expect(body.message).toContain('fanns inte på den här enheten');
    expect((await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } })).headers.location).toBe('/bankid/wait');
  });
});

describe('orders belong to the session that started them', () => {
  it('another browser can neither see nor complete the order', async () => {
    const victim = await startOrder('qr');
    await scanQr(victim.cookie);
    const attacker = await tb.t.app.inject('/login/bankid');
    const attackerCookie = cookieOf(attacker.headers['set-cookie']) ?? '';
    expect((await status(attackerCookie)).code).toBe(404);
    tb.clock.advance(2_000);
    const stolen = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie: attackerCookie } });
    expect(stolen.headers.location).toBe('/bankid/wait');
    expect(stolen.headers['set-cookie']).toBeUndefined();
    // …while the rightful browser still completes.
    await pollUntil(victim.cookie, (b) => b.next !== null);
  });
});

describe('a link from another site to /bankid/complete while the order is pending', () => {
  it('attack: any site links the user to GET /bankid/complete mid-login → invariant: the flow stays with the session, the order stays alive, the person completes it', async () => {
    const { cookie } = await startOrder('qr');
    const before = (await status(cookie)).body;
    expect(before.state).toBe('pending');
    const linked = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    expect(linked.statusCode).toBe(303);
    expect(linked.headers.location).toBe('/bankid/wait');
    const after = await status(cookie);
    expect(after.code).toBe(200);
    expect(after.body.state).toBe('pending');
    expect(after.body.qr).toBe(true);
    const orderRef = await scanQr(cookie);
    expect(tb.server.testApp.order(orderRef)?.status).toBe('complete');
    const done = await pollUntil(cookie, (b) => b.next !== null);
    expect(done.next).toBe('/bankid/complete');
    const login = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).not.toBe('/bankid/wait');
    expect(login.headers['set-cookie']).toBeDefined();
  });
});

describe('forged or altered completions are refused and audited', () => {
  it.each(COMPLETION_FORGERIES)('%s', async (forgery) => {
    const { cookie } = await startOrder('qr');
    await scanQr(cookie, TOLVAN, { forgery });
    const body = await pollUntil(cookie, (b) => b.state === 'failed');
    expect(body.message).toContain('kunde inte kontrolleras');
    expect((await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } })).headers.location).toBe('/bankid/wait');
    const [event] = await tb.t.services.audit.list({ event: 'login_failed', limit: 1 });
    expect(event?.subject).toBe('bankid');
  });

  it('high risk is refused with a clear message', async () => {
    const { cookie } = await startOrder('qr');
    await scanQr(cookie, TOLVAN, { risk: 'high' });
    const body = await pollUntil(cookie, (b) => b.state === 'failed');
    expect(body.message).toContain('bedrägeriförsök');
  });
});

describe('the RP certificate as PKCS#12', () => {
  it('works the same as PEM', async () => {
    const bed = await startBankIdTestbed({ rpAsPkcs12: true });
    try {
      expect(bed.t.config.bankid?.rpCertFile).toBeUndefined();
      const page = await bed.t.app.inject('/login/bankid');
      const cookie = cookieOf(page.headers['set-cookie']) ?? '';
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const res = await bed.t.app.inject({ method: 'POST', url: '/bankid/start', headers: { cookie }, payload: { kind: 'auth', flow: 'qr', _csrf: csrf } });
      expect(res.headers.location).toBe('/bankid/wait');
    } finally {
      await bed.close();
    }
  });
});

describe('BankID unavailable', () => {
  it('maintenance is retried without bothering the user', async () => {
    tb.server.faults.endpoints.auth = { mode: 'maintenance', times: 1 };
    const { res } = await startOrder('qr');
    expect(res.headers.location).toBe('/bankid/wait');
  });

  it('an internal error or a slow BankID gives RFA5 quickly', async () => {
    tb.server.faults.endpoints.auth = { mode: 'internalError', times: 1 };
    let { res } = await startOrder('qr');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('Något gick fel. Försök igen.');
    tb.server.faults.endpoints.auth = { mode: 'slow', delayMs: 5_000, times: 1 };
    const started = Date.now();
    ({ res } = await startOrder('qr'));
    expect(res.statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(4_500);
  });

  it('repeated failures open the circuit: users get RFA5 at once instead of waiting on a failing BankID', async () => {
    const breakerBed = await startBankIdTestbed();
    try {
      const client = breakerBed.t.services.bankidClient;
      if (!client) throw new Error('no client');
      breakerBed.server.faults.endpoints['*'] = { mode: 'internalError' };
      const start = async () => {
        const page = await breakerBed.t.app.inject('/login/bankid');
        const cookie = cookieOf(page.headers['set-cookie']) ?? '';
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
        return breakerBed.t.app.inject({ method: 'POST', url: '/bankid/start', headers: { cookie }, payload: { kind: 'auth', flow: 'qr', _csrf: csrf } });
      };
      for (let i = 0; i < 5; i++) expect((await start()).statusCode).toBe(503);
      const calls = client.stats.calls;
      const res = await start();
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('Något gick fel. Försök igen.');
      expect(client.stats.calls).toBe(calls); // not even tried
      expect(client.stats.rejectedByBreaker).toBeGreaterThan(0);
      // After the open period BankID is tried again.
      breakerBed.server.faults.endpoints = {};
      breakerBed.clock.advance(31_000);
      expect((await start()).headers.location).toBe('/bankid/wait');
    } finally {
      await breakerBed.close();
    }
  });

  it('attack: 60 cookieless GETs of the waiting page → invariant: 404 each, no session is made for any of them', async () => {
    const count = async () => Number((await tb.t.services.db.selectFrom('kv_store').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    for (let i = 0; i < 60; i++) {
      const res = await tb.t.app.inject({ url: '/bankid/wait' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await count()).toBe(before);
  });

  it('garbage from BankID is an error, not a crash', async () => {
    tb.server.faults.endpoints.auth = { mode: 'garbage', times: 1 };
    const { res } = await startOrder('qr');
    expect(res.statusCode).toBe(503);
  });
});

describe('signing with BankID', () => {
  it('signs a request: the text is shown in the app, the evidence is stored and re-verifies', async () => {
    const { cookie, csrf } = await tb.t.loginAs(TOLVAN);
    const request = await tb.t.services.signing.create({
      personnummer: TOLVAN,
      purpose: 'test',
      subject: 'KW-7',
      document: { case: 'KW-7' },
      // Attack: markup in a case title → invariant: the app shows these very characters.
      text: 'Ansökan ”*Mörker*sikte_ML5_ # 1” KW-7\n\nUtförseltillstånd för krigsmateriel',
      returnPath: '/start',
    });
    // The sign page offers BankID on this device and on another one; the button starts the order at once.
    const page = await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie } });
    expect(page.body).toContain('value="bankid:autostart"');
    expect(page.body).toContain('value="bankid:qr"');
    const started = await tb.t.app.inject({
      method: 'POST',
      url: `/sign/${request.id}/start`,
      headers: { cookie },
      payload: { choice: 'bankid:qr', _csrf: csrf },
    });
    expect(started.headers.location).toBe('/bankid/wait');
    const orderRef = await scanQr(cookie);
    const order = tb.server.order(orderRef);
    expect(order?.kind).toBe('sign');
    expect(order?.request.userVisibleDataFormat).toBe('plaintext');
    expect(Buffer.from(order?.request.userVisibleData ?? '', 'base64').toString('utf8')).toBe(request.text);
    await pollUntil(cookie, (b) => b.next !== null);
    const complete = await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } });
    // Signed: straight on to where the purpose continues, and so does the sign page from now on.
    expect(complete.headers.location).toBe('/start');
    const done = await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie } });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/start');
    const evidence = await tb.t.services.db.selectFrom('signature_evidence').selectAll().where('request_id', '=', request.id).executeTakeFirstOrThrow();
    expect(evidence.method).toBe('bankid');
    const check = await tb.t.app.inject({ url: `/signatures/${evidence.id}`, headers: { cookie, accept: 'application/json' } });
    expect(check.json()).toMatchObject({ valid: true });
  });

  it('someone else’s BankID cannot sign (requirement.personalNumber)', async () => {
    const { cookie, csrf } = await tb.t.loginAs(TOLVAN);
    const request = await tb.t.services.signing.create({ personnummer: TOLVAN, purpose: 'test', subject: 'KW-8', document: { case: 'KW-8' }, text: 'KW-8', returnPath: '/start' });
    await tb.t.app.inject({ method: 'POST', url: '/bankid/start', headers: { cookie }, payload: { kind: 'sign', flow: 'qr', sign: request.id, _csrf: csrf } });
    const s = await status(cookie);
    const scanned = tb.server.testApp.scan({ qr: s.body.qrData ?? '' });
    await expect(tb.server.testApp.complete({ orderRef: scanned.orderRef, personnummer: '198112289874' })).rejects.toThrow();
  });
});
