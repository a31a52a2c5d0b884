/**
 * Cases journeys in real Chromium: a company user fills in a case step by step (with a
 * validation error on the way), attaches a PDF, reviews, submits and signs it with BankID
 * (through the BankID test app) or with the card (a client certificate for login, the
 * simulated Net iD signer for the signature), downloads the receipt and checks the
 * signature; a case officer takes, answers and closes a case while the company user reads
 * and answers; and stored markup never runs. One portal with both BankID and the card
 * configured serves every journey; every page visited is scanned with axe.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { buildSigner } from '../../devtools/netid-signer/server.js';
import { ensureDemoPki, startOcspResponder, type DemoPki, type OcspResponder } from '../../devtools/test-pki/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { TEST_NOW } from '../support/app.js';
import { BANKID_PEOPLE } from '../support/bankid.js';
import { CARD_PEOPLE, freePort, signerCards } from '../support/card.js';
import { checkA11y, expectStatus, shoot, startE2E, withPage, type E2E } from './harness.js';
import { StartPage } from './pages.js';

const TESTA = '198112289874'; // Nordvik only
const TOLVAN = '191212121212'; // Nordvik and Skärgården; has a Telia card
const HEDDA = '196408231238'; // staff: case officer
const NORDVIK = 'Nordvik Försvarsteknik AB (556677-8899)';
const CASE_NUMBER = /KW-2026-\d{6}/;

/** A small PDF that passes the content check; `tag` makes each one distinct (attachments are stored by SHA-256). */
function pdf(tag: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
}
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const grouped = (hex: string): string => hex.match(/.{1,4}/g)?.join(' ') ?? hex;

let e2e: E2E;
let bankid: BankIdTestServer | undefined;
let ocsp: OcspResponder | undefined;
let signer: FastifyInstance | undefined;
let demo: DemoPki;
let cardOrigin: string;
let ticker: ReturnType<typeof setInterval> | undefined;
const dir = mkdtempSync(path.join(tmpdir(), 'kw-e2e-cases-'));

beforeAll(async () => {
  const pkiClock = new ManualClock(TEST_NOW);
  const clock = { now: () => (e2e ? e2e.app.clock.now() : pkiClock.now()) };
  // BankID: the RP API test server and its test app.
  const bankidPki = await ensureBankIdTestPki(path.join(dir, 'bankid'), { clock, people: BANKID_PEOPLE });
  const server = await startBankIdTestServer({ pki: bankidPki.pki, people: BANKID_PEOPLE, clock });
  bankid = server;
  // The card: demo cards, their OCSP responder, and the simulated Net iD signer.
  const ocspPort = await freePort();
  const cardPort = await freePort();
  cardOrigin = `https://localhost:${cardPort}`;
  demo = await ensureDemoPki(path.join(dir, 'card'), { clock: pkiClock, ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`, people: CARD_PEOPLE, password: 'kundwebben' });
  ocsp = await startOcspResponder(demo.pki, { port: ocspPort, clock });
  let signerUrl = '';
  e2e = await startE2E({
    env: async (baseUrl) => {
      await signer?.close();
      signer = await buildSigner({
        portalUrl: baseUrl,
        signingCode: '123456',
        clock,
        cards: signerCards(demo, (pnr) => CARD_PEOPLE.find((p) => p.personnummer === pnr)?.givenName ?? pnr),
      });
      signerUrl = await signer.listen({ host: '127.0.0.1', port: 0 });
      return {
        KW_BANKID_URL: server.url,
        KW_BANKID_CA_FILE: bankidPki.files.serverCaPath,
        KW_BANKID_RP_CERT_FILE: bankidPki.files.rpCertPath,
        KW_BANKID_RP_KEY_FILE: bankidPki.files.rpKeyPath,
        KW_BANKID_USER_ROOTS_FILE: bankidPki.files.userRootPath,
        KW_BANKID_LAUNCH_URL: `${server.appUrl}/autostart`,
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
  // BankID is planned for 2027; these journeys run after it came.
  await e2e.app.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
  e2e.extraOrigins.push(server.appUrl, cardOrigin, signerUrl);
}, 90_000);

afterAll(async () => {
  await e2e?.close();
  await signer?.close();
  await ocsp?.close();
  await bankid?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  if (ticker) clearInterval(ticker);
  ticker = undefined;
  e2e.app.clock.set(TEST_NOW);
});

/** Lets the portal's clock follow real time, so the BankID waiting page's polls reach BankID. */
function tick(): void {
  ticker = setInterval(() => e2e.app.clock.advance(1000), 1000);
}

// ---------------------------------------------------------------------------------------
// What a user reads
// ---------------------------------------------------------------------------------------

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

async function h1(page: Page): Promise<string> {
  return squash((await page.getByRole('heading', { level: 1 }).textContent()) ?? '');
}

/** The term → definition pairs of the description lists in `scope`, as read aloud. */
async function described(scope: Locator): Promise<Record<string, string>> {
  const terms = (await scope.getByRole('term').allInnerTexts()).map(squash);
  const definitions = (await scope.getByRole('definition').allInnerTexts()).map(squash);
  expect(definitions).toHaveLength(terms.length);
  return Object.fromEntries(terms.map((term, i) => [term, definitions[i] ?? '']));
}

/** The text a screen reader announces as the control's description (aria-describedby). */
async function descriptionOf(control: Locator): Promise<string> {
  return control.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

/** The page's status message in main (the session timer has its own status outside main). */
async function notice(page: Page): Promise<string> {
  return squash((await page.getByRole('main').getByRole('status').textContent()) ?? '');
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === document.activeElement);
}

/** Text of a PDF as a text-only reader gets it. */
async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  try {
    let text = '';
    for (let n = 1; n <= doc.numPages; n++) {
      const { items } = await (await doc.getPage(n)).getTextContent();
      for (const item of items) if ('str' in item) text += item.str + (item.hasEOL ? '\n' : ' ');
    }
    return text;
  } finally {
    await doc.destroy();
  }
}

// ---------------------------------------------------------------------------------------
// Steps of the journeys
// ---------------------------------------------------------------------------------------

/** From the case list, creates a case of type `typeName` and lands on its first step. */
async function createCase(page: Page, typeName: string): Promise<string> {
  await page.goto('/cases');
  expect(await h1(page)).toBe('Ärenden');
  await checkA11y(page);
  await page.getByRole('link', { name: 'Skapa nytt ärende' }).click();
  await page.waitForURL('**/cases/new');
  await checkA11y(page);
  await page.getByRole('radio', { name: typeName, exact: true }).check();
  await page.getByRole('button', { name: 'Skapa', exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}\/steps\//);
  await checkA11y(page);
  return /\/cases\/([0-9a-f-]{36})\//.exec(page.url())?.[1] ?? '';
}

/** Presses "Nästa steg" and waits for the step called `nextTitle`. */
async function nextStep(page: Page, nextTitle: string): Promise<void> {
  await page.getByRole('button', { name: 'Nästa steg' }).click();
  await expect.poll(() => h1(page)).toBe(nextTitle);
  await checkA11y(page);
}

/** A text box or list of a case step, found by its label ("Ämne (obligatoriskt)"). */
function field(scope: Page | Locator, label: string): Locator {
  return scope.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(obligatoriskt\\))?$`));
}

/** Uploads `bytes` as `name` on the attachments step and returns the table row of the file. */
async function upload(page: Page, name: string, bytes: Buffer): Promise<Locator> {
  await page.getByLabel('Välj fil').setInputFiles({ name, mimeType: 'application/pdf', buffer: bytes });
  await page.getByRole('button', { name: 'Ladda upp' }).click();
  await expect.poll(() => notice(page)).toBe(`Filen ${name} är uppladdad.`);
  // The page opens on what the upload led to: the notice has the focus, not the top of the page.
  await expect.poll(() => isFocused(page.getByRole('main').getByRole('status'))).toBe(true);
  await checkA11y(page);
  return page.getByRole('table', { name: 'Bilagor' }).getByRole('row').filter({ has: page.getByRole('link', { name }) });
}

/** From the attachments step to the review page. */
async function toReview(page: Page): Promise<void> {
  // The step list also leads to the review; the primary button is the last of the two. Both
  // are buttons of the upload form, so a chosen file would be uploaded on the way.
  await page.getByRole('main').getByRole('button', { name: 'Granska och underteckna' }).last().click();
  await page.waitForURL('**/review');
  expect(await h1(page)).toBe('Granska och underteckna');
  await checkA11y(page);
}

/** On the review: what is signed is shown there, with a button per way to sign. */
async function submit(page: Page, subject: string): Promise<void> {
  const what = page.getByRole('region', { name: 'Det här undertecknar du' });
  expect(squash(await what.innerText())).toContain(subject);
  const methods = page.getByRole('region', { name: 'Välj hur du vill underteckna' });
  expect(await methods.getByRole('button').allInnerTexts()).toEqual([
    'Underteckna med BankID på den här enheten',
    'Underteckna med Mobilt BankID på en annan enhet',
    'Underteckna med ID-kort',
  ]);
}

/** Signs from the review with BankID on another device: the test app scans the QR code. */
async function signWithBankId(page: Page, context: BrowserContext, personnummer: string): Promise<void> {
  tick();
  await page.getByRole('button', { name: 'Underteckna med Mobilt BankID på en annan enhet' }).click();
  await page.waitForURL('**/bankid/wait');
  await expect.poll(() => page.getByRole('img', { name: /QR-kod för BankID/ }).isVisible()).toBe(true);
  await checkA11y(page);
  const app = await context.newPage();
  await app.goto(`${bankid?.appUrl ?? ''}/`);
  await checkA11y(app);
  await app.getByLabel('som').selectOption(personnummer);
  await app.getByRole('button', { name: 'Läs av QR-koden' }).click();
  await expect.poll(() => app.getByRole('button', { name: 'Skriv under' }).isVisible()).toBe(true);
  // The app shows what the portal asked to be signed.
  expect(squash(await app.getByRole('main').innerText())).toContain('Jag skickar in ärendet');
  await checkA11y(app);
  await app.getByRole('button', { name: 'Skriv under' }).click();
  await expect.poll(() => app.getByRole('status').first().textContent()).toBeTruthy();
  await checkA11y(app);
  await app.close();
  // One step from the signature: the confirmation.
  await expect.poll(() => h1(page), { timeout: 20_000 }).toBe('Ärendet är inskickat');
}

/** Opens the card's page from the review: what Net iD will show, and the button that opens it. */
async function openCardSigning(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Underteckna med ID-kort' }).click();
  await expect.poll(() => h1(page)).toBe('Underteckna med ID-kort');
  await checkA11y(page);
}

/** Signs from the review with the card through the simulated Net iD Client. */
async function signWithCard(page: Page, context: BrowserContext, personnummer: string): Promise<void> {
  await openCardSigning(page);
  const [netid] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('link', { name: 'Öppna Net iD Client och underteckna' }).click(),
  ]);
  await netid.waitForLoadState();
  expect(squash(await netid.locator('body').innerText())).toContain('Jag skickar in ärendet');
  await checkA11y(netid);
  await netid.getByLabel('Kort i kortläsaren').selectOption(personnummer);
  await netid.getByLabel('Signeringskod').fill('123456');
  await netid.getByRole('button', { name: 'Underteckna' }).click();
  await expect.poll(() => netid.getByRole('status').textContent()).toContain('Kundwebben har tagit emot din underskrift');
  await checkA11y(netid);
  await netid.close();
  await page.getByRole('link', { name: 'Jag har undertecknat – visa resultatet' }).click();
  await expect.poll(() => h1(page)).toBe('Ärendet är inskickat');
}

/**
 * On the confirmation: the case number, the facts, what happens next, the receipt and the
 * check; then on to the submitted case. Returns the case number.
 */
async function continueToCase(page: Page, title: string): Promise<string> {
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}\/submitted$/);
  await checkA11y(page);
  expect(squash(await page.getByRole('status').filter({ hasText: 'Ärendenummer:' }).innerText())).toMatch(/^Ärendenummer: KW-\d{4}-\d{6}$/);
  const facts = await described(page.getByRole('main').locator('dl.facts'));
  expect(facts['Ärende']).toBe(title);
  expect(facts['Organisation']).toBe(NORDVIK);
  expect(facts['Inskickat']).toMatch(/^\d{1,2} [a-zåäö]+ \d{4} kl\. \d{2}:\d{2}$/);
  expect(await page.getByRole('region', { name: 'Vad händer nu?' }).getByRole('listitem').count()).toBe(3);
  expect(await page.getByRole('link', { name: 'Ladda ner kvitto (PDF)' }).count()).toBe(1);
  expect(await page.getByRole('link', { name: 'Kontrollera underskriften' }).count()).toBe(1);
  await shoot(page, 'case-submitted-confirmation');
  await page.getByRole('link', { name: 'Gå till ärendet' }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  expect(await h1(page)).toBe(title);
  await checkA11y(page);
  const caseFacts = await described(page.getByRole('main').locator('dl.facts'));
  expect(caseFacts['Ärendenummer']).toMatch(CASE_NUMBER);
  expect(caseFacts['Status']).toBe('Inskickat');
  expect(caseFacts['Organisation']).toBe(NORDVIK);
  return caseFacts['Ärendenummer'] ?? '';
}

/** Opens "Kontrollera underskriften" and expects the signature to hold for this case. */
async function checkSignature(page: Page, caseNumber: string, method: string): Promise<void> {
  await page.getByRole('link', { name: 'Kontrollera underskriften' }).click();
  await page.waitForURL('**/signature');
  expect(await h1(page)).toBe('Ärendets underskrift');
  expect(await notice(page)).toBe('Underskriften är giltig och gäller exakt det inskickade ärendet.');
  const facts = await described(page.getByRole('main'));
  expect(facts['Ärendenummer']).toBe(caseNumber);
  expect(facts['Sätt']).toBe(method);
  const checks = (await page.getByRole('main').getByRole('listitem').allInnerTexts()).map(squash);
  expect(checks.length).toBeGreaterThan(0);
  for (const check of checks) expect(check).toMatch(/: Ja$/);
  await checkA11y(page);
}

/** Downloads the receipt through its link and returns the PDF. */
async function downloadReceipt(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Ladda ner kvitto (PDF)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^kvitto-KW-2026-\d{6}\.pdf$/);
  return readFileSync(await download.path());
}

// ---------------------------------------------------------------------------------------
// Journeys
// ---------------------------------------------------------------------------------------

describe('a company user files a case in the browser', () => {
  test('"Övrigt ärende": an error on the way, a PDF, review, BankID signature, receipt and signature check', async () => {
    const subject = 'Fråga om omklassning av mörkersikte';
    const body = 'Hej!\nVi undrar om mörkersiktet fortfarande räknas som ML5.';
    const file = pdf('underlag');
    await withPage(
      e2e,
      async ({ page, context }) => {
        await createCase(page, 'Övrigt ärende');
        expect(await h1(page)).toBe('Ärendet');
        expect(squash(await page.locator('.kicker').innerText())).toBe('Övrigt ärende · Steg 1 av 3');

        // The subject is left empty: nothing is saved, the summary and the field say why.
        await field(page, 'Beskrivning').fill(body);
        expectStatus(page, 422);
        await page.getByRole('button', { name: 'Nästa steg' }).click();
        const summary = page.getByRole('alert', { name: 'Rätta följande innan du går vidare:' });
        await expect.poll(() => summary.isVisible()).toBe(true);
        expect(squash(await summary.innerText())).toContain('Inget har sparats.');
        const subjectBox = page.getByRole('textbox', { name: 'Ämne (obligatoriskt)' });
        expect(await subjectBox.getAttribute('aria-invalid')).toBe('true');
        expect(await descriptionOf(subjectBox)).toBe('Fyll i fältet.');
        // What was typed is kept.
        expect(await field(page, 'Beskrivning').inputValue()).toBe(body);
        await checkA11y(page);
        // The summary's link leads to the field.
        const link = summary.getByRole('link', { name: 'Ämne: Fyll i fältet.' });
        await link.click();
        expect(new URL(page.url()).hash).toBe('#f-subject');
        expect(await isFocused(subjectBox)).toBe(true);
        await subjectBox.fill(subject);

        await nextStep(page, 'Bilagor');
        expect(squash(await page.locator('.kicker').innerText())).toBe('Övrigt ärende · Steg 2 av 3');
        expect(await page.getByRole('main').getByText('Inga bilagor.').count()).toBe(1);
        const row = await upload(page, 'underlag.pdf', file);
        expect(squash(await row.innerText())).toContain(grouped(sha256(file)));

        await toReview(page);
        const facts = await described(page.getByRole('main').locator('dl.facts').first());
        expect(facts).toMatchObject({ Ärendetyp: 'Övrigt ärende', Organisation: NORDVIK });
        expect(await described(page.getByRole('region', { name: 'Ärendet' }))).toEqual({ Ämne: subject, Beskrivning: squash(body) });
        const attachments = page.getByRole('region', { name: 'Bilagor' }).first();
        expect(squash(await attachments.innerText())).toContain('underlag.pdf');
        expect(squash(await attachments.innerText())).toContain(grouped(sha256(file)));
        // The body keeps its line break as the reader typed it.
        expect(await page.getByRole('region', { name: 'Ärendet' }).getByRole('definition').nth(1).innerText()).toBe(body);

        await submit(page, subject);
        await signWithBankId(page, context, TESTA);
        const caseNumber = await continueToCase(page, `Övrigt ärende – ${subject}`);
        const facts2 = await described(page.getByRole('main').locator('dl.facts'));
        expect(facts2['Undertecknat av']).toBe('Testa Testsson – BankID');

        const receipt = await pdfText(await downloadReceipt(page));
        const flat = squash(receipt);
        const dense = receipt.replace(/\s+/g, '');
        expect(flat).toContain(caseNumber);
        expect(flat).toContain(subject);
        expect(flat).toContain('Testa Testsson');
        expect(flat).toContain('BankID');
        expect(dense).toContain(sha256(file));

        await checkSignature(page, caseNumber, 'BankID');
      },
      { loginAs: TESTA },
    );
  });

  test('export licence for military equipment with product rows, signed with the card', async () => {
    const card = demo.cards.find((c) => c.personnummer === TOLVAN);
    if (!card) throw new Error('no demo card for Tolvan');
    const file = pdf('slutanvändarintyg');
    await withPage(
      e2e,
      async ({ page, context }) => {
        // Log in with the card, then act for Nordvik (Tolvan belongs to two organisations).
        await page.goto('/login/card?method=telia_card');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Fortsätt till inloggning med ID-kort' }).click();
        // Two companies: the login ends at the choice of company, none chosen in advance.
        await page.waitForURL('**/start/organisation');
        await checkA11y(page);
        await new StartPage(page).chooseOrganisation(NORDVIK);
        await checkA11y(page);

        await createCase(page, 'Ansökan om utförseltillstånd – krigsmateriel');
        expect(await h1(page)).toBe('Sökande och kontaktperson');
        await field(page, 'Kontaktperson').fill('Tolvan Tolvansson');
        await field(page, 'Telefonnummer').fill('08-123 456 78');
        await field(page, 'E-postadress').fill('tolvan@nordvik.example');
        await field(page, 'Er referens').fill('NV-2026-17');
        await nextStep(page, 'Produkter');

        const products = page.getByRole('group', { name: 'Produkter (obligatoriskt)' });
        expect(squash(await products.innerText())).toContain('Inga rader ännu.');
        await page.getByRole('button', { name: 'Lägg till produkt', exact: true }).click();
        const row = page.getByRole('group', { name: 'Produkt 1', exact: true });
        await expect.poll(() => row.isVisible()).toBe(true);
        // The new row's first field is where the page lands.
        expect(new URL(page.url()).hash).toBe('#f-products-0-description');
        await checkA11y(page);
        await field(row, 'Beskrivning').fill('Mörkersikte NV-7');
        await field(row, 'Kategori i EU:s gemensamma förteckning över krigsmateriel (ML)').selectOption('ML5');
        await field(row, 'Antal').fill('tio');
        await field(row, 'Värde per styck').fill('12 500,00');
        await field(row, 'Valuta').selectOption('SEK');
        expectStatus(page, 422);
        await page.getByRole('button', { name: 'Nästa steg' }).click();
        const summary = page.getByRole('alert', { name: 'Rätta följande innan du går vidare:' });
        await expect.poll(() => summary.isVisible()).toBe(true);
        expect(await summary.getByRole('link').allInnerTexts()).toEqual(['Produkt 1 – Antal: Skriv ett heltal med siffror, till exempel 250.']);
        const quantity = field(page.getByRole('group', { name: 'Produkt 1', exact: true }), 'Antal');
        expect(await quantity.getAttribute('aria-invalid')).toBe('true');
        expect(await descriptionOf(quantity)).toBe('Skriv ett heltal med siffror, till exempel 250.');
        await checkA11y(page);
        await quantity.fill('10');
        await nextStep(page, 'Mottagare och slutanvändare');

        await field(page, 'Mottagarens namn').fill('Forsvarets logistikkorganisasjon');
        await field(page, 'Mottagarens adress').fill('Postboks 800\n2617 Lillehammer');
        await field(page, 'Mottagarens land').selectOption('NO');
        await field(page, 'Slutanvändarens namn').fill('Forsvaret');
        await field(page, 'Slutanvändarens adress').fill('Postboks 800 Postmottak\n2617 Lillehammer');
        await field(page, 'Slutanvändarens land').selectOption('NO');
        await field(page, 'Typ av slutanvändare').selectOption({ label: 'Försvarsmakt' });
        // Leaving by the step list saves what was typed (it was a link that dropped it).
        await page.getByRole('navigation', { name: 'Steg i ärendet' }).getByRole('button', { name: 'Destination och användning' }).click();
        await expect.poll(() => h1(page)).toBe('Destination och användning');
        await checkA11y(page);

        await field(page, 'Slutligt destinationsland').selectOption('NO');
        await field(page, 'Angiven slutanvändning').fill('Utbildning av förband.');
        await field(page, 'Kontrakt eller order (referens)').fill('FLO-2026-0042');
        const date = field(page, 'Kontraktets eller orderns datum');
        expect(await descriptionOf(date)).toBe('Skriv datumet som ÅÅÅÅ-MM-DD.');
        await date.fill('2026-10-15');
        // Enter in a text field goes on to the next step, like "Nästa steg" (it pressed
        // "Föregående steg", the form's first button, and on the consignee step "Fyll i").
        await date.press('Enter');
        await expect.poll(() => h1(page)).toBe('Bilagor');
        await checkA11y(page);
        expect(squash(await page.getByRole('main').innerText())).toContain('Minst en bilaga krävs.');
        const fileRow = await upload(page, 'slutanvändarintyg.pdf', file);
        expect(squash(await fileRow.innerText())).toContain(grouped(sha256(file)));

        await toReview(page);
        expect(await described(page.getByRole('region', { name: 'Sökande och kontaktperson' }))).toEqual({
          Kontaktperson: 'Tolvan Tolvansson',
          Telefonnummer: '+46812345678',
          'E-postadress': 'tolvan@nordvik.example',
          'Er referens': 'NV-2026-17',
        });
        expect(await described(page.getByRole('region', { name: 'Produkter' }))).toEqual({
          'Produkt 1 – Beskrivning': 'Mörkersikte NV-7',
          'Produkt 1 – Kategori i EU:s gemensamma förteckning över krigsmateriel (ML)': 'ML5 – Eldlednings-, övervaknings- och varningsutrustning samt motmedel',
          'Produkt 1 – Antal': '10',
          'Produkt 1 – Värde per styck': '12 500,00 SEK',
          'Produkt 1 – Valuta': 'SEK',
        });
        expect(await described(page.getByRole('region', { name: 'Mottagare och slutanvändare' }))).toEqual({
          'Mottagarens namn': 'Forsvarets logistikkorganisasjon',
          'Mottagarens adress': 'Postboks 800 2617 Lillehammer',
          'Mottagarens land': 'Norge (NO)',
          'Slutanvändarens namn': 'Forsvaret',
          'Slutanvändarens adress': 'Postboks 800 Postmottak 2617 Lillehammer',
          'Slutanvändarens land': 'Norge (NO)',
          'Typ av slutanvändare': 'Försvarsmakt',
          'Mellanhänder (namn, adress och land för var och en)': '–',
        });
        expect(await described(page.getByRole('region', { name: 'Destination och användning' }))).toEqual({
          'Slutligt destinationsland': 'Norge (NO)',
          'Angiven slutanvändning': 'Utbildning av förband.',
          'Kontrakt eller order (referens)': 'FLO-2026-0042',
          'Kontraktets eller orderns datum': '15 oktober 2026', // typed 2026-10-15, shown in the one display format
        });
        expect(squash(await page.getByRole('region', { name: 'Bilagor' }).first().innerText())).toContain(grouped(sha256(file)));

        await submit(page, 'Forsvarets logistikkorganisasjon');
        await signWithCard(page, context, TOLVAN);
        const caseNumber = await continueToCase(page, 'Ansökan om utförseltillstånd – krigsmateriel – Forsvarets logistikkorganisasjon');
        expect((await described(page.getByRole('main').locator('dl.facts')))['Undertecknat av']).toBe('Tolvan Tolvansson – ID-kort från Telia');

        const receipt = await pdfText(await downloadReceipt(page));
        expect(squash(receipt)).toContain(caseNumber);
        expect(squash(receipt)).toContain('Mörkersikte NV-7');
        expect(squash(receipt)).toContain('ID-kort från Telia');
        expect(receipt.replace(/\s+/g, '')).toContain(sha256(file));

        await checkSignature(page, caseNumber, 'ID-kort från Telia');
      },
      { clientCertificates: [{ origin: cardOrigin, certPath: card.login.certPath, keyPath: card.login.keyPath }] },
    );
  });
});

// ---------------------------------------------------------------------------------------
// A submitted case to start from, made over HTTP (the filing journeys above cover the pages)
// ---------------------------------------------------------------------------------------

/** Files and signs an "Övrigt ärende" for Nordvik as Testa, without a browser. */
async function submittedCase(subject: string): Promise<{ id: string; caseNumber: string }> {
  const { app, services } = e2e.app;
  const who = await e2e.app.loginAs(TESTA);
  const post = (url: string, fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
    });
  const created = await post('/cases', { type: 'other_case' });
  const id = /^\/cases\/([0-9a-f-]{36})\//.exec(String(created.headers.location))?.[1] ?? '';
  const revision = String((await services.cases.find(id))?.revision);
  expect((await post(`/cases/${id}/steps/case`, { revision, _action: 'next', subject, body: 'Se bifogat.' })).statusCode).toBe(303);
  const review = await app.inject({ method: 'GET', url: `/cases/${id}/review`, headers: { cookie: who.cookie } });
  const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
  const submitted = await post(`/cases/${id}/submit`, { digest });
  const signId = /^\/sign\/([A-Za-z0-9_-]{32})$/.exec(String(submitted.headers.location))?.[1] ?? '';
  await completeSignature(signId, TESTA, 'Testa Testsson');
  const caseNumber = (await services.cases.find(id))?.case_number ?? '';
  expect(caseNumber).toMatch(CASE_NUMBER);
  return { id, caseNumber };
}

/** Completes a sign request as a signing method would after a valid signature. */
async function completeSignature(signId: string, personnummer: string, name: string): Promise<void> {
  const { services, clock } = e2e.app;
  const request = await services.signing.find(signId);
  if (!request) throw new Error(`no sign request ${signId}`);
  await services.signing.complete(request, {
    method: 'bankid',
    signerPersonnummer: personnummer,
    signerName: name,
    signedAt: clock.now(),
    evidence: { format: 'test' },
  });
}

/** The messages of the case page, as their texts in order. */
async function messagesOn(page: Page): Promise<string[]> {
  const list = page.getByRole('region', { name: 'Meddelanden i ärendet' }).getByRole('listitem');
  return (await list.allInnerTexts()).map(squash);
}

describe('messages between a case officer and the company', () => {
  test('the officer takes the case and asks; the company sees it unread, reads and answers; once closed no more messages', async () => {
    const subject = 'Komplettering behövs?';
    const { caseNumber } = await submittedCase(subject);
    const title = `Övrigt ärende – ${subject}`;
    const question = 'Vi behöver slutanvändarintyget.';
    const answer = 'Här är intyget.';
    const certificate = pdf('intyg');

    async function openFromOfficerList(page: Page): Promise<void> {
      await page.goto('/officer/cases');
      expect(await h1(page)).toBe('Inkomna ärenden');
      await checkA11y(page);
      const row = page.getByRole('table', { name: 'Inkomna ärenden' }).getByRole('row').filter({ hasText: subject });
      expect(squash(await row.innerText())).toContain(NORDVIK);
      await row.getByRole('link', { name: caseNumber }).click();
      await expect.poll(() => h1(page)).toBe(title);
      await checkA11y(page);
    }

    await withPage(
      e2e,
      async ({ page }) => {
        await openFromOfficerList(page);
        // The officer's view: the case first, then the conversation and the reply.
        const main = await page.getByRole('main').innerText();
        expect(main.indexOf('Uppgifter\n')).toBeGreaterThan(-1);
        expect(main.indexOf('Uppgifter\n')).toBeLessThan(main.indexOf('Meddelanden i ärendet'));
        const actions = page.getByRole('region', { name: 'Handläggning' });
        await actions.getByRole('button', { name: 'Ta ärendet (under handläggning)' }).click();
        await expect.poll(() => notice(page)).toBe('Du har tagit ärendet. Det är nu under handläggning.');
        const facts = await described(page.getByRole('main').locator('dl.facts'));
        expect(facts).toMatchObject({ Status: 'Under handläggning', Handläggare: 'Hedda Handläggare' });
        await checkA11y(page);
        await shoot(page, 'officer-case');
        // Taken, the case can only be closed, which asks first (a link to the confirmation).
        expect(await actions.getByRole('button').count()).toBe(0);
        expect(await actions.getByRole('link').allInnerTexts()).toEqual(['Avsluta ärendet']);

        await page.getByRole('textbox', { name: 'Meddelande' }).fill(question);
        await page.getByRole('button', { name: 'Skicka meddelandet' }).click();
        await expect.poll(() => notice(page)).toBe('Meddelandet är skickat.');
        const messages = await messagesOn(page);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain(question);
        expect(messages[0]).toContain('(Hedda Handläggare)');
        await checkA11y(page);
      },
      { loginAs: HEDDA },
    );

    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/cases');
        await checkA11y(page);
        const submitted = page.getByRole('table', { name: 'Inskickade ärenden' });
        const row = submitted.getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
        expect(squash(await row.innerText())).toContain('1 oläst meddelande');
        await row.getByRole('link', { name: title }).click();
        await expect.poll(() => h1(page)).toBe(title);
        await checkA11y(page);
        expect((await described(page.getByRole('main').locator('dl.facts')))['Status']).toBe('Under handläggning');
        const [first] = await messagesOn(page);
        expect(first).toMatch(/^Nytt /);
        expect(first).toContain(question);
        // The officer's name is for staff; the company sees the agency.
        expect(first).not.toContain('Hedda');

        // The answer comes a minute later (messages of the same instant have no defined order).
        e2e.app.clock.advance(60_000);
        await page.getByRole('textbox', { name: 'Meddelande' }).fill(answer);
        await page.getByLabel('Bifoga en fil (frivilligt)').setInputFiles({ name: 'intyg.pdf', mimeType: 'application/pdf', buffer: certificate });
        await page.getByRole('button', { name: 'Skicka meddelandet' }).click();
        await expect.poll(() => notice(page)).toBe('Meddelandet är skickat.');
        const messages = await messagesOn(page);
        expect(messages).toHaveLength(2);
        expect(messages[0]).not.toMatch(/^Nytt /);
        expect(messages[1]).toContain(answer);
        expect(messages[1]).toContain('Från Testa Testsson');
        expect(messages[1]).toContain(sha256(certificate));
        await checkA11y(page);

        // Read now: the list no longer counts it.
        await page.goto('/cases');
        const rowAfter = page.getByRole('table', { name: 'Inskickade ärenden' }).getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
        expect(squash(await rowAfter.innerText())).not.toContain('oläst');
        await checkA11y(page);
      },
      { loginAs: TESTA },
    );

    await withPage(
      e2e,
      async ({ page }) => {
        await openFromOfficerList(page);
        expect((await messagesOn(page))[1]).toContain(answer);
        await page.getByRole('region', { name: 'Handläggning' }).getByRole('link', { name: 'Avsluta ärendet' }).click();
        // Closing asks first, says what it means, and can be cancelled.
        await expect.poll(() => h1(page)).toBe('Avsluta ärendet?');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Nej, tillbaka till ärendet' }).click();
        await expect.poll(() => h1(page)).toBe(title);
        await checkA11y(page);
        await page.getByRole('region', { name: 'Handläggning' }).getByRole('link', { name: 'Avsluta ärendet' }).click();
        await expect.poll(() => h1(page)).toBe('Avsluta ärendet?');
        await checkA11y(page);
        await shoot(page, 'officer-close-confirm');
        await page.getByRole('button', { name: 'Ja, avsluta ärendet' }).click();
        await expect.poll(() => notice(page)).toContain('Ärendet är avslutat.');
        expect((await described(page.getByRole('main').locator('dl.facts')))['Status']).toBe('Avslutat');
        // Closed, it can be reopened (the undo).
        expect(await page.getByRole('region', { name: 'Handläggning' }).getByRole('button').allInnerTexts()).toEqual(['Öppna ärendet igen']);
        await checkA11y(page);
      },
      { loginAs: HEDDA },
    );

    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/cases');
        await checkA11y(page);
        await page.getByRole('table', { name: 'Inskickade ärenden' }).getByRole('link', { name: title }).click();
        await expect.poll(() => h1(page)).toBe(title);
        const region = page.getByRole('region', { name: 'Meddelanden i ärendet' });
        expect(squash(await region.innerText())).toContain('Ärendet är avslutat och tar inte emot fler meddelanden.');
        expect(await region.getByRole('textbox', { name: 'Meddelande' }).count()).toBe(0);
        expect(await region.getByRole('button', { name: 'Skicka meddelandet' }).count()).toBe(0);
        await checkA11y(page);
      },
      { loginAs: TESTA },
    );
  });
});

describe('stored markup in a case', () => {
  test('an XSS payload typed into fields is shown as text on the step, review, sign and case pages, and never runs', async () => {
    const subject = '"><img src=x onerror="window.__xss=1">';
    const body = '</textarea><script>window.__xss=1</script>';
    const title = `Övrigt ärende – ${subject}`;
    const xss = (page: Page) => page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
    await withPage(
      e2e,
      async ({ page }) => {
        await createCase(page, 'Övrigt ärende');
        await field(page, 'Ämne').fill(subject);
        await field(page, 'Beskrivning').fill(body);
        await nextStep(page, 'Bilagor');
        // Back to the step: the values come back as typed, inside their controls.
        await page.getByRole('main').getByRole('button', { name: 'Föregående steg' }).click();
        await expect.poll(() => h1(page)).toBe('Ärendet');
        expect(await field(page, 'Ämne').inputValue()).toBe(subject);
        expect(await field(page, 'Beskrivning').inputValue()).toBe(body);
        expect(await xss(page)).toBeUndefined();
        await checkA11y(page);
        await nextStep(page, 'Bilagor');

        await toReview(page);
        expect(await described(page.getByRole('region', { name: 'Ärendet' }))).toEqual({ Ämne: subject, Beskrivning: body });
        expect(await page.title()).toContain(subject);
        expect(await page.locator('main img, main script').count()).toBe(0);
        expect(await xss(page)).toBeUndefined();

        await submit(page, subject);
        expect(await xss(page)).toBeUndefined();
        await openCardSigning(page);
        expect(await xss(page)).toBeUndefined();
        const back = page.getByRole('link', { name: 'Jag har undertecknat – visa resultatet' });
        const signId = (await back.getAttribute('href'))?.split('/').pop() ?? '';
        await completeSignature(signId, TESTA, 'Testa Testsson');
        await back.click();
        await continueToCase(page, title);
        expect(await described(page.getByRole('region', { name: 'Ärendet' }))).toEqual({ Ämne: subject, Beskrivning: body });
        expect(await page.locator('main img, main script').count()).toBe(0);
        expect(await xss(page)).toBeUndefined();

        await page.goto('/cases');
        expect(await page.getByRole('table', { name: 'Inskickade ärenden' }).getByRole('link', { name: title }).count()).toBe(1);
        expect(await xss(page)).toBeUndefined();
        await checkA11y(page);
      },
      { loginAs: TESTA },
    );
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/officer/cases');
        const row = page.getByRole('table', { name: 'Inkomna ärenden' }).getByRole('row').filter({ hasText: subject });
        expect(await row.count()).toBe(1);
        expect(await page.locator('main img').count()).toBe(0);
        expect(await xss(page)).toBeUndefined();
        await checkA11y(page);
      },
      { loginAs: HEDDA },
    );
  });
});
