/**
 * The card signing self-test end to end over HTTP: the test page starts a test job, the
 * (simulated) Net iD signer signs its random text through the bridge with the demo card's
 * signing key, and the result page tells what it found. A test job is no sign request: it
 * leaves no evidence and cannot sign a case. Attacks open with the attack and the invariant.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSigner } from '../../devtools/netid-signer/server.js';
import { CARD_PEOPLE, signerCards, startCardTestbed, type CardTestbed } from '../../test/support/card.js';

let tb: CardTestbed;
let signer: FastifyInstance;
let signerUrl: string;
let inactive: FastifyInstance;
let inactiveUrl: string;

const nameOf = (pnr: string) => CARD_PEOPLE.find((p) => p.personnummer === pnr)?.givenName ?? pnr;

beforeAll(async () => {
  tb = await startCardTestbed({ listen: true });
  signer = await buildSigner({ portalUrl: tb.portalUrl, cards: signerCards(tb.demo, nameOf), signingCode: '123456', clock: tb.clock });
  signerUrl = await signer.listen({ host: '127.0.0.1', port: 0 });
  inactive = await buildSigner({ portalUrl: tb.portalUrl, cards: signerCards(tb.demo, nameOf, false), signingCode: '123456', clock: tb.clock });
  inactiveUrl = await inactive.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await signer.close();
  await inactive.close();
  await tb.close();
});

const TOLVAN = '191212121212';

function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie.find((c) => c.includes('kw_session=')) : setCookie;
  return first?.split(';')[0] ?? '';
}

/** Opens the test page and starts a signing test; returns the bridge and the result path. */
async function startTest(given?: { cookie: string; csrf: string }) {
  let session = given;
  if (!session) {
    const page = await tb.t.app.inject('/testa-e-legitimation');
    session = { cookie: cookieOf(page.headers['set-cookie']), csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '' };
  }
  const started = await tb.t.app.inject({ method: 'POST', url: '/testa-e-legitimation/underskrift', headers: { cookie: session.cookie }, payload: { _csrf: session.csrf } });
  expect(started.statusCode).toBe(200);
  expect(started.body).toContain('Test av underskrift i Kundwebben, testkod');
  const launch = /href="([^"]*netid\/sign\?bridge=[^"]+)"/.exec(started.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const bridge = new URL(launch).searchParams.get('bridge') ?? '';
  const resultPath = /href="(\/testa-e-legitimation\/underskrift\/resultat\?test=[A-Za-z0-9_-]+)"/.exec(started.body)?.[1] ?? '';
  return { ...session, bridge, resultPath };
}

async function signWith(url: string, bridge: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/api/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bridge, personnummer: TOLVAN, ...body }) });
  return (await res.json()) as { status: number; body: { status?: string; error?: string } };
}

describe('card self-test, signing part', () => {
  it('signs the random text, checks it, and says so; no evidence is kept, and the result is shown once', async () => {
    const evidenceBefore = await tb.t.services.db.selectFrom('signature_evidence').select(({ fn }) => fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    const { cookie, bridge, resultPath } = await startTest();
    const pending = await tb.t.app.inject({ url: resultPath, headers: { cookie } });
    expect(pending.body).toContain('Net iD Client har inte lämnat någon underskrift ännu');
    const signed = await signWith(signerUrl, bridge);
    expect(signed.body.status).toBe('completed');
    const result = await tb.t.app.inject({ url: resultPath, headers: { cookie } });
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Testunderskriften med ditt ID-kort kontrollerades och stämmer.');
    expect(result.body).toMatch(/Underskrift aktiverad<\/dt><dd>Ja</);
    expect(result.body).toContain('Inte spärrat');
    expect(result.body).toContain('Kontrollerad: signaturen, certifikatkedjan och kontrollsumman stämmer');
    expect(result.body).toContain('Du kan underteckna med: ID-kort från Telia.');
    expect(result.body).not.toContain(TOLVAN.slice(0, 8));
    const evidenceAfter = await tb.t.services.db.selectFrom('signature_evidence').select(({ fn }) => fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(evidenceAfter.n)).toBe(Number(evidenceBefore.n));
    const [event] = await tb.t.services.audit.list({ event: 'eid_selftest', limit: 1 });
    expect(event).toMatchObject({ outcome: 'success', actor: null, subject: 'telia_card', details: { usage: 'sign' } });
    expect((await tb.t.app.inject({ url: resultPath, headers: { cookie } })).statusCode).toBe(400);
  });

  it('signing not activated: says so, with the notice steps (Net iD Client, signing code, IT department), in both languages', async () => {
    const { cookie, bridge, resultPath } = await startTest();
    await signWith(inactiveUrl, bridge);
    const sv = await tb.t.app.inject({ url: resultPath, headers: { cookie } });
    expect(sv.body).toMatch(/Underskrift aktiverad<\/dt><dd>Nej</);
    expect(sv.body).toContain('data-advice="sign-not-activated"');
    expect(sv.body).toContain('Lås upp signering i Net iD Client.');
    expect(sv.body).toContain('Sätt en egen signeringskod');
    expect(sv.body).toContain('IT-avdelning');
    expect(sv.body).toContain('Fungerade inte: underskrift med ID-kort.');
    const en = await startTest();
    await signWith(inactiveUrl, en.bridge);
    const enBody = (await tb.t.app.inject({ url: en.resultPath, headers: { cookie: `${en.cookie}; kw_lang=en` } })).body;
    expect(enBody).toContain('Your ID card is not activated for signing.');
    expect(enBody).toContain('Unlock signing in Net iD Client.');
  });

  it('the login certificate chosen for the test signature is told precisely', async () => {
    const { cookie, bridge, resultPath } = await startTest();
    await signWith(signerUrl, bridge, { certificate: 'login' });
    expect((await tb.t.app.inject({ url: resultPath, headers: { cookie } })).body).toContain('Du undertecknade med certifikatet för inloggning');
  });

  it('attack: the test bridge is used again, or its result opened from another browser → invariant: nothing is signed or shown', async () => {
    const { bridge, resultPath } = await startTest();
    await signWith(signerUrl, bridge);
    const again = await signWith(signerUrl, bridge);
    expect(again.status).toBe(404);
    const other = await tb.t.app.inject(resultPath);
    expect(other.statusCode).toBe(400);
  });

  it('attack: a test job id is used as a sign request (to sign a case with a test signature) → invariant: there is no such request', async () => {
    const { cookie, csrf } = await tb.t.loginAs(TOLVAN);
    const { resultPath } = await startTest({ cookie, csrf });
    const testId = new URL(resultPath, 'http://x').searchParams.get('test') ?? '';
    expect(await tb.t.services.signing.find(testId)).toBeUndefined();
    const asRequest = await tb.t.app.inject({ method: 'POST', url: `/sign/${testId}/card`, headers: { cookie }, payload: { _csrf: csrf } });
    expect(asRequest.statusCode).toBe(404);
    const page = await tb.t.app.inject({ url: `/sign/${testId}`, headers: { cookie } });
    expect(page.statusCode).toBe(404);
  });
});
