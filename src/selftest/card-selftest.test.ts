/**
 * The card self-test, login part, over real TLS with the test PKI and its OCSP responder:
 * what the page reports for a good card, a card whose method starts later, a Telia card
 * that ends before BankID starts, and the common errors; and that a test ticket and a
 * login ticket can never stand in for each other. Attacks open with the attack and the invariant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';

let tb: CardTestbed;
beforeAll(async () => {
  tb = await startCardTestbed();
}, 60_000);
afterAll(() => tb.close());

type Client = { cert: string; key: string } | undefined;

function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
  return first?.split(';')[0] ?? '';
}

/** Test page → card listener's test mode (TLS client certificate) → the result page. */
async function cardTest(client: Client, lang: 'sv' | 'en' = 'sv') {
  const page = await tb.t.app.inject({ url: '/testa-e-legitimation', headers: { cookie: `kw_lang=${lang}` } });
  expect(page.statusCode).toBe(200);
  const cookie = `${cookieOf(page.headers['set-cookie'])}; kw_lang=${lang}`;
  const state = /card\/test\?state=([A-Za-z0-9_-]{43})/.exec(page.body)?.[1] ?? '';
  const res = await tb.cardGet(`/card/test?state=${state}`, client);
  expect(res.status).toBe(303);
  const location = new URL(res.location ?? '');
  expect(location.pathname).toBe('/testa-e-legitimation/kort/resultat');
  const path = location.pathname + location.search;
  const result = await tb.t.app.inject({ url: path, headers: { cookie } });
  return { cookie, path, result, state };
}

async function freshCard(issuer: 'telia' | 'svenska_pass', options: { notAfter?: Date; variant?: 'authWithNonRepudiationOnly' } = {}) {
  const card = await tb.demo.pki.issueCard({ issuer, personnummer: '197505121231', givenName: 'Okänd', surname: 'Kortsson', ...options });
  return { card, client: { cert: card.auth.certPem, key: card.auth.keyPem } };
}

describe('card self-test, login part', () => {
  it('a good Telia card: issuer, masked number, validity, not revoked, works today; nobody is logged in', async () => {
    const { result, cookie } = await cardTest(tb.card('191212121212'));
    expect(result.statusCode).toBe(200);
    const body = result.body;
    expect(body).toContain('Testet lyckades.');
    expect(body).toContain('ID-kort från Telia');
    expect(body).toContain('XXXXXXXX-1212');
    expect(body).not.toContain('19121212');
    expect(body).toContain('Inte spärrat');
    expect(body).toContain('Fungerar redan i dag.');
    expect(body).toContain('Du kan logga in med: ID-kort från Telia.');
    expect(cookieOf(result.headers['set-cookie'])).toBe('');
    expect((await tb.t.app.inject({ url: '/start', headers: { cookie } })).statusCode).not.toBe(200);
    const [event] = await tb.t.services.audit.list({ event: 'eid_selftest', limit: 1 });
    expect(event).toMatchObject({ outcome: 'success', subject: 'telia_card', actor: null });
    expect(JSON.stringify(event)).not.toContain('191212121212');
  });

  it('a Skatteverket card before its start date: works from week 35, with the plan notice, in both languages', async () => {
    const sv = await cardTest(tb.card('198112289874'));
    expect(sv.result.body).toContain('ID-kort från Skatteverket');
    expect(sv.result.body).toContain('Fungerar från vecka 35');
    expect(sv.result.body).toContain('Kräver en ny version av Net iD Client');
    expect(sv.result.body).toContain('ID-kort från Skatteverket (AB Svenska Pass): fungerar från vecka 35');
    const en = await cardTest(tb.card('198112289874'), 'en');
    expect(en.result.body).toContain('Starts working in week 35 2027');
    expect(en.result.body).toContain('Requires a new version of Net iD Client');
  });

  it('a Telia card that expires before BankID starts gets the advice to apply for a Skatteverket card now', async () => {
    const { client } = await freshCard('telia', { notAfter: new Date('2027-05-31T12:00:00Z') });
    const { result } = await cardTest(client);
    expect(result.body).toContain('data-advice="telia-before-bankid"');
    expect(result.body).toContain('Ansök om ett ID-kort från Skatteverket redan nu');
    const good = await cardTest(tb.card('191212121212'));
    expect(good.result.body).not.toContain('data-advice="telia-before-bankid"');
  });

  it('explains the common errors as precisely as the login refusals', async () => {
    const { client: signing } = await freshCard('telia', { variant: 'authWithNonRepudiationOnly' });
    expect((await cardTest(signing)).result.body).toContain('Du valde certifikatet för underskrift');
    const none = await cardTest(undefined);
    expect(none.result.body).toContain('Inget certifikat från ett ID-kort kom fram');
    expect(none.result.body).toContain('data-advice="not-activated"');
    const { card, client } = await freshCard('telia');
    tb.demo.pki.revoke(card.auth.serialHex, { reason: 1 });
    const revoked = await cardTest(client);
    expect(revoked.result.body).toContain('Ditt ID-kort är spärrat');
    expect(revoked.result.body).toMatch(/Spärrstatus<\/dt><dd>Spärrat</);
    expect(revoked.result.body).not.toContain('Fungerar redan i dag.');
    tb.ocsp.faults.mode = 'down';
    try {
      expect((await cardTest(tb.card('191212121212'))).result.body).toContain('Vi kan just nu inte kontrollera hos utfärdaren');
    } finally {
      tb.ocsp.faults.mode = 'ok';
    }
    const [event] = await tb.t.services.audit.list({ event: 'eid_selftest', limit: 1 });
    expect(event).toMatchObject({ outcome: 'failure', subject: 'telia_card', details: { usage: 'login', reason: 'ocsp_unavailable' } });
  });

  it('attack: a test ticket is presented to the login return → invariant: no login; and it is single-use', async () => {
    const page = await tb.t.app.inject('/testa-e-legitimation');
    const cookie = cookieOf(page.headers['set-cookie']);
    const state = /card\/test\?state=([A-Za-z0-9_-]{43})/.exec(page.body)?.[1] ?? '';
    const res = await tb.cardGet(`/card/test?state=${state}`, tb.card('191212121212'));
    const ticket = new URL(res.location ?? '').searchParams.get('ticket') ?? '';
    // The same session also holds a card-login state, as if a login had been started.
    const login = await tb.t.app.inject({ url: '/login/card?method=telia_card', headers: { cookie } });
    expect(login.statusCode).toBe(200);
    const asLogin = await tb.t.app.inject({ url: `/login/card/return?ticket=${ticket}`, headers: { cookie } });
    expect(asLogin.headers.location).toBe('/login/card/failed?code=ticket_invalid');
    expect(cookieOf(asLogin.headers['set-cookie'])).toBe('');
    // The test's own result page takes it once.
    const once = await tb.t.app.inject({ url: `/testa-e-legitimation/kort/resultat?ticket=${ticket}`, headers: { cookie } });
    expect(once.statusCode).toBe(200);
    expect(once.body).toContain('XXXXXXXX-1212');
    const again = await tb.t.app.inject({ url: `/testa-e-legitimation/kort/resultat?ticket=${ticket}`, headers: { cookie } });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Testresultatet kunde inte visas');
  });

  it('attack: a login ticket is presented to the test result → invariant: not accepted, and no login happens', async () => {
    const start = await tb.t.app.inject('/login/card?method=telia_card');
    const cookie = cookieOf(start.headers['set-cookie']);
    const loginState = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
    const res = await tb.cardGet(`/card/login?state=${loginState}`, tb.card('191212121212'));
    const ticket = new URL(res.location ?? '').searchParams.get('ticket') ?? '';
    await tb.t.app.inject({ url: '/testa-e-legitimation', headers: { cookie } });
    const asTest = await tb.t.app.inject({ url: `/testa-e-legitimation/kort/resultat?ticket=${ticket}`, headers: { cookie } });
    expect(asTest.statusCode).toBe(400);
    expect(asTest.body).not.toContain('1212');
  });

  it('attack: a test result link opened in another browser → invariant: shows nothing of the card', async () => {
    const { path } = await (async () => {
      const page = await tb.t.app.inject('/testa-e-legitimation');
      const state = /card\/test\?state=([A-Za-z0-9_-]{43})/.exec(page.body)?.[1] ?? '';
      const res = await tb.cardGet(`/card/test?state=${state}`, tb.card('191212121212'));
      const location = new URL(res.location ?? '');
      return { path: location.pathname + location.search };
    })();
    const other = await tb.t.app.inject(path);
    expect(other.statusCode).toBe(400);
    expect(other.body).not.toContain('XXXXXXXX-1212');
  });
});
