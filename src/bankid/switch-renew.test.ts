/**
 * The waiting page's ways on without cancelling, against the local BankID RP API v6 test
 * server: switching between the QR code and "this device" (POST /bankid/switch, no
 * JavaScript needed), and renewing a QR order that ran out unscanned (POST /bankid/renew,
 * the page's script) within its limit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBankIdTestbed, type BankIdTestbed } from '../../test/support/bankid.js';
import { QR_RENEWALS, type BankIdFlow } from './route-context.js';
import { START_WINDOW_SECONDS } from './service.js';

let tb: BankIdTestbed;
beforeAll(async () => {
  tb = await startBankIdTestbed();
}, 60_000);
afterAll(() => tb.close());
afterEach(() => tb.server.resetFaults());

const TOLVAN = '191212121212';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0';

interface StatusBody {
  state: string;
  message: string;
  qr: boolean;
  qrData: string | null;
  renew: boolean;
  next: string | null;
}

function cookieOf(setCookie: string | string[] | undefined): string | undefined {
  const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
  return first?.split(';')[0];
}

async function anonymous(): Promise<{ cookie: string; csrf: string }> {
  const page = await tb.t.app.inject('/login/bankid');
  return {
    cookie: cookieOf(page.headers['set-cookie']) ?? '',
    csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '',
  };
}

async function post(url: string, who: { cookie: string; csrf: string }, payload: Record<string, string> = {}) {
  return tb.t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'user-agent': DESKTOP },
    payload: { _csrf: who.csrf, ...payload },
  });
}

/** What the page's script sends: no body, the token in the header. */
async function renew(who: { cookie: string; csrf: string }, token: string | null = who.csrf) {
  return tb.t.app.inject({
    method: 'POST',
    url: '/bankid/renew',
    headers: { cookie: who.cookie, 'user-agent': DESKTOP, accept: 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
  });
}

async function status(cookie: string, query = '') {
  const res = await tb.t.app.inject({ url: `/bankid/status${query}`, headers: { cookie, accept: 'application/json' } });
  return { code: res.statusCode, body: res.json<StatusBody>() };
}

async function waitPage(cookie: string, query = '') {
  return tb.t.app.inject({ url: `/bankid/wait${query}`, headers: { cookie, 'user-agent': DESKTOP } });
}

/** The session's BankID flow and the portal's order behind it (orderRef included), for assertions. */
async function sessionOrder(cookie: string) {
  const loaded = await tb.t.services.sessions.load(cookie.split('=')[1], false);
  if (loaded.kind !== 'live') throw new Error('no session');
  const flow = loaded.session.data.flows?.['bankid'] as BankIdFlow | undefined;
  const order = await tb.t.services.bankid?.find(flow?.orderId);
  return { flow, order };
}

/** The text of the status region, or of the failure notice. */
function statusOf(html: string): string {
  return /id="bankid-status"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';
}

/** Lets BankID's start window run out, and polls once so the portal collects the failure. */
async function runOut(cookie: string) {
  tb.clock.advance((START_WINDOW_SECONDS + 1) * 1000);
  return (await status(cookie)).body;
}

async function pollUntil(cookie: string, done: (b: StatusBody) => boolean) {
  for (let i = 0; i < 10; i++) {
    tb.clock.advance(2_000);
    const s = await status(cookie);
    if (done(s.body)) return s.body;
  }
  throw new Error('order did not reach the expected state');
}

async function completeQr(cookie: string, personnummer = TOLVAN) {
  const s = await status(cookie);
  const scanned = tb.server.testApp.scan({ qr: s.body.qrData ?? '' });
  await tb.server.testApp.complete({ orderRef: scanned.orderRef, personnummer, deviceIp: '198.51.100.7' });
  await pollUntil(cookie, (b) => b.next !== null);
  return tb.t.app.inject({ url: '/bankid/complete', headers: { cookie } });
}

async function newSignRequest(subject: string) {
  return tb.t.services.signing.create({
    personnummer: TOLVAN,
    purpose: 'test',
    subject,
    document: { case: subject },
    text: `Ansökan ${subject}`,
    returnPath: '/start',
  });
}

describe('switching between the QR code and this device on the waiting page', () => {
  it('login: QR → this device → QR, each switch cancels the order at BankID and starts one for the login, and it completes', async () => {
    const who = await anonymous();
    expect((await post('/bankid/start', who, { kind: 'auth', flow: 'qr' })).headers.location).toBe('/bankid/wait');
    const qrPage = await waitPage(who.cookie);
    // The switch is a plain form: no JavaScript needed.
    expect(qrPage.body).toMatch(/<form method="post" action="\/bankid\/switch"[^>]*><input type="hidden" name="_csrf" value="[^"]+"\/><input type="hidden" name="flow" value="autostart"\/><button type="submit" class="button-secondary">Använd BankID på den här enheten<\/button>/);
    const first = await sessionOrder(who.cookie);
    const firstRef = first.order?.orderRef ?? 'missing';
    expect(tb.server.order(firstRef)?.status).toBe('pending');

    const toDevice = await post('/bankid/switch', who, { flow: 'autostart' });
    expect(toDevice.statusCode).toBe(303);
    expect(toDevice.headers.location).toBe('/bankid/wait?switched=1');
    expect(tb.server.order(firstRef)).toBeUndefined(); // cancelled at BankID
    const second = await sessionOrder(who.cookie);
    expect(second.flow).toMatchObject({ kind: 'auth', flow: 'autostart', signRequestId: null });
    expect(second.order?.orderRef).not.toBe(firstRef);
    const devicePage = await waitPage(who.cookie, '?switched=1');
    expect(statusOf(devicePage.body)).toBe('Välj Starta BankID-appen.');
    // The focus starts at what to do next; the hint names the switch and the switch is right there.
    expect(devicePage.body).toMatch(/<a class="button-primary" id="bankid-launch" href="[^"]+" data-launching="Försöker starta BankID-appen." autofocus>Starta BankID-appen<\/a>/);
    expect(devicePage.body).toContain('eller välj Använd Mobilt BankID på en annan enhet (QR-kod).');
    expect(devicePage.body).toMatch(/name="flow" value="qr"\/><button type="submit" class="button-secondary">Använd Mobilt BankID på en annan enhet \(QR-kod\)<\/button>/);

    const toQr = await post('/bankid/switch', who, { flow: 'qr' });
    expect(toQr.headers.location).toBe('/bankid/wait?switched=1');
    expect(tb.server.order(second.order?.orderRef ?? 'missing')).toBeUndefined();
    const backOnQr = await waitPage(who.cookie, '?switched=1');
    expect(backOnQr.body).toContain('<h2 id="qr-heading" tabindex="-1" autofocus>');
    expect((await sessionOrder(who.cookie)).flow).toMatchObject({ kind: 'auth', flow: 'qr' });

    const done = await completeQr(who.cookie);
    expect(done.headers.location).toBe('/start/organisation');
  });

  it('signing: the switch keeps the same sign request (the session names it, not the form) and the signature completes', async () => {
    const login = await tb.t.loginAs(TOLVAN);
    const request = await newSignRequest('KW-31');
    const other = await newSignRequest('KW-32');
    await post(`/sign/${request.id}/start`, login, { choice: 'bankid:qr' });
    const before = await sessionOrder(login.cookie);
    // Attack: the form names another sign request and another purpose → invariant: ignored.
    const switched = await post('/bankid/switch', login, { flow: 'autostart', sign: other.id, kind: 'auth' });
    expect(switched.headers.location).toBe('/bankid/wait?switched=1');
    const after = await sessionOrder(login.cookie);
    expect(after.flow).toMatchObject({ kind: 'sign', flow: 'autostart', signRequestId: request.id });
    expect(tb.server.order(before.order?.orderRef ?? 'missing')).toBeUndefined();
    const atBankId = tb.server.order(after.order?.orderRef ?? 'missing');
    expect(atBankId?.kind).toBe('sign');
    expect(Buffer.from(atBankId?.request.userVisibleData ?? '', 'base64').toString('utf8')).toBe(request.text);
    expect(atBankId?.request.requirement.personalNumber).toBe(TOLVAN);
    const page = await waitPage(login.cookie);
    expect(page.body).toContain('<h1>Underteckna med BankID</h1>');

    await post('/bankid/switch', login, { flow: 'qr' });
    expect((await sessionOrder(login.cookie)).flow).toMatchObject({ kind: 'sign', flow: 'qr', signRequestId: request.id });
    const done = await completeQr(login.cookie);
    expect(done.headers.location).toBe(request.returnPath);
    const evidence = await tb.t.services.db.selectFrom('signature_evidence').selectAll().where('request_id', '=', request.id).executeTakeFirstOrThrow();
    expect(evidence.method).toBe('bankid');
    expect((await tb.t.services.signing.findFor(other.id, TOLVAN)).state).toBe('pending');
  });

  it('a sign request signed meanwhile (another tab, the card): the switch starts nothing and leads back to it', async () => {
    const login = await tb.t.loginAs(TOLVAN);
    const request = await newSignRequest('KW-33');
    await post(`/sign/${request.id}/start`, login, { choice: 'bankid:qr' });
    await tb.t.services.signing.complete(request, {
      method: 'telia_card',
      signerPersonnummer: TOLVAN,
      signerName: 'Tolvan Tolvansson',
      signedAt: tb.clock.now(),
      evidence: {},
    });
    const count = tb.server.orderCount();
    const res = await post('/bankid/switch', login, { flow: 'autostart' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sign/${request.id}`);
    expect(tb.server.orderCount()).toBeLessThanOrEqual(count);
  });

  it('attack: a forged switch (no token, wrong token, foreign Origin) → invariant: 403, the order runs on unchanged', async () => {
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    const before = await sessionOrder(who.cookie);
    const count = tb.server.orderCount();
    const forgeries = [
      { payload: { flow: 'autostart' }, headers: {} },
      { payload: { flow: 'autostart', _csrf: 'x'.repeat(43) }, headers: {} },
      { payload: { flow: 'autostart', _csrf: who.csrf }, headers: { origin: 'https://evil.example' } },
    ];
    for (const forgery of forgeries) {
      const res = await tb.t.app.inject({ method: 'POST', url: '/bankid/switch', headers: { cookie: who.cookie, ...forgery.headers }, payload: forgery.payload });
      expect(res.statusCode).toBe(403);
    }
    expect(tb.server.orderCount()).toBe(count);
    expect(tb.server.order(before.order?.orderRef ?? 'missing')?.status).toBe('pending');
    expect((await sessionOrder(who.cookie)).flow).toEqual(before.flow);
  });

  it('without an order there is nothing to switch: the waiting page says so, and nothing starts at BankID', async () => {
    const who = await anonymous();
    const count = tb.server.orderCount();
    const res = await post('/bankid/switch', who, { flow: 'qr' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/bankid/wait');
    expect(tb.server.orderCount()).toBe(count);
    const page = await waitPage(who.cookie);
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Det finns ingen pågående BankID-åtgärd');
    expect((await post('/bankid/switch', who, { flow: 'sideways' })).statusCode).toBe(400);
  });

  it('pressed twice: the flow already running is kept, no second order is made', async () => {
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    await post('/bankid/switch', who, { flow: 'autostart' });
    const running = await sessionOrder(who.cookie);
    const count = tb.server.orderCount();
    const again = await post('/bankid/switch', who, { flow: 'autostart' });
    expect(again.headers.location).toBe('/bankid/wait?switched=1');
    expect(tb.server.orderCount()).toBe(count);
    expect((await sessionOrder(who.cookie)).order?.orderRef).toBe(running.order?.orderRef);
  });

  it('approved just as the switch was pressed: the completed order is finished, not thrown away', async () => {
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    const s = await status(who.cookie);
    const scanned = tb.server.testApp.scan({ qr: s.body.qrData ?? '' });
    await tb.server.testApp.complete({ orderRef: scanned.orderRef, personnummer: TOLVAN, deviceIp: '198.51.100.7' });
    await pollUntil(who.cookie, (b) => b.next !== null);
    const res = await post('/bankid/switch', who, { flow: 'autostart' });
    expect(res.headers.location).toBe('/bankid/complete');
    expect((await tb.t.app.inject({ url: '/bankid/complete', headers: { cookie: who.cookie } })).headers.location).toBe('/start/organisation');
  });

  it('after a failure the page offers the other flow next to "Try again"', async () => {
    tb.server.faults.nextOrder = { fail: 'userCancel' };
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'autostart' });
    await pollUntil(who.cookie, (b) => b.state === 'failed');
    const page = await waitPage(who.cookie);
    expect(page.body).toContain('Försök igen');
    expect(page.body).toContain('Använd Mobilt BankID på en annan enhet (QR-kod)');
    expect((await post('/bankid/switch', who, { flow: 'qr' })).headers.location).toBe('/bankid/wait?switched=1');
    expect((await status(who.cookie)).body).toMatchObject({ state: 'pending', qr: true });
  });

  it('in English', async () => {
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    const headers = { cookie: who.cookie, 'accept-language': 'en', 'user-agent': DESKTOP };
    const qr = await tb.t.app.inject({ url: '/bankid/wait', headers });
    expect(qr.body).toContain('>Use BankID on this device</button>');
    await post('/bankid/switch', who, { flow: 'autostart' });
    const device = await tb.t.app.inject({ url: '/bankid/wait', headers });
    expect(statusOf(device.body)).toBe('Choose “Start the BankID app”.');
    expect(device.body).toContain('or choose “Use Mobile BankID on another device (QR code)”.');
    expect(device.body).toContain('>Use Mobile BankID on another device (QR code)</button>');
  });
});

describe('a QR code nobody scans', () => {
  it('the script is warned before the start window closes; the page without the script makes no promise of a new code', async () => {
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    expect((await status(who.cookie)).body.message).toBe('Starta BankID-appen.');
    tb.clock.advance((START_WINDOW_SECONDS - 9) * 1000);
    const warned = (await status(who.cookie)).body;
    expect(warned).toMatchObject({ state: 'pending', qr: true, renew: false });
    expect(warned.message).toBe('QR-koden slutar snart att gälla. Då visas en ny QR-kod automatiskt.');
    expect(statusOf((await waitPage(who.cookie)).body)).toBe('Starta BankID-appen.');
  });

  it(`is renewed for the same login up to ${QR_RENEWALS} times, then the page says why and offers "Try again", which starts afresh`, async () => {
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    const seen = new Set<string>();
    for (let i = 1; i <= QR_RENEWALS; i++) {
      const before = await sessionOrder(who.cookie);
      seen.add(before.order?.orderRef ?? '');
      const ran = await runOut(who.cookie);
      expect(ran).toMatchObject({ state: 'failed', renew: true });
      const res = await renew(who);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ state: 'pending', message: 'Här är en ny QR-kod. Starta BankID-appen och läs av QR-koden.' });
      const after = await sessionOrder(who.cookie);
      expect(after.flow).toMatchObject({ kind: 'auth', flow: 'qr', renewals: i });
      expect(seen.has(after.order?.orderRef ?? '')).toBe(false);
      // The failed order is forgotten; the new one runs at BankID.
      expect(before.order ? await tb.t.services.bankid?.find(before.order.id) : 'missing').toBeUndefined();
      expect(tb.server.order(after.order?.orderRef ?? '')?.status).toBe('pending');
      const s = (await status(who.cookie)).body;
      expect(s).toMatchObject({ state: 'pending', qr: true });
      expect(s.message).toBe('Här är en ny QR-kod. Starta BankID-appen och läs av QR-koden.');
      // Neither answer carries the orderRef or the QR secret.
      const secret = tb.server.order(after.order?.orderRef ?? '')?.tokens?.qrStartSecret ?? 'missing';
      for (const body of [res.body, JSON.stringify(s)]) {
        expect(body).not.toContain(secret);
        expect(body).not.toContain(after.order?.orderRef ?? 'missing');
      }
    }
    // The last QR code: the warning no longer promises a new one.
    tb.clock.advance((START_WINDOW_SECONDS - 9) * 1000);
    expect((await status(who.cookie)).body.message).toBe('QR-koden slutar snart att gälla. Om du inte hinner läsa av den kan du försöka igen.');
    const last = await runOut(who.cookie);
    expect(last).toMatchObject({ state: 'failed', renew: false });
    const count = tb.server.orderCount();
    const refused = await renew(who);
    expect(refused.statusCode).toBe(409);
    expect(tb.server.orderCount()).toBe(count);
    const page = await waitPage(who.cookie);
    expect(statusOf(page.body)).toBe('Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden.');
    expect(page.body).toContain('QR-koden gäller bara en kort stund och lästes inte av i tid. Välj Försök igen för att få en ny QR-kod.');
    expect(page.body).toContain('>Försök igen</button>');
    expect(page.body).toContain('>Använd BankID på den här enheten</button>');
    // "Try again" is a new start: the count begins anew.
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    expect((await sessionOrder(who.cookie)).flow?.renewals).toBeUndefined();
    expect(await runOut(who.cookie)).toMatchObject({ state: 'failed', renew: true });
  });

  it('a signature is renewed for the same sign request', async () => {
    const login = await tb.t.loginAs(TOLVAN);
    const request = await newSignRequest('KW-34');
    await post(`/sign/${request.id}/start`, login, { choice: 'bankid:qr' });
    expect(await runOut(login.cookie)).toMatchObject({ state: 'failed', renew: true });
    expect((await renew(login)).statusCode).toBe(200);
    const { flow, order } = await sessionOrder(login.cookie);
    expect(flow).toMatchObject({ kind: 'sign', flow: 'qr', signRequestId: request.id, renewals: 1 });
    const atBankId = tb.server.order(order?.orderRef ?? '');
    expect(atBankId?.kind).toBe('sign');
    expect(Buffer.from(atBankId?.request.userVisibleData ?? '', 'base64').toString('utf8')).toBe(request.text);
    const done = await completeQr(login.cookie);
    expect(done.headers.location).toBe(request.returnPath);
  });

  it('only an unscanned QR order that ran out is renewed: not a pending one, not another failure, not this device, not without an order or the token', async () => {
    const who = await anonymous();
    expect((await renew(who)).statusCode).toBe(404);
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    const count = tb.server.orderCount();
    expect((await renew(who)).statusCode).toBe(409); // pending
    await runOut(who.cookie);
    // Attack: renew from another site, or without the token → invariant: 403, nothing starts.
    expect((await renew(who, null)).statusCode).toBe(403);
    expect((await renew(who, 'x'.repeat(43))).statusCode).toBe(403);
    expect(tb.server.orderCount()).toBeLessThanOrEqual(count);
    expect((await sessionOrder(who.cookie)).flow?.renewals).toBeUndefined();

    tb.server.faults.nextOrder = { fail: 'userCancel' };
    const cancelled = await anonymous();
    await post('/bankid/start', cancelled, { kind: 'auth', flow: 'qr' });
    expect(await pollUntil(cancelled.cookie, (b) => b.state === 'failed')).toMatchObject({ renew: false });
    expect((await renew(cancelled)).statusCode).toBe(409);

    const device = await anonymous();
    await post('/bankid/start', device, { kind: 'auth', flow: 'autostart' });
    expect(await runOut(device.cookie)).toMatchObject({ state: 'failed', renew: false });
    expect((await renew(device)).statusCode).toBe(409);
  });

  it('BankID refuses the new order: the answer says so and the page still shows the run-out order with "Try again"', async () => {
    const who = await anonymous();
    await post('/bankid/start', who, { kind: 'auth', flow: 'qr' });
    await runOut(who.cookie);
    tb.server.faults.endpoints.auth = { mode: 'internalError', times: 1 };
    const res = await renew(who);
    expect(res.statusCode).toBe(503);
    const page = await waitPage(who.cookie);
    expect(page.statusCode).toBe(200);
    expect(statusOf(page.body)).toContain('Misslyckades att läsa av QR-koden.');
    expect(page.body).toContain('>Försök igen</button>');
  });
});
