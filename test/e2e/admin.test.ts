/**
 * Browser journey of a staff admin (Hedda, case officer and admin): from the start page
 * through the header's Administration link to the rollout plan's overview, one method's
 * page, a refused and then a saved change of BankID's start date, an end date for the Telia
 * card with the warning of what it does, changed again and confirmed, the preview of the
 * day it takes effect, and the public pages that follow; then the same in English for a
 * change that makes BankID work today. Every admin page visited is scanned with axe-core
 * (WCAG 2.1 A/AA); fields are found by their labels, so a lost label breaks the journey.
 * The plan's pages are shot at 1280 and 390 px (test-results/screenshots/named/admin-plan-*).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { TEST_NOW } from '../support/app.js';
import { checkA11y, expectStatus, shoot as shootNamed, startE2E, withPage, type E2E } from './harness.js';

const HEDDA = '196408231238';
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'screenshots', 'admin');

/** The page at 1280 and 390 px wide, for people to look at (test-results/screenshots/admin). */
async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

let e2e: E2E;

/** A method's card on the plan's overview, found by its heading. */
function card(page: Page, method: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: method, exact: true }) });
}

beforeAll(async () => {
  e2e = await startE2E();
});

afterAll(async () => {
  await e2e?.close();
});

afterEach(() => {
  e2e.app.clock.set(TEST_NOW);
});

describe('staff admin', () => {
  test('the plan: overview → edit → error → saved at once; an end date → warning → change again → confirm → preview; the public pages follow', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/start');
        await checkA11y(page);
        await page
          .getByRole('navigation', { name: 'Huvudmeny' })
          .getByRole('link', { name: 'Administration' })
          .click();
        await page.waitForURL('**/admin');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Administration');
        await checkA11y(page);
        const sections = page.getByRole('navigation', { name: 'Delar av administrationen' });
        await expect
          .poll(() => sections.getByRole('link').allInnerTexts())
          .toContain('Användare i riskzonen');

        // The overview: a card per method, each with its status today and a link to edit it.
        await sections.getByRole('link', { name: 'Tidplan för inloggningssätt' }).click();
        await page.waitForURL('**/admin/plan');
        expect(await page.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
          'ID-kort från Telia',
          'ID-kort från Skatteverket (AB Svenska Pass)',
          'BankID',
          'Förhandsvisa ett datum',
        ]);
        expect(await card(page, 'BankID').innerText()).toMatch(
          /^BankID\s+Ändra\s+BankID\s+Status i dag\s+Planerad\s+Startdatum\s+15 september 2027\s+Skrivs för användarna\s+i mitten av september 2027\s+Slutdatum\s+Inget slutdatum$/,
        );
        expect(await page.getByRole('textbox', { name: /Startdatum/ }).count()).toBe(0);
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-overview-sv');

        // One method's page. A date that does not exist: refused next to the field and in the summary, nothing saved.
        await card(page, 'BankID').getByRole('link', { name: 'Ändra BankID' }).click();
        await page.waitForURL('**/admin/plan/bankid');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Ändra BankID');
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-edit-sv');
        let bankid = page.getByRole('form', { name: 'Ändra BankID' });
        await bankid.getByLabel('Startdatum (obligatoriskt)', { exact: true }).fill('2027-02-30');
        expectStatus(page, 400);
        await bankid.getByRole('button', { name: 'Spara BankID' }).click();
        await page.waitForLoadState('load');
        const summary = page.getByRole('alert').filter({ hasText: 'Det finns fel i formuläret' });
        expect(await summary.innerText()).toContain('Startdatum: Ange ett datum som ÅÅÅÅ-MM-DD');
        bankid = page.getByRole('form', { name: 'Ändra BankID' });
        const from = bankid.getByLabel('Startdatum (obligatoriskt)', { exact: true });
        expect(await from.getAttribute('aria-invalid')).toBe('true');
        expect(await from.inputValue()).toBe('2027-02-30');
        await checkA11y(page);
        await summary.getByRole('link').first().click();
        expect(await from.evaluate((el) => el === document.activeElement)).toBe(true);

        // A good date that changes nothing today (BankID stays a coming method): saved at once.
        await from.fill('2027-06-01');
        await bankid
          .getByLabel('Så skrivs startdatumet för användarna (obligatoriskt)', { exact: true })
          .selectOption('day');
        await bankid.getByRole('button', { name: 'Spara BankID' }).click();
        await page.waitForURL('**/admin/plan?saved=bankid');
        expect(
          await page.getByRole('status').filter({ hasText: 'Ändringarna för BankID är sparade.' }).count(),
        ).toBe(1);
        await checkA11y(page);

        // An end date for the Telia card, the one method that works today: the warning says
        // what happens, in plain words, and nothing is saved yet.
        await page.getByRole('link', { name: 'Ändra ID-kort från Telia' }).click();
        await page.waitForURL('**/admin/plan/telia_card');
        await checkA11y(page);
        const telia = page.getByRole('form', { name: 'Ändra ID-kort från Telia' });
        await telia.getByLabel('Slutdatum', { exact: true }).fill('2027-03-31');
        await telia.getByRole('button', { name: 'Spara ID-kort från Telia' }).click();
        await page.waitForLoadState('load');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Kontrollera ändringen av ID-kort från Telia');
        let effects = page.getByRole('region', { name: 'Det här händer om du sparar' });
        expect(await effects.getByRole('listitem').allInnerTexts()).toEqual([
          'ID-kort från Telia slutar fungera för inloggning den 31 mars 2027 och försvinner då från inloggningssidan.',
          'Från och med den 31 mars 2027 fungerar inget inloggningssätt: ingen kan logga in i Kundwebben.',
        ]);
        expect(await page.getByRole('table', { name: 'Ändringen' }).innerText()).toMatch(/Slutdatum\s+Inget slutdatum\s+31 mars 2027/);
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-warning-sv');
        expect((await e2e.app.services.plan.current()).find((m) => m.id === 'telia_card')?.enabledUntil).toBeNull();

        // "No, change it again": the form keeps what was typed; a later date leaves no gap.
        await page.getByRole('button', { name: 'Nej, ändra igen' }).click();
        await page.waitForLoadState('load');
        const again = page.getByRole('form', { name: 'Ändra ID-kort från Telia' });
        const until = again.getByLabel('Slutdatum', { exact: true });
        expect(await until.inputValue()).toBe('2027-03-31');
        await checkA11y(page);
        await until.fill('2027-10-01');
        await again.getByRole('button', { name: 'Spara ID-kort från Telia' }).click();
        await page.waitForLoadState('load');
        effects = page.getByRole('region', { name: 'Det här händer om du sparar' });
        expect(await effects.getByRole('listitem').allInnerTexts()).toEqual([
          'ID-kort från Telia slutar fungera för inloggning den 1 oktober 2027 och försvinner då från inloggningssidan.',
        ]);
        await checkA11y(page);
        await page.getByRole('button', { name: 'Ja, spara ändringen' }).click();
        await page.waitForURL('**/admin/plan?saved=telia_card');
        expect(await card(page, 'ID-kort från Telia').innerText()).toMatch(/Slutdatum\s+1 oktober 2027/);
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-saved-sv');

        // The saved notice leads to the preview of the day the card stops: a framed picture of
        // each page, its login buttons drawn, not links.
        await page.getByRole('link', { name: 'Se hur sidorna ser ut den 1 oktober 2027' }).click();
        await page.waitForURL('**/admin/plan/preview?date=2027-10-01');
        const loginPreview = page.getByRole('region', {
          name: 'Förhandsvisning – så här ser inloggningssidan ut den 1 oktober 2027',
        });
        const working = loginPreview.getByRole('region', { name: 'Inloggningssätt som fungerar nu' });
        expect(await working.getByRole('heading', { level: 4 }).allInnerTexts()).toEqual([
          'ID-kort från Skatteverket (AB Svenska Pass)',
          'BankID',
        ]);
        expect(await loginPreview.getByRole('link').count()).toBe(0);
        expect(await loginPreview.getByRole('button').count()).toBe(0);
        const timetable = page
          .getByRole('region', { name: 'Förhandsvisning – så här ser Kundwebbinfo ut den 1 oktober 2027' })
          .getByRole('table', { name: 'Inloggningssätt i Kundwebben och när de gäller' });
        expect(await timetable.getByRole('row', { name: /BankID/ }).innerText()).toContain('Fungerar nu');
        expect(await timetable.getByRole('row', { name: /Telia/ }).innerText()).toContain('Avslutad');
        // The outline: the page, then each frame's banner, then the previewed headings.
        expect(await page.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
          'Förhandsvisning – så här ser inloggningssidan ut den 1 oktober 2027',
          'Förhandsvisning – så här ser Kundwebbinfo ut den 1 oktober 2027',
        ]);
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-preview-sv');

        // The public login page, today: BankID is now announced for 1 June.
        await page.goto('/login');
        expect(await page.getByRole('region', { name: 'Kommande inloggningssätt' }).innerText()).toContain(
          'Kommer 1 juni 2027.',
        );
        await checkA11y(page);
      },
      { loginAs: HEDDA },
    );
  });

  test('the plan in English: a change that makes BankID work today is confirmed first, then previewed', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/admin/plan');
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-overview-en');
        await card(page, 'BankID').getByRole('link', { name: 'Edit BankID' }).click();
        await page.waitForURL('**/admin/plan/bankid');
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-edit-en');
        const form = page.getByRole('form', { name: 'Edit BankID' });
        await form.getByLabel('Start date (required)', { exact: true }).fill('2026-11-01');
        await form.getByLabel('How the start date is written for users (required)', { exact: true }).selectOption('day');
        await form.getByRole('button', { name: 'Save BankID' }).click();
        await page.waitForLoadState('load');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Check the change to BankID');
        expect(
          await page.getByRole('region', { name: 'This happens if you save' }).getByRole('listitem').allInnerTexts(),
        ).toEqual(['BankID starts working for login today and appears on the login page.']);
        // Only the start date changed (it was already written as a day).
        expect(await page.getByRole('table', { name: 'The change' }).getByRole('row').allInnerTexts()).toEqual([
          'Field\tNow\tAfter the change',
          'Start date\t1 June 2027\t1 November 2026',
        ]);
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-warning-en');
        await page.getByRole('button', { name: 'Yes, save the change' }).click();
        await page.waitForURL('**/admin/plan?saved=bankid');
        expect(await card(page, 'BankID').innerText()).toMatch(/Status today\s+Works now/);
        await checkA11y(page);
        await page.getByRole('link', { name: 'See how the pages look on 28 November 2026' }).click();
        await page.waitForURL('**/admin/plan/preview?date=2026-11-28');
        const loginPreview = page.getByRole('region', { name: 'Preview – this is how the login page looks on 28 November 2026' });
        expect(
          await loginPreview.getByRole('region', { name: 'Login options that work now' }).getByRole('heading', { level: 4 }).allInnerTexts(),
        ).toContain('BankID');
        expect(await loginPreview.getByRole('link').count()).toBe(0);
        await checkA11y(page);
        await shootNamed(page, 'admin-plan-preview-en');
      },
      { loginAs: HEDDA, locale: 'en-GB' },
    );
    // Back as the other journeys expect it.
    const { plan } = e2e.app.services;
    await plan.change('bankid', { enabledFrom: new Date('2027-09-14T22:00:00Z'), announceAs: 'mid_month' }, null);
    await plan.change('telia_card', { enabledUntil: null }, null);
  });

  test('every other admin page passes the axe scan, with and without form errors', async () => {
    await e2e.app.services.db
      .insertInto('membership_request')
      .values({
        id: 'e2e-request',
        orgnr: '5590123450',
        action: 'add',
        personnummer: '194910259284',
        name: 'Nina Nyberg',
        email: null,
        phone: null,
        role: 'user',
        status: 'pending',
        requested_by: '191212121212',
        requested_at: TEST_NOW,
        handled_by: null,
        handled_at: null,
        note: null,
      })
      .execute();
    // An "add" for someone the portal knows: the card shows their current details and roles.
    await e2e.app.services.db
      .insertInto('membership_request')
      .values({
        id: 'e2e-request-known',
        orgnr: '5590123450',
        action: 'add',
        personnummer: '196408231238',
        name: 'Hedda Annat Namn',
        email: 'hedda@annan.example',
        phone: null,
        role: 'user',
        status: 'pending',
        requested_by: '191212121212',
        requested_at: TEST_NOW,
        handled_by: null,
        handled_at: null,
        note: null,
      })
      .execute();
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/admin/requests');
        await checkA11y(page);
        await shoot(page, 'requests');
        await page.goto('/admin/audit');
        await checkA11y(page);
        await shoot(page, 'audit');
        for (const url of [
          '/admin/people?q=Tolvan',
          '/admin/people/191212121212',
          '/admin/people/new',
          '/admin/organisations',
          '/admin/organisations/5590123450',
          '/admin/import',
          '/admin/requests',
          '/admin/audit?event=login',
        ]) {
          const response = await page.goto(url);
          expect(response?.status(), url).toBe(200);
          await checkA11y(page);
        }

        // Form errors: the import check, a rejection without a note, a bad audit search.
        await page.goto('/admin/import');
        await checkA11y(page);
        await page
          .getByLabel('CSV-innehåll (obligatoriskt)', { exact: true })
          .fill('name,personnummer,email,phone,orgnr,role\nX,1,,,1,boss');
        expectStatus(page, 400);
        await page.getByRole('button', { name: 'Kontrollera (inget sparas)' }).click();
        await page.waitForLoadState('load');
        expect(await page.getByRole('region', { name: 'Rader som måste rättas' }).innerText()).toContain(
          'Rad 2:',
        );
        await checkA11y(page);

        await page.goto('/admin/requests');
        await checkA11y(page);
        expectStatus(page, 400);
        await page.getByRole('button', { name: 'Avslå begäran för Nina Nyberg' }).click();
        await page.waitForLoadState('load');
        expect(await page.getByRole('alert').first().innerText()).toContain('Skriv varför begäran avslås.');
        await checkA11y(page);

        expectStatus(page, 400);
        await page.goto('/admin/audit?person=123&from=igår');
        await checkA11y(page);
      },
      { loginAs: HEDDA },
    );
  });

  test('the data access report (GDPR) of a person: opened from their page, printable, in Swedish and English', async () => {
    const audit = e2e.app.services.audit;
    await audit.record({ event: 'login', outcome: 'success', actor: '191212121212', subject: 'telia_card', ip: '10.0.0.1' });
    await audit.record({ event: 'login', outcome: 'success', actor: '191212121212', subject: 'telia_card', ip: '10.0.0.1' });
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/admin/people/191212121212');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Registerutdrag (GDPR)' }).click();
        await page.waitForURL('**/admin/people/191212121212/registerutdrag');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Registerutdrag för Tolvan Tolvansson');
        expect(await page.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
          'Personen',
          'Roller på myndigheten',
          'Kopplingar till organisationer',
          'Inloggningar',
          'Ärenden',
          'Meddelanden',
          'Händelser i händelseloggen',
        ]);
        expect(await page.getByRole('table', { name: 'Lyckade inloggningar per inloggningssätt, enligt händelseloggen' }).innerText()).toContain(
          'ID-kort från Telia\t2',
        );
        await checkA11y(page);
        await shootNamed(page, 'admin-gdpr-report');

        // Printed, the document stands alone: no header, footer, way back or print hint.
        await page.emulateMedia({ media: 'print' });
        for (const hidden of ['.site-header', '.site-footer', '.admin-back', '.no-print'])
          expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
        expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
        await page.emulateMedia({ media: 'screen' });

        await page.getByRole('link', { name: 'In English' }).click();
        await page.waitForLoadState('load');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Data access report for Tolvan Tolvansson');
        expect(await page.getByRole('region', { name: 'Cases' }).innerText()).toContain('None');
        await checkA11y(page);
      },
      { loginAs: HEDDA },
    );
  });

  test('retention: from the admin sections to the rules, the preview of a purge today, and in English', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/admin');
        await checkA11y(page);
        await page.getByRole('navigation', { name: 'Delar av administrationen' }).getByRole('link', { name: 'Bevarande och gallring' }).click();
        await page.waitForURL('**/admin/retention');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Bevarande och gallring');
        expect(await page.getByRole('table', { name: 'Regler för bevarande' }).innerText()).toContain('Avslutade ärenden\t10 år');
        await checkA11y(page);
        await page.getByRole('link', { name: 'Räkna ut vad som skulle tas bort i dag' }).click();
        await page.waitForURL('**/admin/retention?preview=1#preview');
        expect(await page.getByRole('table', { name: 'Vad en gallring skulle ta bort i dag, per regel' }).innerText()).toContain('Utkast');
        await checkA11y(page);
        await shootNamed(page, 'admin-retention');
        await page.getByRole('link', { name: 'In English' }).click();
        await page.waitForLoadState('load');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Retention and purging');
        await checkA11y(page);
      },
      { loginAs: HEDDA },
    );
  });

  test('a company user is refused the admin pages with a translated 403', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        expectStatus(page, 403);
        const response = await page.goto('/admin/plan');
        expect(response?.status()).toBe(403);
        expect(await page.getByRole('alert').innerText()).toContain('Du har inte behörighet till sidan.');
        await checkA11y(page);
      },
      { loginAs: '191212121212' },
    );
  });
});
