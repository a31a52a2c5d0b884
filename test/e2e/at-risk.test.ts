/**
 * Browser journey through the at-risk report as an administrator: the report with its
 * chart and tables, a bad date refused with an error summary, the reminder sent to the
 * demo outbox (test mode without SMTP) and the outbox itself. Every page is scanned with
 * axe-core (WCAG 2.1 A/AA) and found by role and accessible name.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HEDDA, seedAtRiskScenario } from '../support/at-risk-scenario.js';
import { checkA11y, expectStatus, startE2E, withPage, type E2E } from './harness.js';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  await seedAtRiskScenario(e2e.app);
});

afterAll(async () => {
  await e2e?.close();
});

describe('administrator', () => {
  test('reads the report, corrects a bad date, sends reminders and finds them in the demo outbox', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        await page.goto('/admin/at-risk');
        await checkA11y(page);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Personer som riskerar att stå utan inloggning');
        const chart = page.getByRole('img', { name: 'Inloggningar per månad och inloggningssätt' });
        expect(await chart.count()).toBe(1);
        const expiring = page.getByRole('table', { name: 'Enda inloggningssättet är ett kort som går ut: 4 personer' });
        expect(await expiring.getByRole('rowheader').allTextContents()).toEqual(['Ebba Epostlös', 'Kim Koordinatsson', 'Tolvan Tolvansson', 'Ulla Utgången']);
        const logins = page.getByRole('table', { name: /^Inloggningar per månad och inloggningssätt, december 2025 – november 2026$/ });
        expect(await logins.getByRole('row').count()).toBe(14); // header, twelve months, total

        await page.getByLabel('Kort som går ut före (datum)').fill('30/8/2027');
        expectStatus(page, 400);
        await page.getByRole('button', { name: 'Visa rapporten' }).click();
        await checkA11y(page);
        const summary = page.getByRole('alert');
        expect(await summary.getByRole('heading', { name: 'Det finns ett problem' }).isVisible()).toBe(true);
        await summary.getByRole('link', { name: 'Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-08-30.' }).click();
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('before');
        expect(await page.title()).toBe('Fel: Personer som riskerar att stå utan inloggning – Kundwebben');

        await page.getByLabel('Kort som går ut före (datum)').fill('');
        await page.getByRole('button', { name: 'Visa rapporten' }).click();
        await checkA11y(page);
        await page.getByRole('button', { name: 'Skicka påminnelse till 5 personer' }).click();
        await checkA11y(page);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Påminnelser via e-post');
        expect(await page.getByText('Skickade: 5.').isVisible()).toBe(true);

        await page.getByRole('link', { name: 'Demo-utkorgen' }).click();
        await checkA11y(page);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Demo-utkorgen');
        expect(await page.getByRole('article').count()).toBe(5);
      },
      { loginAs: HEDDA },
    );
  });
});
