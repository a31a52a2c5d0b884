/**
 * Browser journey of a staff admin (Hedda, case officer and admin): from the start page
 * through the header's Administration link to the rollout plan, a refused and then a
 * saved change of BankID's start date, the preview of a date, and the public pages that
 * follow the change. Every admin page visited is scanned with axe-core (WCAG 2.1 A/AA);
 * fields are found by their labels, so a lost label breaks the journey.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { TEST_NOW } from '../support/app.js';
import { checkA11y, expectStatus, startE2E, withPage, type E2E } from './harness.js';

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
  test('moves BankID’s start date, sees the error summary for a bad date, previews, and the public pages follow', async () => {
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

        await sections.getByRole('link', { name: 'Tidplan för inloggningssätt' }).click();
        await page.waitForURL('**/admin/plan');
        await checkA11y(page);

        // A date that does not exist: refused next to the field and in the summary, nothing saved.
        let bankid = page.getByRole('form', { name: 'Ändra BankID' });
        await bankid.getByLabel('Startdatum (obligatoriskt)', { exact: true }).fill('2027-02-30');
        expectStatus(page, 400);
        await bankid.getByRole('button', { name: 'Spara BankID' }).click();
        await page.waitForLoadState('load');
        const summary = page.getByRole('alert').filter({ hasText: 'Det finns fel i formuläret' });
        expect(await summary.innerText()).toContain('BankID: Startdatum: Ange ett datum som ÅÅÅÅ-MM-DD');
        bankid = page.getByRole('form', { name: 'Ändra BankID' });
        const from = bankid.getByLabel('Startdatum (obligatoriskt)', { exact: true });
        expect(await from.getAttribute('aria-invalid')).toBe('true');
        expect(await from.inputValue()).toBe('2027-02-30');
        await checkA11y(page);
        await summary.getByRole('link').first().click();
        expect(await from.evaluate((el) => el === document.activeElement)).toBe(true);

        // The good date: saved, with a confirmation.
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

        // Preview the day BankID starts.
        await page.getByLabel('Datum (obligatoriskt)', { exact: true }).fill('2027-06-01');
        await page.getByRole('button', { name: 'Förhandsvisa' }).click();
        await page.waitForURL('**/admin/plan/preview?date=2027-06-01');
        const loginPreview = page.getByRole('region', {
          name: 'Förhandsvisning – så här ser inloggningssidan ut den 1 juni 2027',
        });
        const working = loginPreview.getByRole('region', { name: 'Inloggningssätt som fungerar nu' });
        expect(await working.getByRole('heading', { level: 4 }).allInnerTexts()).toContain('BankID');
        // Nothing in the preview can be used: its login buttons are drawn, not links.
        expect(await loginPreview.getByRole('link').count()).toBe(0);
        expect(await loginPreview.getByRole('button').count()).toBe(0);
        const timetable = page
          .getByRole('region', { name: 'Förhandsvisning – så här ser Kundwebbinfo ut den 1 juni 2027' })
          .getByRole('table', { name: 'Inloggningssätt i Kundwebben och när de gäller' });
        expect(await timetable.getByRole('row', { name: /BankID/ }).innerText()).toContain('Fungerar nu');
        await checkA11y(page);

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
