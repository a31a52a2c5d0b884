import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { exportPkcs8, toPem } from '../test-pki/crypto.js';
import { bankIdStateOf, createBankIdTestPki, type BankIdPerson } from './pki.js';
import type { CollectResponse, CompletionData } from './orders.js';
import { animatedQrString } from './qr.js';
import { startBankIdTestServer, type BankIdTestServer } from './server.js';
import { rpRequest, verifyCompletion, type RpClientOptions } from './testing.js';

const TOLVAN: BankIdPerson = { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' };
const ANNA: BankIdPerson = { personnummer: '198112289874', givenName: 'Anna', surname: 'Andersson' };
const PEOPLE = [TOLVAN, ANNA];

let clock: ManualClock;
let server: BankIdTestServer;

beforeAll(async () => {
  // Near real time: TLS checks certificate validity against the real clock.
  clock = new ManualClock(new Date());
  const pki = await createBankIdTestPki({ clock, people: PEOPLE });
  server = await startBankIdTestServer({ pki, people: PEOPLE, sweepIntervalMs: 3_600_000 });
}, 60_000);

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.resetFaults();
});

const rp = (path: string, body: unknown, options: RpClientOptions = {}) =>
  rpRequest(server.url, server.serverCaPem, path, body, { cert: server.rpCertPem, key: server.rpKeyPem, ...options });

async function app(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.appUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

interface StartResponse {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
}

async function startAuth(body: Record<string, unknown> = {}): Promise<StartResponse> {
  const response = await rp('auth', { endUserIp: '127.0.0.1', ...body });
  expect(response.status).toBe(200);
  return response.json as StartResponse;
}

async function collect(orderRef: string): Promise<CollectResponse> {
  const response = await rp('collect', { orderRef });
  expect(response.status).toBe(200);
  return response.json as CollectResponse;
}

async function completeVia(order: StartResponse, person = TOLVAN, extra: Record<string, unknown> = {}) {
  const scan = await app('/api/scan', { qr: animatedQrString(order.qrStartToken, order.qrStartSecret, 0) });
  expect(scan.status).toBe(200);
  const done = await app('/api/complete', { orderRef: order.orderRef, personnummer: person.personnummer, ...extra });
  expect(done.json).toMatchObject({ orderRef: order.orderRef, status: 'complete' });
  const collected = await collect(order.orderRef);
  expect(collected.status).toBe('complete');
  return (collected as { completionData: CompletionData }).completionData;
}

describe('mutual TLS', () => {
  // Attack: a client without BankID's RP certificate calls the RP API.
  // Invariant: the TLS handshake fails; nothing reaches the API.
  it('refuses a client without a certificate', async () => {
    await expect(rpRequest(server.url, server.serverCaPem, 'auth', { endUserIp: '127.0.0.1' })).rejects.toThrow();
  });

  it('refuses a client certificate from another CA (a BankID user certificate)', async () => {
    const state = bankIdStateOf(server.pki);
    const user = state.users.get(TOLVAN.personnummer)!;
    const key = toPem(await exportPkcs8(user.signer.privateKey), 'PRIVATE KEY');
    await expect(
      rpRequest(server.url, server.serverCaPem, 'auth', { endUserIp: '127.0.0.1' }, { cert: toPem(user.signer.der, 'CERTIFICATE'), key }),
    ).rejects.toThrow();
  });

  it('answers 401 unauthorized to an RP certificate without access', async () => {
    const other = await server.pki.issueRpCertificate(
      { organisationName: 'Utan Avtal AB', displayName: 'Utan avtal', orgnr: '5560000001' },
      { authorized: false },
    );
    const response = await rp('auth', { endUserIp: '127.0.0.1' }, { cert: other.certPem, key: other.keyPem });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ errorCode: 'unauthorized', details: expect.any(String) as string });
  });

  it('accepts the RP certificate as PKCS#12', async () => {
    const pfx = await server.rpPkcs12('qwerty123');
    const response = await rpRequest(server.url, server.serverCaPem, 'auth', { endUserIp: '127.0.0.1' }, { pfx, passphrase: 'qwerty123' });
    expect(response.status).toBe(200);
  });

  it('does not answer a server that is not pinned (the client refuses a foreign CA)', async () => {
    await expect(
      rpRequest(server.url, server.pki.userRootPem, 'auth', { endUserIp: '127.0.0.1' }, { cert: server.rpCertPem, key: server.rpKeyPem }),
    ).rejects.toThrow();
  });
});

describe('auth → collect → app → collect complete', () => {
  it('runs the whole QR flow and returns a signature and OCSP response that verify', async () => {
    const order = await startAuth({ returnRisk: true, userVisibleData: b64('# Logga in\n\nTill *Kundwebben*'), userVisibleDataFormat: 'simpleMarkdownV1' });
    expect(Object.keys(order).sort()).toEqual(['autoStartToken', 'orderRef', 'qrStartSecret', 'qrStartToken']);
    for (const value of Object.values(order)) expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    expect(await collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'pending', hintCode: 'outstandingTransaction' });
    clock.advance(2_000);
    const scan = await app('/api/scan', { qr: animatedQrString(order.qrStartToken, order.qrStartSecret, 2), personnummer: TOLVAN.personnummer });
    expect(scan).toEqual({ status: 200, json: { orderRef: order.orderRef, status: 'pending', hintCode: 'userSign' } });
    expect(await collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'pending', hintCode: 'userSign' });

    const done = await app('/api/complete', { orderRef: order.orderRef, personnummer: TOLVAN.personnummer, deviceIp: '192.0.2.7' });
    expect(done.json).toEqual({ orderRef: order.orderRef, status: 'complete' });
    const collected = await collect(order.orderRef);
    expect(collected.status).toBe('complete');
    const { completionData } = collected as { completionData: CompletionData };
    expect(Object.keys(completionData)).toEqual(['user', 'device', 'bankIdIssueDate', 'signature', 'ocspResponse', 'risk']);
    expect(completionData.user).toEqual({ personalNumber: TOLVAN.personnummer, name: 'Tolvan Tolvansson', givenName: 'Tolvan', surname: 'Tolvansson' });
    expect(completionData.device).toEqual({ ipAddress: '192.0.2.7', uhi: expect.stringMatching(/^[A-Za-z0-9+/]{27}=$/) as string });
    expect(completionData.bankIdIssueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(completionData.risk).toBe('low');

    const verified = verifyCompletion(completionData, server.userRootPem);
    if (!verified.ok) throw new Error(`${verified.reason}: ${verified.detail}`);
    expect(verified.value.funcId).toBe('Identification');
    expect(verified.value.usrVisibleData).toBe(b64('# Logga in\n\nTill *Kundwebben*'));
    expect(verified.value.usrNonVisibleData).toBeNull();
    expect(verified.value.signedReferences).toHaveLength(2);
    expect(verified.value.signedReferences[1]).toMatch(/^<KeyInfo xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#" Id="bidKeyInfo">/);
    expect(verified.value.producedAt.getTime()).toBe(Math.floor(clock.now().getTime() / 1000) * 1000);

    // "The same orderRef must not be used for additional collect requests."
    const again = await rp('collect', { orderRef: order.orderRef });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ errorCode: 'invalidParameters', details: 'No such order' });
  });

  it('writes the exact BankID XML shape', async () => {
    const completion = await completeVia(await startAuth());
    const xml = Buffer.from(completion.signature, 'base64').toString('utf8');
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8" standalone="no"\?><Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"><SignedInfo xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"><CanonicalizationMethod Algorithm="http:\/\/www\.w3\.org\/TR\/2001\/REC-xml-c14n-20010315"><\/CanonicalizationMethod><SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#rsa-sha256"><\/SignatureMethod><Reference Type="http:\/\/www\.bankid\.com\/signature\/v1\.0\.0\/types" URI="#bidSignedData">/,
    );
    expect(xml).toContain('<Reference URI="#bidKeyInfo">');
    expect(xml).toMatch(/<\/SignedInfo><SignatureValue>[A-Za-z0-9+/]{342}==<\/SignatureValue><KeyInfo xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#" Id="bidKeyInfo"><X509Data>(<X509Certificate>[A-Za-z0-9+/=]+<\/X509Certificate>){3}<\/X509Data><\/KeyInfo><Object><bankIdSignedData xmlns="http:\/\/www\.bankid\.com\/signature\/v1\.0\.0\/types" Id="bidSignedData">/);
    expect(xml).toMatch(/<srvInfo><name>[^<]+<\/name><nonce>[A-Za-z0-9+/]{27}=<\/nonce><displayName>[^<]+<\/displayName><\/srvInfo>/);
    const srvName = Buffer.from(/<name>([^<]+)<\/name>/.exec(xml)![1]!, 'base64').toString('utf8');
    expect(srvName).toBe('cn=Kundwebben Test AB,name=Kundwebben,serialNumber=5566778899,o=Testbank A AB (publ),c=SE');
    expect(xml).toMatch(/<clientInfo><funcId>Identification<\/funcId><version>[^<]+<\/version><env><ai><type>[^<]+<\/type><deviceInfo>[^<]+<\/deviceInfo><uhi>[^<]+<\/uhi><fsib>0<\/fsib><utb>cs1<\/utb><requirement><condition><type>CertificatePolicies<\/type>(<value>[\d.]+<\/value>)+<\/condition><\/requirement><uauth>pw<\/uauth><\/ai><\/env><\/clientInfo><\/bankIdSignedData><\/Object><\/Signature>$/);
    expect(xml).not.toContain('usrVisibleData');
  });

  it('puts the leaf certificate subject as BankID does (personnummer in serialNumber)', async () => {
    const cert = server.pki.user(TOLVAN.personnummer)!;
    const { X509Certificate } = await import('node:crypto');
    const subject = new X509Certificate(cert.certPem).subject.split('\n');
    expect(subject).toEqual([
      'C=SE',
      'O=Testbank A AB (publ)',
      'SN=Tolvansson',
      'GN=Tolvan',
      'serialNumber=191212121212',
      expect.stringMatching(/^name=\(\d{6} \d{2}\.\d{2}\) Tolvan Tolvansson - Mobilt BankID$/) as string,
      'CN=Tolvan Tolvansson',
    ]);
  });
});

describe('sign', () => {
  it('round-trips userVisibleData and userNonVisibleData into the signed XML', async () => {
    const visible = b64('# Underskrift\n\nJag intygar att uppgifterna är riktiga.');
    const nonVisible = Buffer.from('sha256:0123456789abcdef').toString('base64');
    const response = await rp('sign', {
      endUserIp: '127.0.0.1',
      userVisibleData: visible,
      userVisibleDataFormat: 'simpleMarkdownV1',
      userNonVisibleData: nonVisible,
      requirement: { personalNumber: ANNA.personnummer, pinCode: true, mrtd: true },
    });
    expect(response.status).toBe(200);
    const order = response.json as StartResponse;
    // pinCode: biometrics refused; personalNumber: another person refused
    await app('/api/scan', { autoStartToken: order.autoStartToken });
    expect((await collect(order.orderRef)).status).toBe('pending');
    expect((await app('/api/complete', { orderRef: order.orderRef, personnummer: ANNA.personnummer, authMethod: 'biometric' })).json.error).toBe('pin_required');
    expect((await app('/api/complete', { orderRef: order.orderRef, personnummer: TOLVAN.personnummer })).json.error).toBe('wrong_person');
    const done = await app('/api/complete', { orderRef: order.orderRef, personnummer: ANNA.personnummer, mrtd: true });
    expect(done.json.status).toBe('complete');
    const collected = (await collect(order.orderRef)) as { completionData: CompletionData };
    expect(collected.completionData.stepUp).toEqual({ mrtd: true });
    expect(collected.completionData.risk).toBeUndefined();
    const verified = verifyCompletion(collected.completionData, server.userRootPem);
    if (!verified.ok) throw new Error(`${verified.reason}: ${verified.detail}`);
    expect(verified.value).toMatchObject({ funcId: 'Signing', usrVisibleData: visible, usrNonVisibleData: nonVisible, personalNumber: ANNA.personnummer });
  });

  it('requires userVisibleData', async () => {
    const response = await rp('sign', { endUserIp: '127.0.0.1' });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ errorCode: 'invalidParameters', details: 'Missing userVisibleData' });
  });
});

describe('autostart and QR rules', () => {
  it('starts with the autostart token (hint started) and refuses a second start', async () => {
    const order = await startAuth();
    expect(await app('/api/scan', { autoStartToken: order.autoStartToken })).toEqual({
      status: 200,
      json: { orderRef: order.orderRef, status: 'pending', hintCode: 'started' },
    });
    expect(await collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'started' });
    const again = await app('/api/scan', { qr: animatedQrString(order.qrStartToken, order.qrStartSecret, 0) });
    expect(again).toMatchObject({ status: 409, json: { error: 'already_started' } });
    await app('/api/start', { orderRef: order.orderRef });
    expect(await collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'userSign' });
  });

  // Attack: a QR code photographed and relayed later, or computed with a guessed secret.
  // Invariant: only the current code of the order's own secret starts the order.
  it('refuses stale, future and forged QR codes', async () => {
    const order = await startAuth();
    clock.advance(20_000);
    const at = (t: number) => animatedQrString(order.qrStartToken, order.qrStartSecret, t);
    expect(await app('/api/scan', { qr: at(0) })).toMatchObject({ status: 400, json: { error: 'stale_qr' } });
    expect(await app('/api/scan', { qr: at(25) })).toMatchObject({ status: 400, json: { error: 'stale_qr' } });
    expect(await app('/api/scan', { qr: animatedQrString(order.qrStartToken, order.autoStartToken, 20) })).toMatchObject({
      status: 400,
      json: { error: 'bad_qr_code' },
    });
    expect(await app('/api/scan', { qr: at(20) })).toMatchObject({ status: 200 });
  });

  it('fails with startFailed when nobody starts the order within 30 s', async () => {
    const order = await startAuth();
    clock.advance(29_000);
    expect(await collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'outstandingTransaction' });
    clock.advance(1_000);
    expect(await collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'failed', hintCode: 'startFailed' });
    expect((await rp('collect', { orderRef: order.orderRef })).json).toMatchObject({ errorCode: 'invalidParameters' });
    expect((await app('/api/scan', { autoStartToken: order.autoStartToken })).status).toBe(404);
  });

  it('fails with expiredTransaction when a started order is not finished within 3 minutes', async () => {
    const order = await startAuth();
    await app('/api/scan', { autoStartToken: order.autoStartToken });
    clock.advance(179_000);
    expect((await collect(order.orderRef)).status).toBe('pending');
    clock.advance(1_000);
    expect(await collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'failed', hintCode: 'expiredTransaction' });
  });

  it('keeps a completed order collectable for 3 minutes only', async () => {
    const order = await startAuth();
    await app('/api/complete', { orderRef: order.orderRef, personnummer: TOLVAN.personnummer });
    clock.advance(180_001);
    expect((await rp('collect', { orderRef: order.orderRef })).json).toEqual({ errorCode: 'invalidParameters', details: 'No such order' });
  });
});

describe('alreadyInProgress and cancel', () => {
  it('answers alreadyInProgress to a second order for the same person and cancels the first', async () => {
    const first = await startAuth({ requirement: { personalNumber: TOLVAN.personnummer } });
    const second = await rp('auth', { endUserIp: '127.0.0.1', requirement: { personalNumber: TOLVAN.personnummer } });
    expect(second.status).toBe(400);
    expect(second.json).toEqual({ errorCode: 'alreadyInProgress', details: expect.any(String) as string });
    expect(await collect(first.orderRef)).toEqual({ orderRef: first.orderRef, status: 'failed', hintCode: 'cancelled' });
    // With the old order gone, a new one may start.
    const third = await startAuth({ requirement: { personalNumber: TOLVAN.personnummer } });
    await rp('cancel', { orderRef: third.orderRef });
  });

  it('cancel removes the order; collect and a second cancel answer invalidParameters', async () => {
    const order = await startAuth();
    const cancelled = await rp('cancel', { orderRef: order.orderRef });
    expect(cancelled).toMatchObject({ status: 200, json: {} });
    expect((await rp('collect', { orderRef: order.orderRef })).json).toMatchObject({ errorCode: 'invalidParameters' });
    expect((await rp('cancel', { orderRef: order.orderRef })).json).toMatchObject({ errorCode: 'invalidParameters' });
  });

  it('the user pressing Avbryt gives userCancel', async () => {
    const order = await startAuth();
    await app('/api/scan', { autoStartToken: order.autoStartToken });
    expect((await app('/api/cancel', { orderRef: order.orderRef })).json).toMatchObject({ status: 'failed', hintCode: 'userCancel' });
    expect(await collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'failed', hintCode: 'userCancel' });
  });

  // Attack: another RP (another certificate) collects or cancels an order it did not create.
  // Invariant: it gets invalidParameters and the order is untouched.
  it('does not let another RP collect or cancel the order', async () => {
    const order = await startAuth();
    const other = await server.pki.issueRpCertificate({ organisationName: 'Annan Tjänst AB', displayName: 'Annan tjänst', orgnr: '5560000002' });
    const asOther = { cert: other.certPem, key: other.keyPem };
    expect((await rp('collect', { orderRef: order.orderRef }, asOther)).json).toMatchObject({ errorCode: 'invalidParameters' });
    expect((await rp('cancel', { orderRef: order.orderRef }, asOther)).json).toMatchObject({ errorCode: 'invalidParameters' });
    expect((await collect(order.orderRef)).status).toBe('pending');
  });
});

describe('HTTP-level errors', () => {
  it('405 for GET, 404 for an unknown path', async () => {
    expect(await rp('auth', undefined, { method: 'GET', contentType: null })).toMatchObject({
      status: 405,
      json: { errorCode: 'methodNotAllowed' },
    });
    expect(await rp('payment/other', {})).toMatchObject({ status: 404, json: { errorCode: 'notFound' } });
  });

  it('415 for a charset parameter or another content type', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'text/plain;charset=UTF-8', null]) {
      const response = await rp('auth', { endUserIp: '127.0.0.1' }, { contentType });
      expect(response.status).toBe(415);
      expect(response.json).toMatchObject({ errorCode: 'unsupportedMediaType' });
    }
  });

  it.each([
    ['not JSON', 'auth', undefined, '{"endUserIp":', 'Invalid JSON body'],
    ['missing endUserIp', 'auth', {}, undefined, 'Invalid endUserIp'],
    ['bad endUserIp', 'auth', { endUserIp: '1.2.3' }, undefined, 'Invalid endUserIp'],
    ['bad base64', 'auth', { endUserIp: '127.0.0.1', userVisibleData: 'åäö' }, undefined, 'Invalid userVisibleData'],
    ['not UTF-8', 'auth', { endUserIp: '127.0.0.1', userVisibleData: '/w==' }, undefined, 'Invalid userVisibleData'],
    ['too long', 'auth', { endUserIp: '127.0.0.1', userVisibleData: 'QUFB'.repeat(376) }, undefined, 'Too big content: userVisibleData'],
    ['unknown field', 'auth', { endUserIp: '127.0.0.1', foo: 1 }, undefined, 'Unknown parameter: foo'],
    ['v5 personalNumber', 'auth', { endUserIp: '127.0.0.1', personalNumber: '191212121212' }, undefined, 'Unknown parameter: personalNumber'],
    ['requirement.risk', 'auth', { endUserIp: '127.0.0.1', requirement: { risk: 'low' } }, undefined, 'Invalid requirement.risk: no longer supported, use returnRisk'],
    ['bad personalNumber', 'auth', { endUserIp: '127.0.0.1', requirement: { personalNumber: '121212-1212' } }, undefined, 'Invalid requirement.personalNumber'],
    ['bad returnUrl', 'auth', { endUserIp: '127.0.0.1', returnUrl: 'javascript:alert(1)' }, undefined, 'Invalid returnUrl'],
    ['empty web', 'auth', { endUserIp: '127.0.0.1', web: {} }, undefined, 'Invalid web: at least one field is required'],
    ['malformed orderRef', 'collect', { orderRef: 'abc' }, undefined, 'Invalid orderRef'],
    ['unknown orderRef', 'collect', { orderRef: '00000000-0000-4000-8000-000000000000' }, undefined, 'No such order'],
    ['array body', 'cancel', [], undefined, 'Invalid JSON body'],
  ])('400 invalidParameters: %s', async (_name, path, body, rawBody, details) => {
    const response = await rp(path, body, rawBody === undefined ? {} : { rawBody });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ errorCode: 'invalidParameters', details });
  });

  it('400 invalidParameters for a body over the size limit', async () => {
    const response = await rp('sign', { endUserIp: '127.0.0.1', userVisibleData: 'QUFB'.repeat(200_000) });
    expect(response).toMatchObject({ status: 400, json: { errorCode: 'invalidParameters', details: 'Too big content' } });
  });

  it('accepts web, app, returnUrl and all requirement fields', async () => {
    const response = await rp('auth', {
      endUserIp: '2001:db8::1',
      returnUrl: 'https://kundwebben.example/login/bankid/return?state=x',
      returnRisk: true,
      web: { deviceIdentifier: 'a'.repeat(64), referringDomain: 'kundwebben.example', userAgent: 'Mozilla/5.0' },
      requirement: { pinCode: false, mrtd: false, cardReader: 'class1', certificatePolicies: ['1.2.3.4.25', '1.2.752.78.*'] },
    });
    expect(response.status).toBe(200);
  });
});

describe('phone orders', () => {
  it('phone/auth answers only orderRef; the app confirms the call and completes', async () => {
    const response = await rp('phone/auth', { personalNumber: ANNA.personnummer, callInitiator: 'RP' });
    expect(response.status).toBe(200);
    const { orderRef } = response.json as { orderRef: string };
    expect(Object.keys(response.json as object)).toEqual(['orderRef']);
    expect(await collect(orderRef)).toMatchObject({ status: 'pending', hintCode: 'outstandingTransaction' });
    clock.advance(31_000); // no startFailed for pushed orders
    expect(await app('/api/open', { orderRef, personnummer: TOLVAN.personnummer })).toMatchObject({ status: 409, json: { error: 'wrong_person' } });
    expect((await app('/api/open', { orderRef, personnummer: ANNA.personnummer })).json).toMatchObject({ hintCode: 'userCallConfirm' });
    expect(await collect(orderRef)).toMatchObject({ status: 'pending', hintCode: 'userCallConfirm' });
    await app('/api/complete', { orderRef, personnummer: ANNA.personnummer });
    const done = (await collect(orderRef)) as { completionData: CompletionData };
    const verified = verifyCompletion(done.completionData, server.userRootPem);
    expect(verified.ok && verified.value.funcId).toBe('Identification');
  });

  it('phone/sign requires userVisibleData and callInitiator', async () => {
    expect((await rp('phone/sign', { personalNumber: ANNA.personnummer, callInitiator: 'user' })).json).toEqual({
      errorCode: 'invalidParameters',
      details: 'Missing userVisibleData',
    });
    expect((await rp('phone/sign', { personalNumber: ANNA.personnummer, userVisibleData: b64('x') })).json).toEqual({
      errorCode: 'invalidParameters',
      details: 'Invalid callInitiator',
    });
  });
});

describe('faults', () => {
  it.each([
    ['maintenance', 503, 'maintenance'],
    ['internalError', 500, 'internalError'],
    ['requestTimeout', 408, 'requestTimeout'],
    ['unauthorized', 401, 'unauthorized'],
  ] as const)('%s → %i', async (mode, status, errorCode) => {
    server.faults.endpoints.auth = { mode, times: 1 };
    const failed = await rp('auth', { endUserIp: '127.0.0.1' });
    expect(failed.status).toBe(status);
    expect(failed.json).toEqual({ errorCode, details: expect.any(String) as string });
    // times: 1 → the next request is served again
    expect((await rp('auth', { endUserIp: '127.0.0.1' })).status).toBe(200);
  });

  it('garbage: 200 with a body that is not JSON', async () => {
    server.faults.endpoints['*'] = { mode: 'garbage' };
    const response = await rp('collect', { orderRef: '00000000-0000-4000-8000-000000000000' });
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^application\/json/);
    expect(response.json).toBeUndefined();
  });

  it('slow: the normal answer after the delay', async () => {
    const order = await startAuth();
    server.faults.endpoints.collect = { mode: 'slow', delayMs: 300 };
    const started = performance.now();
    expect(await collect(order.orderRef)).toMatchObject({ status: 'pending' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reset: the connection closes without an answer', async () => {
    server.faults.endpoints.auth = { mode: 'reset' };
    await expect(rp('auth', { endUserIp: '127.0.0.1' })).rejects.toThrow();
  });

  it.each(['userCancel', 'expiredTransaction', 'certificateErr', 'startFailed'] as const)(
    'the next order fails with %s',
    async (hintCode) => {
      server.faults.nextOrder = { fail: hintCode };
      const order = await startAuth();
      expect(await collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'failed', hintCode });
      expect(server.faults.nextOrder).toBeNull();
      const next = await startAuth();
      expect((await collect(next.orderRef)).status).toBe('pending');
    },
  );

  it('nextOrder with afterCollects stays pending first', async () => {
    const set = await app('/api/faults', { nextOrder: { fail: 'userCancel', afterCollects: 2 } });
    expect(set.status).toBe(200);
    const order = await startAuth();
    expect((await collect(order.orderRef)).status).toBe('pending');
    expect((await collect(order.orderRef)).status).toBe('pending');
    expect(await collect(order.orderRef)).toMatchObject({ status: 'failed', hintCode: 'userCancel' });
  });

  it('the fault API validates its input', async () => {
    expect((await app('/api/faults', { endpoints: { auth: { mode: 'broken' } } })).status).toBe(400);
    expect((await app('/api/faults', { nextCompletion: 'nope' })).status).toBe(400);
    expect((await app('/api/faults', { endpoints: { '*': { mode: 'maintenance' } } })).json).toMatchObject({
      endpoints: { '*': { mode: 'maintenance' } },
    });
    expect((await rp('auth', { endUserIp: '127.0.0.1' })).status).toBe(503);
    await app('/api/faults/reset', {});
    expect((await rp('auth', { endUserIp: '127.0.0.1' })).status).toBe(200);
  });

  it('a blocked BankID fails the order with certificateErr', async () => {
    const pki = bankIdStateOf(server.pki);
    const person: BankIdPerson = { personnummer: '196408231238', givenName: 'Spärrad', surname: 'Person' };
    await server.pki.ensureUser(person);
    expect(pki.users.has(person.personnummer)).toBe(true);
    expect((await app('/api/revoke', { personnummer: person.personnummer })).status).toBe(200);
    const order = await startAuth();
    expect((await app('/api/complete', { orderRef: order.orderRef, personnummer: person.personnummer })).json).toMatchObject({
      status: 'failed',
      hintCode: 'certificateErr',
    });
    expect(await collect(order.orderRef)).toMatchObject({ status: 'failed', hintCode: 'certificateErr' });
  });
});

describe('forged completions', () => {
  it.each([
    ['signatureValueAltered', 'signature'],
    ['usrNonVisibleDataAltered', 'signature'],
    ['usrVisibleDataAltered', 'signature'],
    ['ocspRevoked', 'ocsp_status'],
    ['ocspWrongResponder', 'ocsp_responder'],
    ['ocspNonceMismatch', 'ocsp_nonce'],
    ['personalNumberMismatch', 'personal_number'],
    ['unknownRoot', 'chain'],
  ] as const)('%s is refused by the verifier (%s)', async (forgery, reason) => {
    const order = await startAuth({ userVisibleData: b64('Logga in'), userNonVisibleData: b64('state') });
    server.faults.nextCompletion = forgery;
    const completion = await completeVia(order);
    expect(server.faults.nextCompletion).toBeNull();
    const verified = verifyCompletion(completion, server.userRootPem);
    expect(verified.ok ? 'ok' : verified.reason).toBe(reason);
  });

  it('unknownRoot is otherwise consistent: the chain and OCSP verify against the look-alike root', async () => {
    const order = await startAuth();
    const completion = await completeVia(order, TOLVAN, { forgery: 'unknownRoot' });
    const lookAlike = await bankIdStateOf(server.pki).lookAlike!;
    const verified = verifyCompletion(completion, toPem(lookAlike.root.der, 'CERTIFICATE'));
    expect(verified.ok).toBe(true);
  });

  it('an altered order without userNonVisibleData gets one inserted after signing', async () => {
    const completion = await completeVia(await startAuth(), TOLVAN, { forgery: 'usrNonVisibleDataAltered' });
    const xml = Buffer.from(completion.signature, 'base64').toString('utf8');
    expect(xml).toContain('<usrNonVisibleData>');
    expect(verifyCompletion(completion, server.userRootPem)).toMatchObject({ ok: false, reason: 'signature' });
  });
});

describe('concurrency', () => {
  it('serves 50 concurrent orders and collects over mTLS', async () => {
    const before = server.orderCount();
    const orders = await Promise.all(Array.from({ length: 50 }, () => startAuth()));
    expect(server.orderCount()).toBe(before + 50);
    const started = performance.now();
    const answers = await Promise.all(orders.map((o) => collect(o.orderRef)));
    expect(answers.every((a) => a.status === 'pending')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
