/**
 * Card journeys in real Chromium: the browser presents a demo card's certificate (as Net iD
 * Client would) through Playwright's `clientCertificates`, over real TLS to the card-login
 * listener; the test PKI's OCSP responder answers; the simulated Net iD signer signs with
 * the card's signing key. Every page visited is scanned with axe.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildSigner } from '../../devtools/netid-signer/server.js';
import { ensureDemoPki, startOcspResponder, type DemoPki, type OcspResponder } from '../../devtools/test-pki/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { TEST_NOW } from '../support/app.js';
import { CARD_PEOPLE, freePort, signerCards } from '../support/card.js';
import { checkA11y, expectStatus, startE2E, withPage, type E2E } from './harness.js';
import { StartPage } from './pages.js';

let e2e: E2E;
let demo: DemoPki;
let ocsp: OcspResponder;
let signer: FastifyInstance | undefined;
let cardOrigin: string;
const dir = mkdtempSync(path.join(tmpdir(), 'kw-e2e-card-'));

beforeAll(async () => {
  const clock = new ManualClock(TEST_NOW);
  const ocspPort = await freePort();
  const cardPort = await freePort();
  cardOrigin = `https://localhost:${cardPort}`;
  demo = await ensureDemoPki(dir, { clock, ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`, people: CARD_PEOPLE, password: 'kundwebben' });
  // The responder answers on the portal's clock, so journeys that move time stay consistent.
  const portalClock = { now: () => (e2e ? e2e.app.clock.now() : clock.now()) };
  ocsp = await startOcspResponder(demo.pki, { port: ocspPort, clock: portalClock });
  let signerUrl = '';
  e2e = await startE2E({
    env: async (baseUrl) => {
      await signer?.close();
      signer = await buildSigner({
        portalUrl: baseUrl,
        signingCode: '123456',
        clock: portalClock,
        cards: signerCards(demo, (pnr) => CARD_PEOPLE.find((p) => p.personnummer === pnr)?.givenName ?? pnr),
      });
      signerUrl = await signer.listen({ host: '127.0.0.1', port: 0 });
      return {
        KW_CARD_ISSUERS_FILE: demo.issuersFile,
        KW_CARD_TLS_CERT: demo.tls.certPath,
        KW_CARD_TLS_KEY: demo.tls.keyPath,
        KW_CARD_PORT: String(cardPort),
        KW_CARD_PUBLIC_URL: cardOrigin,
        KW_CARD_SIGNER_URL: `${signerUrl}/netid/sign`,
      };
    },
  });
  await e2e.app.cardListener?.listen({ host: '127.0.0.1', port: cardPort });
  e2e.extraOrigins.push(cardOrigin, signerUrl);
}, 90_000);

afterAll(async () => {
  await e2e?.close();
  await signer?.close();
  await ocsp?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  e2e.app.clock.set(TEST_NOW);
});

function cardFiles(personnummer: string, usage: 'login' | 'signing' = 'login') {
  const card = demo.cards.find((c) => c.personnummer === personnummer);
  if (!card) throw new Error(`no demo card for ${personnummer}`);
  return [{ origin: cardOrigin, certPath: card[usage].certPath, keyPath: card[usage].keyPath }];
}

describe('card login in the browser', () => {
  test('log in with a Telia card: login page → card page → certificate → start page', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/login');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Logga in med ID-kort från Telia' }).click();
        await expect.poll(() => page.url()).toContain('/login/card');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Fortsätt till inloggning med ID-kort' }).click();
        // Tolvan acts for two companies: the login ends at the choice of company.
        await page.waitForURL('**/start/organisation');
        await checkA11y(page);
        await new StartPage(page).chooseOrganisation('Nordvik Försvarsteknik AB (556677-8899)');
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Välkommen, Tolvan Tolvansson');
        await checkA11y(page);
      },
      { clientCertificates: cardFiles('191212121212') },
    );
  });

  test('log in with a Skatteverket card once week 35 has come', async () => {
    e2e.app.clock.set('2027-08-30T08:00:00Z');
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/login');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Logga in med ID-kort från Skatteverket (AB Svenska Pass)' }).click();
        await checkA11y(page);
        await page.getByRole('link', { name: 'Fortsätt till inloggning med ID-kort' }).click();
        await page.waitForURL('**/start');
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Välkommen, Testa Testsson');
        await checkA11y(page);
      },
      { clientCertificates: cardFiles('198112289874') },
    );
  });

  test('choosing the signing certificate gets a specific, accessible explanation', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/login/card?method=telia_card');
        await checkA11y(page);
        expectStatus(page, 403);
        await page.getByRole('link', { name: 'Fortsätt till inloggning med ID-kort' }).click();
        await page.waitForURL('**/login/card/failed?code=signing_certificate_for_login');
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('Du valde certifikatet för underskrift');
        await checkA11y(page);
      },
      { clientCertificates: cardFiles('191212121212', 'signing') },
    );
  });

  test('a card that expires before week 35 is warned about on the start page', async () => {
    const card = await demo.pki.issueCard({
      issuer: 'telia',
      personnummer: '191212121212',
      givenName: 'Tolvan',
      surname: 'Tolvansson',
      notAfter: new Date('2027-02-01T00:00:00Z'),
    });
    const certPath = path.join(dir, 'expiring.pem');
    const keyPath = path.join(dir, 'expiring.key.pem');
    writeFileSync(certPath, card.auth.certPem);
    writeFileSync(keyPath, card.auth.keyPem);
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/login/card?method=telia_card');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Fortsätt till inloggning med ID-kort' }).click();
        await page.waitForURL('**/start/organisation');
        await checkA11y(page);
        await new StartPage(page).chooseOrganisation('Nordvik Försvarsteknik AB (556677-8899)');
        const warning = page.getByRole('region', { name: 'Ditt ID-kort går snart ut' });
        await expect.poll(() => warning.textContent()).toContain('1 februari 2027');
        await expect.poll(() => warning.textContent()).toContain('Det är innan inloggning med ID-kort från Skatteverket (AB Svenska Pass) införs');
        await checkA11y(page);
      },
      { clientCertificates: [{ origin: cardOrigin, certPath, keyPath }] },
    );
  });
});

describe('card signing in the browser', () => {
  test('review, open Net iD, sign with the signing code, and see the verified signature', async () => {
    await withPage(
      e2e,
      async ({ page, context }) => {
        await page.goto('/login/card?method=telia_card');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Fortsätt till inloggning med ID-kort' }).click();
        await page.waitForURL('**/start/organisation');
        await checkA11y(page);
        const request = await e2e.app.services.signing.create({
          personnummer: '191212121212',
          purpose: 'e2e',
          subject: 'KW-2026-0001',
          document: { case: 'KW-2026-0001', type: 'export_licence_military' },
          text: 'Ansökan om utförseltillstånd för krigsmateriel, KW-2026-0001',
          returnPath: '/start',
        });
        await page.goto(`/sign/${request.id}`);
        await checkA11y(page);
        await page.getByRole('button', { name: 'Underteckna med ID-kort' }).click();
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Underteckna med ID-kort');
        await checkA11y(page);
        const [netid] = await Promise.all([
          context.waitForEvent('page'),
          page.getByRole('link', { name: 'Öppna Net iD Client och underteckna' }).click(),
        ]);
        await netid.waitForLoadState();
        await checkA11y(netid);
        await netid.getByLabel('Kort i kortläsaren').selectOption('191212121212');
        await netid.getByLabel('Signeringskod').fill('123456');
        await netid.getByRole('button', { name: 'Underteckna' }).click();
        await expect.poll(() => netid.getByRole('status').textContent()).toContain('Kundwebben har tagit emot din underskrift');
        await checkA11y(netid);
        await netid.close();
        await page.getByRole('link', { name: 'Jag har undertecknat – visa resultatet' }).click();
        // Signed: on to where the request's purpose continues (here the start page).
        await page.waitForURL('**/start');
        await checkA11y(page);
        const evidence = await e2e.app.services.db.selectFrom('signature_evidence').select('id').where('request_id', '=', request.id).executeTakeFirstOrThrow();
        await page.goto(`/signatures/${evidence.id}`);
        await expect.poll(() => page.getByText('Underskriften är giltig').count()).toBe(1);
        await checkA11y(page);
      },
      { clientCertificates: cardFiles('191212121212') },
    );
  });
});
