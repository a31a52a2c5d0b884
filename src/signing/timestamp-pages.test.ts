/**
 * The timestamp as a person sees it: a card signature made while the TSA is down is stored
 * at once and its evidence page says the timestamp is pending; once the TSA is back the
 * housekeeping job stamps it and the page says "signed no later than" (sv and en).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSigner } from '../../devtools/netid-signer/server.js';
import { toPem } from '../../devtools/test-pki/crypto.js';
import { createTestTsa, startTestTsaServer, type TestTsaServer } from '../../devtools/test-tsa/index.js';
import { CARD_PEOPLE, signerCards, startCardTestbed, type CardTestbed } from '../../test/support/card.js';

const TOLVAN = '191212121212';
let tb: CardTestbed;
let tsaServer: TestTsaServer;
let signer: FastifyInstance;
let signerUrl: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kw-tsa-pages-'));
  const tsa = await createTestTsa();
  tsaServer = await startTestTsaServer(tsa);
  await writeFile(path.join(dir, 'tsa-root.pem'), toPem(tsa.root.der, 'CERTIFICATE'));
  tb = await startCardTestbed({ listen: true, env: { KW_TSA_URL: tsaServer.url, KW_TSA_CA_FILE: path.join(dir, 'tsa-root.pem'), KW_TSA_TIMEOUT_MS: '1000' } });
  const cards = signerCards(tb.demo, (pnr) => CARD_PEOPLE.find((p) => p.personnummer === pnr)?.givenName ?? pnr, true);
  signer = await buildSigner({ portalUrl: tb.portalUrl, cards, signingCode: '123456', clock: tb.clock });
  signerUrl = await signer.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await signer.close();
  await tb.close();
  await tsaServer.close();
  await rm(dir, { recursive: true, force: true });
});

async function signByCard(): Promise<{ cookie: string; evidenceId: string }> {
  const { cookie, csrf } = await tb.t.loginAs(TOLVAN);
  const request = await tb.t.services.signing.create({ personnummer: TOLVAN, purpose: 'test', subject: 'KW-TSA', document: { case: 'KW-TSA' }, text: 'Ansökan KW-TSA', returnPath: '/start' });
  const page = await tb.t.app.inject({ method: 'POST', url: `/sign/${request.id}/card`, headers: { cookie }, payload: { _csrf: csrf } });
  const launch = /href="([^"]*netid\/sign\?bridge=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const bridge = new URL(launch).searchParams.get('bridge') ?? '';
  const res = await fetch(`${signerUrl}/api/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bridge, personnummer: TOLVAN }) });
  const body = (await res.json()) as { body: { status?: string; evidenceId?: string } };
  expect(body.body.status).toBe('completed');
  return { cookie, evidenceId: body.body.evidenceId ?? '' };
}

describe('the timestamp on the evidence page', () => {
  it('is pending while the TSA is down (the signature is still valid), then "signed no later than" once the job has stamped it', async () => {
    tsaServer.faults.mode = 'down';
    const { cookie, evidenceId } = await signByCard();
    await tb.t.services.timestamps.settled();
    const pending = await tb.t.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie } });
    expect(pending.body).toContain('Underskriften är giltig');
    expect(pending.body).toContain('data-timestamp="pending"');
    expect(pending.body).toContain('Tidsstämpel väntar');
    const json = await tb.t.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie, accept: 'application/json' } });
    expect(json.json()).toMatchObject({ valid: true, timestamp: { state: 'pending' } });

    tsaServer.faults.mode = 'ok';
    tb.clock.advance(61_000);
    expect((await tb.t.services.housekeeping.runOnce())['evidenceTimestamps']).toBe(1);
    const stamped = await tb.t.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie } });
    expect(stamped.body).toContain('data-timestamp="stamped"');
    expect(stamped.body).toMatch(/Undertecknad senast [^<]*\d{2}:\d{2}:\d{2} \(tidsstämpel\)/);
    expect(stamped.body).toContain('data-check="timestamp" data-ok="true"');
    const en = await tb.t.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie: `${cookie}; kw_lang=en` } });
    expect(en.body).toMatch(/Signed no later than [^<]*\(timestamp\)/);
    const after = await tb.t.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie, accept: 'application/json' } });
    expect(after.json()).toMatchObject({ valid: true, checks: { timestamp: true, signature: true, ocsp: true }, timestamp: { state: 'stamped', ok: true } });
  });

  it('lists the TSA roots among the certificates whose expiry /health/ready watches', async () => {
    const ready = await tb.t.app.inject({ url: '/health/ready' });
    expect(ready.json<{ certificates: Record<string, string> }>().certificates).toHaveProperty('tsa-roots');
  });

  it('shows the case page and the case’s signature check with the timestamp pending, then stamped', async () => {
    const TESTA = '198112289874';
    const who = await tb.t.loginAs(TESTA);
    const post = (url: string, fields: Record<string, string>) =>
      tb.t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString() });
    const created = await post('/cases', { type: 'other_case' });
    const id = /^\/cases\/([0-9a-f-]{36})\//.exec(String(created.headers.location))?.[1] ?? '';
    const revision = String((await tb.t.services.cases.find(id))?.revision);
    expect((await post(`/cases/${id}/steps/case`, { revision, _action: 'next', subject: 'Fråga', body: 'Hej' })).statusCode).toBe(303);
    const review = await tb.t.app.inject({ url: `/cases/${id}/review`, headers: { cookie: who.cookie } });
    const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
    const submitted = await post(`/cases/${id}/submit`, { digest });
    const signId = /^\/sign\/([A-Za-z0-9_-]{32})$/.exec(String(submitted.headers.location))?.[1] ?? '';
    tsaServer.faults.mode = 'unavailable';
    const request = await tb.t.services.signing.find(signId);
    if (!request) throw new Error('no sign request');
    await tb.t.services.signing.complete(request, { method: 'telia_card', signerPersonnummer: TESTA, signerName: 'Testa Testsson', signedAt: tb.clock.now(), evidence: { format: 'test' } });
    await tb.t.services.timestamps.settled();
    const casePage = await tb.t.app.inject({ url: `/cases/${id}`, headers: { cookie: who.cookie } });
    expect(casePage.body).toContain('data-timestamp="pending"');
    expect(casePage.body).toContain('Tidsstämpel väntar');
    const check = await tb.t.app.inject({ url: `/cases/${id}/signature`, headers: { cookie: who.cookie } });
    expect(check.body).toContain('Tidsstämpel väntar');

    tsaServer.faults.mode = 'ok';
    tb.clock.advance(61_000);
    await tb.t.services.housekeeping.runOnce();
    const stamped = await tb.t.app.inject({ url: `/cases/${id}`, headers: { cookie: who.cookie } });
    expect(stamped.body).toMatch(/data-timestamp="stamped">Undertecknad senast [^<]*\(tidsstämpel\)/);
    const checked = await tb.t.app.inject({ url: `/cases/${id}/signature`, headers: { cookie: who.cookie, accept: 'application/json' } });
    expect(checked.json()).toMatchObject({ checks: { timestamp: true }, timestamp: { state: 'stamped', ok: true } });
  });

  it('warns on /health/ready while timestamps have waited over an hour, and stops once they are stamped', async () => {
    tsaServer.faults.mode = 'down';
    await signByCard();
    await tb.t.services.timestamps.settled();
    const warnings = async () => (await tb.t.app.inject({ url: '/health/ready' })).json<{ warnings: string[] }>().warnings;
    expect(await warnings()).not.toContainEqual(expect.stringContaining('tsa:'));
    tb.clock.advance(3601_000);
    expect(await warnings()).toContain('tsa: 1 evidence timestamps pending for over an hour');
    tsaServer.faults.mode = 'ok';
    await tb.t.services.housekeeping.runOnce();
    expect(await warnings()).not.toContainEqual(expect.stringContaining('tsa:'));
  });
});
