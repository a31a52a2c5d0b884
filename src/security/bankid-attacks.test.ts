/**
 * Attacks on BankID login and signing that need more than the test server's own forgery
 * switches: the portal talks to the BankID test server through a man in the middle that
 * holds BankID's TLS identity (possible only in test), so a test can replay an earlier
 * answer, swap one part of a completion, or answer with codes and bodies BankID has not
 * sent yet. Every test names the attack and the invariant that must hold.
 */
import { createServer, type Server } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { rpRequest } from '../../devtools/bankid-test-server/testing.js';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { BANKID_PEOPLE } from '../../test/support/bankid.js';
import type { CompletionData } from '../bankid/rp-client.js';
import { ManualClock } from '../platform/clock.js';

const TOLVAN = '191212121212';
const REFUSED = 'Svaret från BankID kunde inte kontrolleras och godtogs inte. Försök igen.';
const SOMETHING_WRONG = 'Något gick fel. Försök igen.'; // RFA5 and RFA22 read the same in Swedish
const IN_PROGRESS = 'En identifiering eller underskrift pågår.'; // RFA21

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}
type Rewrite = (endpoint: string, body: Record<string, unknown>, forward: () => Promise<Answer>) => Promise<Answer>;

const json = (value: unknown, status = 200): Answer => ({ status, contentType: 'application/json', text: JSON.stringify(value) });
const parsed = (answer: Answer): Record<string, unknown> => {
  try {
    return JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** An HTTPS server with BankID's server certificate that forwards to the test server unless told otherwise. */
interface Mitm {
  url: string;
  rewrite: Rewrite;
  /** Every qrStartSecret BankID handed out through us. */
  secrets: Set<string>;
  /** Requests seen per endpoint. */
  seen: Map<string, number>;
  close(): Promise<void>;
}

async function startMitm(server: BankIdTestServer): Promise<Mitm> {
  const forwardTo = (endpoint: string, raw: string) => async (): Promise<Answer> => {
    const res = await rpRequest(server.url, server.serverCaPem, endpoint, undefined, { cert: server.rpCertPem, key: server.rpKeyPem, rawBody: raw });
    return { status: res.status, contentType: res.contentType, text: res.text };
  };
  const passThrough: Rewrite = (_endpoint, _body, forward) => forward();
  const mitm: Mitm = { url: '', rewrite: passThrough, secrets: new Set(), seen: new Map(), close: () => Promise.resolve() };
  const https: Server = createServer({ cert: server.pki.server.certPem, key: server.pki.server.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const endpoint = (req.url ?? '').replace(/^\/rp\/v6\.0\//, '');
      mitm.seen.set(endpoint, (mitm.seen.get(endpoint) ?? 0) + 1);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // forwarded as is
      }
      mitm
        .rewrite(endpoint, body, forwardTo(endpoint, raw))
        .then((answer) => {
          const secret = (endpoint === 'auth' || endpoint === 'sign') && answer.status === 200 ? parsed(answer)['qrStartSecret'] : undefined;
          if (typeof secret === 'string') mitm.secrets.add(secret);
          res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {}).end(answer.text);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const address = https.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  mitm.url = `https://127.0.0.1:${port}/rp/v6.0`;
  mitm.close = () =>
    new Promise<void>((resolve) => {
      https.close(() => resolve());
      https.closeAllConnections();
    });
  return mitm;
}

let clock: ManualClock;
let dir: string;
let server: BankIdTestServer;
let mitm: Mitm;
let t: TestApp;
const logLines: string[] = [];
/** Every portal response of this file, for the QR-secret test at the end. */
const responses: { status: number; headers: string; body: string }[] = [];
let rp: { cert: string; key: string };

beforeAll(async () => {
  clock = new ManualClock(TEST_NOW);
  dir = mkdtempSync(path.join(tmpdir(), 'kw-bankid-attacks-'));
  const demo = await ensureBankIdTestPki(dir, { clock, people: BANKID_PEOPLE });
  server = await startBankIdTestServer({ pki: demo.pki, people: BANKID_PEOPLE, clock });
  rp = { cert: server.rpCertPem, key: server.rpKeyPem };
  mitm = await startMitm(server);
  t = await startTestApp({
    clock,
    logger: pino({ level: 'trace' }, { write: (line: string) => logLines.push(line) }),
    env: {
      KW_BANKID_URL: mitm.url,
      KW_BANKID_CA_FILE: demo.files.serverCaPath,
      KW_BANKID_RP_CERT_FILE: demo.files.rpCertPath,
      KW_BANKID_RP_KEY_FILE: demo.files.rpKeyPath,
      KW_BANKID_USER_ROOTS_FILE: demo.files.userRootPath,
      KW_BANKID_LAUNCH_URL: `${server.appUrl}/autostart`,
      KW_BANKID_TIMEOUT_MS: '1000',
      KW_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    },
  });
  await t.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
}, 60_000);

afterAll(async () => {
  await t.close();
  await mitm.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  mitm.rewrite = (_endpoint, _body, forward) => forward();
  server.resetFaults();
  // Tests that make BankID fail must not leave the circuit open for the next one.
  if (t.services.bankidClient?.isOpen()) clock.advance(31_000);
});

async function call(options: { method?: 'GET' | 'POST'; url: string; cookie?: string; payload?: Record<string, string>; accept?: string }) {
  const res = await t.app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.accept ? { accept: options.accept } : {}),
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0',
    },
    ...(options.payload ? { payload: options.payload } : {}),
  });
  responses.push({ status: res.statusCode, headers: JSON.stringify(res.headers), body: res.body });
  return res;
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
  return first?.split(';')[0] ?? '';
}

async function startOrder(flow: 'qr' | 'autostart', given?: { cookie: string; csrf: string }, extra: Record<string, string> = {}) {
  let cookie = given?.cookie;
  let csrf = given?.csrf;
  if (!cookie || !csrf) {
    const page = await call({ url: '/login/bankid' });
    cookie = cookieOf(page.headers['set-cookie']);
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  }
  const res = await call({ method: 'POST', url: '/bankid/start', cookie, payload: { kind: 'auth', flow, _csrf: csrf, ...extra } });
  return { cookie, csrf, res };
}

interface StatusBody {
  state: string;
  message: string;
  qrData: string | null;
  next: string | null;
}

async function status(cookie: string): Promise<StatusBody> {
  return (await call({ url: '/bankid/status', cookie, accept: 'application/json' })).json<StatusBody>();
}

/** Polls like the page does, moving the clock past the 2 s collect interval each time. */
async function pollUntil(cookie: string, done: (b: StatusBody) => boolean): Promise<StatusBody> {
  for (let i = 0; i < 10; i++) {
    clock.advance(2_000);
    const body = await status(cookie);
    if (done(body)) return body;
  }
  throw new Error('order did not reach the expected state');
}

async function scanQr(cookie: string, personnummer = TOLVAN): Promise<string> {
  const scanned = server.testApp.scan({ qr: (await status(cookie)).qrData ?? '' });
  await server.testApp.complete({ orderRef: scanned.orderRef, personnummer, deviceIp: '198.51.100.7' });
  return scanned.orderRef;
}

/** A genuine completion for `personnummer`, made with our RP certificate outside the portal. */
async function completionOutsideThePortal(kind: 'auth' | 'sign' = 'auth', personnummer = TOLVAN): Promise<CompletionData> {
  const request = { endUserIp: '198.51.100.7', ...(kind === 'sign' ? { userVisibleData: Buffer.from('Något helt annat').toString('base64') } : {}) };
  const started = await rpRequest(server.url, server.serverCaPem, kind, request, rp);
  const { orderRef } = started.json as { orderRef: string };
  await server.testApp.complete({ orderRef, personnummer });
  const collected = await rpRequest(server.url, server.serverCaPem, 'collect', { orderRef }, rp);
  return (collected.json as { completionData: CompletionData }).completionData;
}

/** Answers every /collect with `completionData` as if this order had completed with it. */
function answerCollectWith(completionData: CompletionData): Rewrite {
  return (endpoint, body, forward) =>
    endpoint === 'collect' ? Promise.resolve(json({ orderRef: body['orderRef'], status: 'complete', completionData })) : forward();
}

async function expectRefused(cookie: string, reason: string) {
  const body = await pollUntil(cookie, (b) => b.state !== 'pending');
  expect(body.state).toBe('failed');
  expect(body.message).toBe(REFUSED);
  const complete = await call({ url: '/bankid/complete', cookie });
  expect(complete.headers.location).toBe('/bankid/wait');
  expect(complete.headers['set-cookie']).toBeUndefined();
  const [event] = await t.services.audit.list({ event: 'login_failed', limit: 1 });
  expect(event?.details).toMatchObject({ reason });
}

describe('replayed completions', () => {
  it('a completion replayed into a second order (another browser) logs nobody in, though it verified once', async () => {
    let recorded: CompletionData | undefined;
    mitm.rewrite = async (endpoint, _body, forward) => {
      const answer = await forward();
      const parsedAnswer = parsed(answer);
      if (endpoint === 'collect' && parsedAnswer['status'] === 'complete') recorded = parsedAnswer['completionData'] as CompletionData;
      return answer;
    };
    const victim = await startOrder('qr');
    await scanQr(victim.cookie);
    await pollUntil(victim.cookie, (b) => b.next !== null);
    expect((await call({ url: '/bankid/complete', cookie: victim.cookie })).headers.location).toBe('/start/organisation');
    if (!recorded) throw new Error('no completion recorded');

    const attacker = await startOrder('qr');
    mitm.rewrite = answerCollectWith(recorded);
    await expectRefused(attacker.cookie, 'completion_replayed');
  });

  it('a genuine completion made before the order started (never shown to the portal) is refused', async () => {
    const earlier = await completionOutsideThePortal();
    clock.advance(6 * 60_000); // its OCSP answer is still "good" and fresh enough on its own
    const attacker = await startOrder('qr');
    mitm.rewrite = answerCollectWith(earlier);
    await expectRefused(attacker.cookie, 'completion_predates_order');
  });

  it('an OCSP response from another order of the same person is not accepted for this signature', async () => {
    const other = await completionOutsideThePortal();
    mitm.rewrite = async (endpoint, _body, forward) => {
      const answer = await forward();
      const body = parsed(answer);
      if (endpoint !== 'collect' || body['status'] !== 'complete') return answer;
      const completionData = body['completionData'] as CompletionData;
      return json({ ...body, completionData: { ...completionData, ocspResponse: other.ocspResponse } });
    };
    const { cookie } = await startOrder('qr');
    await scanQr(cookie);
    await expectRefused(cookie, 'ocsp_invalid');
  });

  it('a sign order answered with a valid signature over another text stores no signature', async () => {
    const elsewhere = await completionOutsideThePortal('sign');
    const { cookie, csrf } = await t.loginAs(TOLVAN);
    const request = await t.services.signing.create({ personnummer: TOLVAN, purpose: 'test', subject: 'KW-R1', document: { case: 'KW-R1' }, text: 'Ansökan KW-R1', returnPath: '/start' });
    await startOrder('qr', { cookie, csrf }, { kind: 'sign', sign: request.id });
    mitm.rewrite = answerCollectWith(elsewhere);
    const body = await pollUntil(cookie, (b) => b.state !== 'pending');
    expect(body).toMatchObject({ state: 'failed', message: REFUSED });
    expect((await call({ url: '/bankid/complete', cookie })).headers.location).toBe('/bankid/wait');
    const stored = await t.services.db.selectFrom('signature_evidence').select('id').where('request_id', '=', request.id).executeTakeFirst();
    expect(stored).toBeUndefined();
    const [event] = await t.services.audit.list({ event: 'signature_failed', limit: 1 });
    expect(event?.details).toMatchObject({ reason: 'data_mismatch' });
  });
});

describe('codes BankID has not sent before get a safe generic message, never the code itself', () => {
  it.each([
    ['a new pending hintCode', 'pending', 'userFace', IN_PROGRESS],
    ['a new failed hintCode', 'failed', 'facialRecognitionFailed', SOMETHING_WRONG],
    ['markup in a hintCode', 'failed', '<img src=x onerror=alert(1)>', SOMETHING_WRONG],
  ])('%s', async (_name, state, hintCode, message) => {
    const { cookie } = await startOrder('qr');
    mitm.rewrite = (endpoint, body, forward) =>
      endpoint === 'collect' ? Promise.resolve(json({ orderRef: body['orderRef'], status: state, hintCode })) : forward();
    const body = await pollUntil(cookie, () => true);
    expect(body).toMatchObject({ state, message });
    const page = await call({ url: '/bankid/wait', cookie });
    expect(page.body).toContain(message);
    expect(page.body).not.toContain(hintCode);
    expect(page.body).not.toContain('<img src=x');
  });

  it('an unknown errorCode from /auth (429 tooManyRequests with markup in details) gives RFA22 and echoes nothing', async () => {
    mitm.rewrite = (endpoint, _body, forward) =>
      endpoint === 'auth' ? Promise.resolve(json({ errorCode: 'tooManyRequests', details: '<script>alert(1)</script>' }, 429)) : forward();
    const { res } = await startOrder('qr');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain(SOMETHING_WRONG);
    for (const leak of ['tooManyRequests', '<script>alert', '429']) expect(res.body).not.toContain(leak);
  });

  it('an unknown errorCode from /collect ends the order with RFA22', async () => {
    const { cookie } = await startOrder('qr');
    mitm.rewrite = (endpoint, _body, forward) =>
      endpoint === 'collect' ? Promise.resolve(json({ errorCode: 'orderLockedForever', details: 'internal id 0xdeadbeef' }, 400)) : forward();
    const body = await pollUntil(cookie, () => true);
    expect(body).toMatchObject({ state: 'failed', message: SOMETHING_WRONG });
    expect(JSON.stringify(body)).not.toContain('0xdeadbeef');
  });
});

describe('BankID answering with something that is not its API', () => {
  const bodies: [string, Answer][] = [
    ['an HTML error page from a proxy (502)', { status: 502, contentType: 'text/html', text: '<html><body><h1>502 Bad Gateway</h1>nginx</body></html>' }],
    ['an empty body (200)', { status: 200, contentType: 'application/json', text: '' }],
    ['truncated JSON (200)', { status: 200, contentType: 'application/json', text: '{"orderRef":"' }],
    ['JSON of another shape (200)', { status: 200, contentType: 'application/json', text: '[{"orderRef":42}]' }],
    ['JSON null (200)', { status: 200, contentType: 'application/json', text: 'null' }],
  ];
  const internals = ['502 Bad Gateway', 'nginx', 'Unexpected', 'JSON', 'malformed', 'orderRef'];

  it.each(bodies)('/auth: %s → 503 with a generic message, no crash, nothing internal shown', async (_name, answer) => {
    const before = mitm.seen.get('auth') ?? 0;
    mitm.rewrite = (endpoint, _body, forward) => (endpoint === 'auth' ? Promise.resolve(answer) : forward());
    const { res } = await startOrder('qr');
    expect(mitm.seen.get('auth')).toBe(before + 1);
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain(SOMETHING_WRONG);
    for (const leak of internals) expect(res.body).not.toContain(leak);
  });

  it.each(bodies)('/collect: %s → the order ends with a generic message', async (_name, answer) => {
    const { cookie } = await startOrder('qr');
    mitm.rewrite = (endpoint, _body, forward) => (endpoint === 'collect' ? Promise.resolve(answer) : forward());
    const body = await pollUntil(cookie, () => true);
    expect(body).toMatchObject({ state: 'failed', message: SOMETHING_WRONG, next: null });
    const page = await call({ url: '/bankid/wait', cookie });
    expect(page.statusCode).toBe(200);
    for (const leak of internals) expect(page.body).not.toContain(leak);
  });

  it('a /collect that does not answer within the timeout ends the order with RFA5 instead of hanging the poll', async () => {
    const { cookie } = await startOrder('qr');
    mitm.rewrite = async (endpoint, _body, forward) => {
      if (endpoint === 'collect') await delay(2_500);
      return forward();
    };
    clock.advance(2_000);
    const started = Date.now();
    const body = await status(cookie);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(body).toMatchObject({ state: 'failed', message: SOMETHING_WRONG });
  });
});

describe('the QR secret stays on the server', () => {
  it('qrStartSecret is in no response, header, page, log line or audit event of the portal, over every journey in this file', async () => {
    // One more of each journey: QR to completion, this-device launch, cancel, a failure.
    const qr = await startOrder('qr');
    await call({ url: '/bankid/wait', cookie: qr.cookie });
    await call({ url: '/bankid/qr.svg', cookie: qr.cookie });
    await scanQr(qr.cookie);
    await pollUntil(qr.cookie, (b) => b.next !== null);
    await call({ url: '/bankid/complete', cookie: qr.cookie });
    const same = await startOrder('autostart');
    await call({ url: '/bankid/wait', cookie: same.cookie });
    await call({ method: 'POST', url: '/bankid/cancel', cookie: same.cookie, payload: { _csrf: same.csrf } });
    server.faults.nextOrder = { fail: 'userCancel' };
    const failing = await startOrder('qr');
    await pollUntil(failing.cookie, (b) => b.state === 'failed');
    await call({ url: '/bankid/wait', cookie: failing.cookie });
    await call({ url: '/metrics' });

    expect(mitm.secrets.size).toBeGreaterThanOrEqual(3);
    expect(responses.length).toBeGreaterThan(10);
    expect(logLines.some((l) => l.includes('/bankid/status'))).toBe(true); // the log is really captured
    const audit = JSON.stringify(await t.services.audit.list({ limit: 10_000 }));
    for (const secret of mitm.secrets) {
      for (const r of responses) {
        expect(r.body).not.toContain(secret);
        expect(r.headers).not.toContain(secret);
      }
      for (const line of logLines) expect(line).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
  });
});
