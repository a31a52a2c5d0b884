import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import type { CollectResponse } from './orders.js';
import { createBankIdTestPki, type BankIdPerson } from './pki.js';
import { animatedQrString } from './qr.js';
import { startBankIdTestServer, type BankIdTestServer } from './server.js';
import { rpRequest } from './testing.js';

const TOLVAN: BankIdPerson = { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' };
const ANNA: BankIdPerson = { personnummer: '198112289874', givenName: 'Anna', surname: 'Andersson' };

let server: BankIdTestServer;

beforeAll(async () => {
  const pki = await createBankIdTestPki({ clock: systemClock });
  server = await startBankIdTestServer({ pki, people: [TOLVAN, ANNA] });
}, 60_000);

afterAll(async () => {
  await server.close();
});

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

async function start(path: 'auth' | 'sign', body: Record<string, unknown>) {
  const response = await rpRequest(server.url, server.serverCaPem, path, { endUserIp: '127.0.0.1', ...body }, {
    cert: server.rpCertPem,
    key: server.rpKeyPem,
  });
  expect(response.status).toBe(200);
  return response.json as { orderRef: string; autoStartToken: string; qrStartToken: string; qrStartSecret: string };
}

async function collect(orderRef: string): Promise<CollectResponse> {
  const response = await rpRequest(server.url, server.serverCaPem, 'collect', { orderRef }, { cert: server.rpCertPem, key: server.rpKeyPem });
  return response.json as CollectResponse;
}

const get = (path: string) => fetch(`${server.appUrl}${path}`, { redirect: 'manual' });
const postForm = (path: string, form: Record<string, string>) =>
  fetch(`${server.appUrl}${path}`, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });

/** Every visible form control has a <label for> (or is a hidden input). */
function expectLabelled(html: string) {
  const ids = [...html.matchAll(/<(?:input|select|textarea)\b([^>]*)>/g)]
    .map((m) => m[1] ?? '')
    .filter((attrs) => !attrs.includes('type="hidden"'))
    .map((attrs) => /\bid="([^"]+)"/.exec(attrs)?.[1]);
  for (const id of ids) {
    expect(id).toBeDefined();
    expect(html).toContain(`for="${id ?? ''}"`);
  }
}

describe('test app pages', () => {
  it('the start page is Swedish, headed and labelled', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html><html lang="sv">/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<label for="code">QR-kod eller autostarttoken</label>');
    expect(html).toContain('<option value="191212121212">Tolvan Tolvansson (191212121212)</option>');
    expect(html).toContain('<title>Start – BankID (testapp)</title>');
    expect(html).not.toContain('<script');
    expectLabelled(html);
  });

  it('scan a QR code, read the formatted text, sign', async () => {
    const order = await start('sign', {
      userVisibleData: b64('# Ansökan\n\nJag skriver under *ansökan 42*.\n\n- punkt ett\n- punkt två\n\n<script>alert(1)</script>'),
      userVisibleDataFormat: 'simpleMarkdownV1',
      returnUrl: 'https://kundwebben.example/sign/return',
    });
    const scanned = await postForm('/scan', {
      code: animatedQrString(order.qrStartToken, order.qrStartSecret, 0),
      personnummer: ANNA.personnummer,
    });
    expect(scanned.status).toBe(303);
    expect(scanned.headers.get('location')).toBe(`/order/${order.orderRef}?person=${ANNA.personnummer}`);

    const page = await (await get(`/order/${order.orderRef}?person=${ANNA.personnummer}`)).text();
    expect(page).toContain('<h1>Skriv under</h1>');
    expect(page).toContain('Begärt av <strong>Kundwebben</strong>');
    expect(page).toContain('<h3>Ansökan</h3>');
    expect(page).toContain('<p>Jag skriver under <strong>ansökan 42</strong>.</p>');
    expect(page).toContain('<ul><li>punkt ett</li><li>punkt två</li></ul>');
    expect(page).toContain('&lt;script>alert(1)&lt;/script>');
    expect(page).not.toContain('<script>');
    expect(page).toContain('<option value="198112289874" selected>');
    expectLabelled(page);
    expect(await collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'userSign' });

    const done = await postForm(`/order/${order.orderRef}`, { personnummer: ANNA.personnummer, authMethod: 'pin', action: 'complete' });
    expect(done.status).toBe(200);
    const result = await done.text();
    expect(result).toContain('<h1>Klart</h1>');
    expect(result).toContain('<a href="https://kundwebben.example/sign/return">Tillbaka till tjänsten</a>');
    const collected = await collect(order.orderRef);
    expect(collected.status).toBe('complete');
    if (collected.status === 'complete') {
      expect(collected.completionData.user.personalNumber).toBe(ANNA.personnummer);
      expect(collected.completionData.device.ipAddress).toBe('127.0.0.1');
    }
  });

  it('follows an autostart link like app.bankid.com and returns to its redirect after Avbryt', async () => {
    const order = await start('auth', {});
    const redirect = 'http://127.0.0.1:9999/login/bankid#initiated=true';
    const launched = await get(`/autostart?autostarttoken=${order.autoStartToken}&redirect=${encodeURIComponent(redirect)}`);
    expect(launched.status).toBe(303);
    expect(launched.headers.get('location')).toBe(`/order/${order.orderRef}`);
    expect(await collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'started' });
    const page = await (await get(`/order/${order.orderRef}`)).text();
    expect(page).toContain('<h1>Legitimera</h1>');
    expect(page).toContain('Ingen text från tjänsten.');
    const cancelled = await (await postForm(`/order/${order.orderRef}`, { personnummer: TOLVAN.personnummer, action: 'cancel' })).text();
    expect(cancelled).toContain('<h1>Avbrutet</h1>');
    expect(cancelled).toContain(`<a href="${redirect}">Tillbaka till tjänsten</a>`);
    expect(await collect(order.orderRef)).toMatchObject({ status: 'failed', hintCode: 'userCancel' });
  });

  it('also takes the launch URL in app.bankid.com shape (/?autostarttoken=…&redirect=null)', async () => {
    const order = await start('auth', {});
    const launched = await get(`/?autostarttoken=${order.autoStartToken}&redirect=null`);
    expect(launched.status).toBe(303);
    expect(launched.headers.get('location')).toBe(`/order/${order.orderRef}`);
    const again = await get(`/?autostarttoken=${order.autoStartToken}&redirect=null`);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Beställningen har redan startats på en annan enhet.');
  });

  it('never links back to a non-http redirect', async () => {
    const order = await start('auth', {});
    await get(`/autostart?autostarttoken=${order.autoStartToken}&redirect=${encodeURIComponent('javascript:alert(1)')}`);
    const result = await (await postForm(`/order/${order.orderRef}`, { personnummer: TOLVAN.personnummer, action: 'complete' })).text();
    expect(result).toContain('<h1>Klart</h1>');
    expect(result).not.toContain('Tillbaka till tjänsten');
  });

  it('shows why the app refuses: wrong person, PIN required, unknown code', async () => {
    const order = await start('auth', { requirement: { personalNumber: TOLVAN.personnummer, pinCode: true } });
    const home = await get('/');
    const homeHtml = await home.text();
    expect(homeHtml).toContain(`<input type="hidden" name="orderRef" value="${order.orderRef}"/>`);
    const opened = await postForm('/open', { orderRef: order.orderRef, personnummer: TOLVAN.personnummer });
    expect(opened.status).toBe(303);
    const page = await (await get(`/order/${order.orderRef}`)).text();
    expect(page).toMatch(/<input type="radio" id="method-bio" name="authMethod" value="biometric" disabled aria-describedby="pin-note"\/>/);
    const wrong = await postForm(`/order/${order.orderRef}`, { personnummer: ANNA.personnummer, action: 'complete' });
    expect(wrong.status).toBe(409);
    expect(await wrong.text()).toContain('<p role="alert">Beställningen är avsedd för en annan person.</p>');
    const bio = await postForm(`/order/${order.orderRef}`, { personnummer: TOLVAN.personnummer, authMethod: 'biometric', action: 'complete' });
    expect(await bio.text()).toContain('Tjänsten kräver att du använder din säkerhetskod.');
    const unknown = await postForm('/scan', { code: '00000000-0000-4000-8000-000000000000', personnummer: TOLVAN.personnummer });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('<p role="alert">Det finns ingen beställning för den här koden.</p>');
    await postForm(`/order/${order.orderRef}`, { personnummer: TOLVAN.personnummer, action: 'cancel' });
  });

  it('the JSON API reports an order', async () => {
    const order = await start('auth', { userVisibleData: b64('Hej') });
    const response = await get(`/api/orders/${order.orderRef}`);
    expect(await response.json()).toMatchObject({
      orderRef: order.orderRef,
      status: 'pending',
      hintCode: 'outstandingTransaction',
      kind: 'auth',
      userVisibleData: 'Hej',
      userVisibleDataFormat: 'plaintext',
    });
  });
});
