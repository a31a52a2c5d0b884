/**
 * "Testa din e-legitimation" journeys in real Chromium (issue 17): the browser presents a
 * card's login certificate to the card listener's test mode (Playwright's
 * `clientCertificates`, over real TLS; the test PKI's OCSP responder answers), the simulated
 * Net iD signer makes the test signature, and the BankID test app identifies. Each journey
 * runs in Swedish and in English, scans every page with axe (and reflow), and shoots the
 * result page.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { buildSigner, type SignerCard } from '../../devtools/netid-signer/server.js';
import { ensureDemoPki, startOcspResponder, type DemoPki, type OcspResponder } from '../../devtools/test-pki/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { TEST_NOW } from '../support/app.js';
import { BANKID_PEOPLE } from '../support/bankid.js';
import { CARD_PEOPLE, freePort, signerCards } from '../support/card.js';
import { checkA11y, shoot, startE2E, withPage, type E2E } from './harness.js';

let e2e: E2E;
let demo: DemoPki;
let ocsp: OcspResponder;
let bankidServer: BankIdTestServer;
let signer: FastifyInstance | undefined;
let cardOrigin: string;
let ticker: ReturnType<typeof setInterval> | undefined;
const dir = mkdtempSync(path.join(tmpdir(), 'kw-e2e-selftest-'));

/** Cards made for these journeys: PEM files the browser presents. */
const extra: Record<'revoked' | 'shortTelia' | 'noSigning', { certPath: string; keyPath: string }> = {} as never;
const NO_SIGNING = '198001012387';
const signerList: SignerCard[] = [];

function writeCard(name: string, cert: { certPem: string; keyPem: string }) {
  const certPath = path.join(dir, `${name}.crt`);
  const keyPath = path.join(dir, `${name}.key`);
  writeFileSync(certPath, cert.certPem);
  writeFileSync(keyPath, cert.keyPem);
  return { certPath, keyPath };
}

beforeAll(async () => {
  const clock = new ManualClock(TEST_NOW);
  const ocspPort = await freePort();
  const cardPort = await freePort();
  cardOrigin = `https://localhost:${cardPort}`;
  demo = await ensureDemoPki(dir, { clock, ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`, people: CARD_PEOPLE, password: 'kundwebben' });
  const portalClock = { now: () => (e2e ? e2e.app.clock.now() : clock.now()) };
  ocsp = await startOcspResponder(demo.pki, { port: ocspPort, clock: portalClock });
  const bankidPki = await ensureBankIdTestPki(path.join(dir, 'bankid'), { clock: portalClock, people: BANKID_PEOPLE });
  bankidServer = await startBankIdTestServer({ pki: bankidPki.pki, people: BANKID_PEOPLE, clock: portalClock });

  // A revoked Telia card, a Telia card that ends before BankID starts, and a card whose signing is not activated.
  const revoked = await demo.pki.issueCard({ issuer: 'telia', personnummer: '197003034563', givenName: 'Sven', surname: 'Spärrsson' });
  demo.pki.revoke(revoked.auth.serialHex, { reason: 1 });
  extra.revoked = writeCard('revoked', revoked.auth);
  const shortTelia = await demo.pki.issueCard({ issuer: 'telia', personnummer: '196505051232', givenName: 'Karin', surname: 'Kortlivad', notAfter: new Date('2027-05-31T12:00:00Z') });
  extra.shortTelia = writeCard('short-telia', shortTelia.auth);
  const noSigning = await demo.pki.issueCard({ issuer: 'svenska_pass', personnummer: NO_SIGNING, givenName: 'Nils', surname: 'Nysson' });
  extra.noSigning = writeCard('no-signing', noSigning.auth);
  const noSigningSign = writeCard('no-signing-sign', noSigning.sign);
  signerList.push(...signerCards(demo, (pnr) => CARD_PEOPLE.find((p) => p.personnummer === pnr)?.givenName ?? pnr), {
    personnummer: NO_SIGNING,
    name: 'Nils Nysson',
    issuerName: 'svenska_pass',
    signingCertPath: noSigningSign.certPath,
    signingKeyPath: noSigningSign.keyPath,
    loginCertPath: extra.noSigning.certPath,
    loginKeyPath: extra.noSigning.keyPath,
    signingActivated: false,
  });

  let signerUrl = '';
  e2e = await startE2E({
    env: async (baseUrl) => {
      await signer?.close();
      signer = await buildSigner({ portalUrl: baseUrl, signingCode: '123456', clock: portalClock, cards: signerList });
      signerUrl = await signer.listen({ host: '127.0.0.1', port: 0 });
      return {
        KW_CARD_ISSUERS_FILE: demo.issuersFile,
        KW_CARD_TLS_CERT: demo.tls.certPath,
        KW_CARD_TLS_KEY: demo.tls.keyPath,
        KW_CARD_PORT: String(cardPort),
        KW_CARD_PUBLIC_URL: cardOrigin,
        KW_CARD_SIGNER_URL: `${signerUrl}/netid/sign`,
        KW_BANKID_URL: bankidServer.url,
        KW_BANKID_CA_FILE: bankidPki.files.serverCaPath,
        KW_BANKID_RP_CERT_FILE: bankidPki.files.rpCertPath,
        KW_BANKID_RP_KEY_FILE: bankidPki.files.rpKeyPath,
        KW_BANKID_USER_ROOTS_FILE: bankidPki.files.userRootPath,
        KW_BANKID_LAUNCH_URL: `${bankidServer.appUrl}/autostart`,
      };
    },
  });
  await e2e.app.cardListener?.listen({ host: '127.0.0.1', port: cardPort });
  e2e.extraOrigins.push(cardOrigin, signerUrl, bankidServer.appUrl);
}, 120_000);

afterAll(async () => {
  await e2e?.close();
  await signer?.close();
  await ocsp?.close();
  await bankidServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  if (ticker) clearInterval(ticker);
  e2e.app.clock.set(TEST_NOW);
});

const LANGS = [
  { lang: 'sv', locale: 'sv-SE', link: 'Testa din e-legitimation', cardButton: 'Testa inloggning med ID-kort', infoLink: 'Kundwebbinfo' },
  { lang: 'en', locale: 'en-GB', link: 'Test your e-ID', cardButton: 'Test login with ID card', infoLink: 'Kundwebbinfo' },
] as const;
type Lang = (typeof LANGS)[number];

function loginCard(personnummer: string) {
  const card = demo.cards.find((c) => c.personnummer === personnummer);
  if (!card) throw new Error(`no demo card for ${personnummer}`);
  return [{ origin: cardOrigin, certPath: card.login.certPath, keyPath: card.login.keyPath }];
}
const files = (f: { certPath: string; keyPath: string }) => [{ origin: cardOrigin, ...f }];

/** From Kundwebbinfo to the test page, by its link. */
async function openTestPage(page: Page, l: Lang) {
  await page.goto('/info');
  await checkA11y(page);
  await page.getByRole('link', { name: l.link }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(l.link);
  await checkA11y(page);
}

/** The card's login test: the certificate goes to the listener's test mode; the result comes back. */
async function cardTest(page: Page, l: Lang) {
  await openTestPage(page, l);
  await page.getByRole('link', { name: l.cardButton }).click();
  await page.waitForURL('**/testa-e-legitimation/kort/resultat**');
  await checkA11y(page);
  return page.locator('main');
}

describe('Testa din e-legitimation: card, login part', () => {
  for (const l of LANGS) {
    test(`a good Telia card (${l.lang})`, async () => {
      await withPage(
        e2e,
        async ({ page }) => {
          const main = await cardTest(page, l);
          const status = page.getByRole('status').first();
          await expect.poll(() => status.textContent()).toContain(l.lang === 'sv' ? 'Testet lyckades.' : 'The test succeeded.');
          const text = (await main.textContent()) ?? '';
          expect(text).toContain(l.lang === 'sv' ? 'ID-kort från Telia' : 'ID card from Telia');
          expect(text).toContain('XXXXXXXX-1212');
          expect(text).toContain(l.lang === 'sv' ? 'Inte spärrat' : 'Not revoked');
          expect(text).toContain(l.lang === 'sv' ? 'Fungerar redan i dag.' : 'Works already today.');
          expect(text).toContain(l.lang === 'sv' ? 'Du kan logga in med: ID-kort från Telia.' : 'You can log in with: ID card from Telia.');
          await shoot(page, `selftest-card-telia-${l.lang}`);
          // Nobody was logged in: the start page still asks for a login.
          await page.goto('/login');
          await checkA11y(page);
          await expect.poll(() => page.getByRole('link', { name: l.link }).count()).toBe(1);
        },
        { clientCertificates: loginCard('191212121212'), locale: l.locale },
      );
    });

    test(`a Skatteverket card before its method's start date (${l.lang})`, async () => {
      await withPage(
        e2e,
        async ({ page }) => {
          const main = await cardTest(page, l);
          const text = (await main.textContent()) ?? '';
          expect(text).toContain(l.lang === 'sv' ? 'Fungerar från vecka 35 2027' : 'Starts working in week 35 2027');
          expect(text).toContain(l.lang === 'sv' ? 'Kräver en ny version av Net iD Client' : 'Requires a new version of Net iD Client');
          expect(text).toContain(l.lang === 'sv' ? 'fungerar från vecka 35 2027' : 'starts working in week 35 2027');
          await shoot(page, `selftest-card-skatteverket-early-${l.lang}`);
        },
        { clientCertificates: loginCard('198112289874'), locale: l.locale },
      );
    });

    test(`a revoked card (${l.lang})`, async () => {
      await withPage(
        e2e,
        async ({ page }) => {
          await cardTest(page, l);
          await expect.poll(() => page.getByRole('alert').first().textContent()).toContain(l.lang === 'sv' ? 'Ditt ID-kort är spärrat' : 'revoked');
          const text = (await page.locator('main').textContent()) ?? '';
          expect(text).toContain(l.lang === 'sv' ? 'SpärrstatusSpärrat' : 'Revocation statusRevoked');
          await shoot(page, `selftest-card-revoked-${l.lang}`);
        },
        { clientCertificates: files(extra.revoked), locale: l.locale },
      );
    });

    test(`a Telia card that expires before BankID's start (${l.lang})`, async () => {
      await withPage(
        e2e,
        async ({ page }) => {
          await cardTest(page, l);
          const advice = page.locator('[data-advice="telia-before-bankid"]');
          await expect.poll(() => advice.textContent()).toContain(l.lang === 'sv' ? 'Ansök om ett ID-kort från Skatteverket redan nu' : 'Apply for an ID card from Skatteverket now');
          await shoot(page, `selftest-card-telia-before-bankid-${l.lang}`);
        },
        { clientCertificates: files(extra.shortTelia), locale: l.locale },
      );
    });
  }
});

describe('Testa din e-legitimation: card, signing part', () => {
  for (const l of LANGS) {
    test(`a card with signing not activated (${l.lang})`, async () => {
      await withPage(
        e2e,
        async ({ page, context }) => {
          await openTestPage(page, l);
          await page.getByRole('button', { name: l.lang === 'sv' ? 'Testa underskrift med ID-kort' : 'Test signing with ID card' }).click();
          await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(l.lang === 'sv' ? 'Testa underskrift med ID-kort' : 'Test signing with your ID card');
          await checkA11y(page);
          const [netid] = await Promise.all([
            context.waitForEvent('page'),
            page.getByRole('link', { name: l.lang === 'sv' ? 'Öppna Net iD Client och underteckna' : 'Open Net iD Client and sign' }).click(),
          ]);
          await netid.waitForLoadState();
          await checkA11y(netid);
          await netid.getByLabel('Kort i kortläsaren').selectOption(NO_SIGNING);
          await netid.getByRole('button', { name: 'Underteckna' }).click();
          await netid.waitForLoadState();
          await checkA11y(netid);
          await netid.close();
          await page.getByRole('link', { name: l.lang === 'sv' ? 'Jag har undertecknat – visa resultatet' : 'I have signed – show the result' }).click();
          await page.waitForURL('**/underskrift/resultat**');
          await checkA11y(page);
          const advice = page.locator('[data-advice="sign-not-activated"]');
          await expect.poll(() => advice.textContent()).toContain(l.lang === 'sv' ? 'Lås upp signering i Net iD Client.' : 'Unlock signing in Net iD Client.');
          const text = (await page.locator('main').textContent()) ?? '';
          expect(text).toContain(l.lang === 'sv' ? 'Underskrift aktiveradNej' : 'Signing activatedNo');
          expect(text).toContain(l.lang === 'sv' ? 'signeringskod' : 'signing code');
          expect(text).toContain(l.lang === 'sv' ? 'Fungerade inte: underskrift med ID-kort.' : 'Did not work: signing with ID card.');
          await shoot(page, `selftest-sign-not-activated-${l.lang}`);
        },
        { locale: l.locale },
      );
    });
  }

  test('a good card signs the test text, and the summary prints for the IT department', async () => {
    await withPage(
      e2e,
      async ({ page, context }) => {
        const l = LANGS[0];
        await cardTest(page, l);
        await page.getByRole('link', { name: 'Tillbaka till testsidan' }).click();
        await checkA11y(page);
        await page.getByRole('button', { name: 'Testa underskrift med ID-kort' }).click();
        await checkA11y(page);
        const [netid] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'Öppna Net iD Client och underteckna' }).click()]);
        await netid.waitForLoadState();
        await checkA11y(netid);
        await netid.getByLabel('Kort i kortläsaren').selectOption('191212121212');
        await netid.getByLabel('Signeringskod').fill('123456');
        await netid.getByRole('button', { name: 'Underteckna' }).click();
        await expect.poll(() => netid.getByRole('status').textContent()).toContain('Kundwebben har tagit emot din underskrift');
        await checkA11y(netid);
        await netid.close();
        await page.getByRole('link', { name: 'Jag har undertecknat – visa resultatet' }).click();
        await page.waitForURL('**/underskrift/resultat**');
        await checkA11y(page);
        const text = (await page.locator('main').textContent()) ?? '';
        expect(text).toContain('Kontrollerad: signaturen, certifikatkedjan och kontrollsumman stämmer');
        expect(text).toContain('Du kan logga in med: ID-kort från Telia.');
        expect(text).toContain('Du kan underteckna med: ID-kort från Telia.');
        await page.getByRole('link', { name: 'Tillbaka till testsidan' }).click();
        await checkA11y(page);
        await page.emulateMedia({ media: 'print' });
        await expect.poll(() => page.locator('.site-header').isVisible()).toBe(false);
        await expect.poll(() => page.getByRole('heading', { name: 'Sammanfattning' }).isVisible()).toBe(true);
        await shoot(page, 'selftest-summary-print');
        await page.emulateMedia({ media: 'screen' });
      },
      { clientCertificates: loginCard('191212121212') },
    );
  });
});

describe('Testa din e-legitimation: BankID', () => {
  for (const l of LANGS) {
    test(`a BankID test identification on another device (${l.lang})`, async () => {
      ticker = setInterval(() => e2e.app.clock.advance(1000), 1000);
      await withPage(
        e2e,
        async ({ page, context }) => {
          await page.goto('/login');
          await checkA11y(page);
          await page.getByRole('link', { name: l.link }).click();
          await checkA11y(page);
          await page.getByRole('button', { name: l.lang === 'sv' ? 'Testa BankID på en annan enhet (QR-kod)' : 'Test BankID on another device (QR code)' }).click();
          await page.waitForURL('**/bankid/wait');
          await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(l.lang === 'sv' ? 'Testa BankID' : 'Test BankID');
          await expect.poll(() => page.getByRole('img', { name: /QR/ }).isVisible()).toBe(true);
          await checkA11y(page);
          const app = await context.newPage();
          await app.goto(`${bankidServer.appUrl}/`);
          await checkA11y(app);
          await app.getByLabel('som').selectOption('197505121231');
          await app.getByRole('button', { name: 'Läs av QR-koden' }).click();
          await expect.poll(() => app.getByRole('button', { name: 'Legitimera' }).isVisible()).toBe(true);
          await checkA11y(app);
          await app.getByRole('button', { name: 'Legitimera' }).click();
          await expect.poll(() => app.getByRole('status').first().textContent()).toBeTruthy();
          await checkA11y(app);
          await app.close();
          await page.waitForURL('**/testa-e-legitimation/bankid/resultat', { timeout: 20_000 });
          await checkA11y(page);
          await expect.poll(() => page.getByRole('status').first().textContent()).toContain(
            l.lang === 'sv' ? 'Providentifieringen med BankID fungerade.' : 'The test identification with BankID worked.',
          );
          const text = (await page.locator('main').textContent()) ?? '';
          expect(text).toContain('Okänd Bankidsson');
          // BankID's completion data says when this BankID was issued; the page shows it.
          expect(text).toMatch(l.lang === 'sv' ? /BankID utfärdat\s*\d{1,2} [a-zåäö]+ \d{4}/ : /BankID issued\s*\d{1,2} [A-Za-z]+ \d{4}/);
          expect(text).toContain(l.lang === 'sv' ? 'BankID införs i Kundwebben i mitten av september 2027' : 'BankID is introduced in Kundwebben in mid-September 2027');
          await shoot(page, `selftest-bankid-${l.lang}`);
        },
        { locale: l.locale },
      );
    });
  }
});
