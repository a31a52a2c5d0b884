/**
 * The harness guards every journey, so it is tested too: each check must fail a journey
 * when its problem occurs. A guard that never fires would let every journey pass silently.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, findChromium, formatViolations, startE2E, withPage, type E2E } from './harness.js';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
});

afterAll(async () => {
  await e2e?.close();
});

describe('the e2e harness', () => {
  test('finds no Chromium at a wrong CHROMIUM_PATH and says what to do, instead of skipping', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(
      /CHROMIUM_PATH is set to "\/nonexistent\/chromium", which is not an executable file/,
    );
    const found = findChromium();
    expect(findChromium({ CHROMIUM_PATH: found })).toBe(found);
  });

  test('checkA11y fails on a violation and names rule, impact and target', async () => {
    await withPage(e2e, async ({ page }) => {
      await page.goto('/login');
      await checkA11y(page);
      await page.evaluate(() => {
        const img = document.createElement('img');
        img.id = 'no-alt';
        img.src = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
        img.width = 1;
        img.height = 1;
        document.querySelector('main')?.append(img);
      });
      const failure = await checkA11y(page).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(Error);
      const message = (failure as Error).message;
      expect(message).toContain('[critical] image-alt');
      expect(message).toContain('target: #no-alt');
    });
    expect(formatViolations('http://x/', [])).toContain('0 accessibility violation(s)');
  });

  test('a page visited without an axe scan fails the journey', async () => {
    await expect(
      withPage(e2e, async ({ page }) => {
        await page.goto('/info');
      }),
    ).rejects.toThrow(/page visited but not scanned with axe: http:\/\/127\.0\.0\.1:\d+\/info/);
  });

  test('a console error or an uncaught exception fails the journey', async () => {
    await expect(
      withPage(e2e, async ({ page }) => {
        await page.goto('/info');
        await checkA11y(page);
        await page.evaluate(() => {
          console.error('something broke');
          setTimeout(() => {
            throw new Error('uncaught in page');
          }, 0);
        });
        await page.waitForTimeout(200);
      }),
    ).rejects.toThrow(/console error on .*something broke[\s\S]*uncaught exception on .*uncaught in page/);
  });

  test('an error status the journey did not expect fails it', async () => {
    await expect(
      withPage(e2e, async ({ page }) => {
        await page.goto('/no-such-page');
        await checkA11y(page);
      }),
    ).rejects.toThrow(/unexpected HTTP 404 for http:\/\/127\.0\.0\.1:\d+\/no-such-page/);
  });

  test('an HTML page without the strict CSP fails the journey', async () => {
    await expect(
      withPage(e2e, async ({ page }) => {
        await page.route('**/info', (route) =>
          route.fulfill({
            contentType: 'text/html; charset=utf-8',
            body: '<!doctype html><html lang="sv"><title>t</title><main><h1>Utan CSP</h1></main></html>',
          }),
        );
        await page.goto('/info');
        await checkA11y(page);
      }),
    ).rejects.toThrow(/HTML page without the strict script-src CSP: http:\/\/127\.0\.0\.1:\d+\/info/);
  });

  test('a request outside the loopback app is refused and fails the journey', async () => {
    await expect(
      withPage(e2e, async ({ page }) => {
        await page.goto('/info');
        await checkA11y(page);
        await page.goto('http://192.0.2.1/').catch(() => undefined);
      }),
    ).rejects.toThrow(/request outside the app was attempted: GET http:\/\/192\.0\.2\.1\//);
  });
});
