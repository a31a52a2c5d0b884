/**
 * BankID journeys in real Chromium against the local BankID RP API v6 test server: QR on
 * another device through the test app, same-device autostart, cancel in the portal and in
 * the app. The portal's clock ticks with real time during a journey (collect every 2 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { TEST_NOW } from '../support/app.js';
import { BANKID_PEOPLE } from '../support/bankid.js';
import { checkA11y, expectStatus, shoot, startE2E, withPage, type E2E } from './harness.js';
import { StartPage } from './pages.js';

let e2e: E2E | undefined;
let server: BankIdTestServer | undefined;
let ticker: ReturnType<typeof setInterval> | undefined;
const dir = mkdtempSync(path.join(tmpdir(), 'kw-e2e-bankid-'));

beforeAll(async () => {
  const clock = { now: () => (e2e ? e2e.app.clock.now() : new Date(TEST_NOW)) };
  const demo = await ensureBankIdTestPki(dir, { clock, people: BANKID_PEOPLE });
  server = await startBankIdTestServer({ pki: demo.pki, people: BANKID_PEOPLE, clock });
  const s = server;
  e2e = await startE2E({
    env: {
      KW_BANKID_URL: s.url,
      KW_BANKID_CA_FILE: demo.files.serverCaPath,
      KW_BANKID_RP_CERT_FILE: demo.files.rpCertPath,
      KW_BANKID_RP_KEY_FILE: demo.files.rpKeyPath,
      KW_BANKID_USER_ROOTS_FILE: demo.files.userRootPath,
      KW_BANKID_LAUNCH_URL: `${s.appUrl}/autostart`,
    },
  });
  await e2e.app.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
  e2e.extraOrigins.push(s.appUrl);
}, 90_000);

afterAll(async () => {
  await e2e?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  if (ticker) clearInterval(ticker);
  e2e?.app.clock.set(TEST_NOW);
});

/** Lets the portal's clock follow real time, so the page's polls reach BankID every 2 s. */
function tick(): void {
  ticker = setInterval(() => e2e?.app.clock.advance(1000), 1000);
}

function env(): E2E {
  if (!e2e) throw new Error('not started');
  return e2e;
}

async function chooseBankId(page: Page, device: 'Mobilt BankID på en annan enhet' | 'BankID på den här enheten') {
  await page.goto('/login');
  await checkA11y(page);
  await page.getByRole('link', { name: 'Logga in med BankID' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Logga in med BankID');
  await checkA11y(page);
  await page.getByRole('button', { name: device }).click();
  await page.waitForURL('**/bankid/wait');
}

describe('BankID login in the browser', () => {
  test('on another device: scan the animated QR with the test app and land on the start page', async () => {
    tick();
    await withPage(env(), async ({ page, context }) => {
      await chooseBankId(page, 'Mobilt BankID på en annan enhet');
      await expect.poll(() => page.getByRole('img', { name: /QR-kod för BankID/ }).isVisible()).toBe(true);
      await checkA11y(page);
      // The test app "points the camera" at the QR code the portal shows this second.
      const app = await context.newPage();
      await app.goto(`${server?.appUrl ?? ''}/`);
      await checkA11y(app);
      await app.getByLabel('som').selectOption('191212121212');
      await app.getByRole('button', { name: 'Läs av QR-koden' }).click();
      await expect.poll(() => app.getByRole('button', { name: 'Legitimera' }).isVisible()).toBe(true);
      await checkA11y(app);
      await app.getByRole('button', { name: 'Legitimera' }).click();
      await expect.poll(() => app.getByRole('status').first().textContent()).toBeTruthy();
      await checkA11y(app);
      await app.close();
      // Tolvan acts for two companies: the login ends at the choice of company.
      await page.waitForURL('**/start/organisation', { timeout: 20_000 });
      await checkA11y(page);
      await new StartPage(page).chooseOrganisation('Nordvik Försvarsteknik AB (556677-8899)');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Välkommen, Tolvan Tolvansson');
      await checkA11y(page);
    });
  });

  test('on this device: the launch button opens the app, which returns to the portal', async () => {
    tick();
    await withPage(env(), async ({ page, monitor }) => {
      await chooseBankId(page, 'BankID på den här enheten');
      // Nothing happens before the person uses the button, and the status does not claim otherwise.
      await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Välj Starta BankID-appen.');
      await checkA11y(page);
      await page.getByRole('link', { name: 'Starta BankID-appen' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Legitimera' }).isVisible()).toBe(true);
      await checkA11y(page);
      await page.getByLabel('Vem är du?').selectOption('198112289874');
      await page.getByRole('button', { name: 'Legitimera' }).click();
      await checkA11y(page);
      await page.getByRole('link', { name: 'Tillbaka till tjänsten' }).click();
      await page.waitForURL('**/start', { timeout: 20_000 });
      // Back from the app the waiting page may show for a moment before it moves on: the
      // same page, in the same state, was scanned above.
      monitor.markScanned(`${env().baseUrl}/bankid/wait`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Välkommen, Testa Testsson');
      await checkA11y(page);
    });
  });

  test('cancel in the portal ends the order and says so', async () => {
    await withPage(env(), async ({ page }) => {
      await chooseBankId(page, 'Mobilt BankID på en annan enhet');
      await checkA11y(page);
      await page.getByRole('button', { name: 'Avbryt' }).click();
      await page.waitForURL('**/login/bankid?m=cancelled');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Du avbröt.');
      await checkA11y(page);
    });
  });

  test('cancel in the app shows the recommended message and a way to try again', async () => {
    tick();
    await withPage(env(), async ({ page, context }) => {
      await chooseBankId(page, 'Mobilt BankID på en annan enhet');
      await checkA11y(page);
      const status = (await (await page.request.get('/bankid/status')).json()) as { qrData: string };
      const app = await context.newPage();
      await app.goto(`${server?.appUrl ?? ''}/`);
      await checkA11y(app);
      await app.getByLabel('QR-kod eller autostarttoken').fill(status.qrData);
      await app.getByRole('button', { name: 'Läs in' }).click();
      await checkA11y(app);
      await app.getByRole('button', { name: 'Avbryt' }).click();
      await checkA11y(app);
      await app.close();
      await expect.poll(() => page.getByText('Åtgärden avbröts.').count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => page.getByRole('button', { name: 'Försök igen' }).isVisible()).toBe(true);
      await checkA11y(page);
    });
  });

  test('with JavaScript the page draws the QR code itself from each second’s data, the symbol the server draws, and loads no QR image', async () => {
    tick();
    await withPage(env(), async ({ page }) => {
      const images: string[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/bankid/qr.svg') images.push(r.url());
      });
      await chooseBankId(page, 'Mobilt BankID på en annan enhet');
      const drawn = page.locator('#bankid-qr-box svg');
      await expect.poll(() => page.getByRole('img', { name: /QR-kod för BankID/ }).evaluate((el) => el.tagName)).toBe('svg');
      const first = await drawn.getAttribute('data-qr');
      // Redrawn as the seconds pass, from the status the page polls.
      await expect.poll(() => drawn.getAttribute('data-qr'), { timeout: 10_000 }).not.toBe(first);
      const shown = await drawn.evaluate((el) => ({
        data: el.getAttribute('data-qr') ?? '',
        viewBox: el.getAttribute('viewBox') ?? '',
        d: el.querySelector('path')?.getAttribute('d') ?? '',
      }));
      expect(shown.data).toMatch(/^bankid\.[0-9a-f-]{36}\.\d+\.[0-9a-f]{64}$/);
      expect(qrTokenOf(shown.data)).toBe(qrTokenOf(await qrDataOf(page)));
      // Module for module what the server's image (qrcode, one byte segment, level L) has for
      // that data: with its own mask choice, or the one mask the page chose by the standard.
      const size = Number(shown.viewBox.split(' ')[2]) - 8;
      const matrix = new Array<number>(size * size).fill(0);
      for (const [, x, y, n] of shown.d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
        for (let i = 0; i < Number(n); i++) matrix[(Number(y) - 4) * size + Number(x) - 4 + i] = 1;
      }
      const server = (mask?: number) =>
        Array.from(
          QRCode.create([{ data: Buffer.from(shown.data, 'utf8'), mode: 'byte' }], {
            errorCorrectionLevel: 'L',
            ...(mask === undefined ? {} : { maskPattern: mask as QRCode.QRCodeMaskPattern }),
          }).modules.data,
        );
      expect(server().length).toBe(matrix.length);
      const masks = [0, 1, 2, 3, 4, 5, 6, 7].filter((mask) => server(mask).join('') === matrix.join(''));
      expect(masks).toHaveLength(1);
      await checkA11y(page);
      expect(images).toEqual([]);
    });
  });

  test('without JavaScript the server’s QR image and the “update status” link work', async () => {
    await withPage(
      env(),
      async ({ page, monitor }) => {
        // axe runs as script in the page, which this browser does not run: these pages are
        // scanned with script in the journeys above, and only marked here.
        const visited = () => monitor.markScanned(page.url());
        await page.goto('/login/bankid');
        visited();
        await page.getByRole('button', { name: 'Mobilt BankID på en annan enhet' }).click();
        await page.waitForURL('**/bankid/wait');
        const image = page.getByRole('img', { name: /QR-kod för BankID/ });
        await expect.poll(() => image.evaluate((el) => el.tagName)).toBe('IMG');
        await expect.poll(() => image.evaluate((el) => (el as HTMLImageElement).naturalWidth > 0)).toBe(true);
        expect(await page.locator('#bankid-qr-box svg').count()).toBe(0);
        visited();
        await page.getByRole('link', { name: 'Uppdatera status' }).click();
        await page.waitForURL('**/bankid/wait');
        await expect.poll(() => image.evaluate((el) => (el as HTMLImageElement).naturalWidth > 0)).toBe(true);
        visited();
      },
      { javaScriptEnabled: false },
    );
  });

  test('an order that is gone gets a clear page', async () => {
    await withPage(env(), async ({ page }) => {
      expectStatus(page, 404);
      await page.goto('/bankid/wait');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Det finns ingen pågående BankID-åtgärd');
      await checkA11y(page);
    });
  });
});

/** The waiting page's texts the switch journeys use, per language. */
const WAIT_TEXT = {
  sv: {
    title: 'Logga in med BankID',
    otherDevice: 'Mobilt BankID på en annan enhet',
    toThisDevice: 'Använd BankID på den här enheten',
    toQr: 'Använd Mobilt BankID på en annan enhet (QR-kod)',
    qrImage: /QR-kod för BankID/,
    qrHeading: 'Läs av QR-koden med BankID-appen',
    chooseLaunch: 'Välj Starta BankID-appen.',
    launch: 'Starta BankID-appen',
    launchHint: 'eller välj Använd Mobilt BankID på en annan enhet (QR-kod).',
    expiring: 'QR-koden slutar snart att gälla. Då visas en ny QR-kod automatiskt.',
    renewed: 'Här är en ny QR-kod. Starta BankID-appen och läs av QR-koden.',
    timedOut: 'QR-koden gäller bara en kort stund och lästes inte av i tid.',
    retry: 'Försök igen',
    welcome: 'Välkommen, Testa Testsson',
  },
  en: {
    title: 'Log in with BankID',
    otherDevice: 'Mobile BankID on another device',
    toThisDevice: 'Use BankID on this device',
    toQr: 'Use Mobile BankID on another device (QR code)',
    qrImage: /QR code for BankID/,
    qrHeading: 'Scan the QR code with the BankID app',
    chooseLaunch: 'Choose “Start the BankID app”.',
    launch: 'Start the BankID app',
    launchHint: 'or choose “Use Mobile BankID on another device (QR code)”.',
    expiring: 'The QR code will soon stop working. A new QR code will then be shown automatically.',
    renewed: 'Here is a new QR code. Start the BankID app and scan the QR code.',
    timedOut: 'The QR code is only valid for a short time and was not scanned in time.',
    retry: 'Try again',
    welcome: 'Welcome, Testa Testsson',
  },
} as const;

type Lang = keyof typeof WAIT_TEXT;

/** Straight to the BankID choice of a login, and on to the QR code. */
async function startQr(page: Page, lang: Lang): Promise<void> {
  const text = WAIT_TEXT[lang];
  await page.goto('/login/bankid');
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(text.title);
  await checkA11y(page);
  await page.getByRole('button', { name: text.otherDevice, exact: true }).click();
  await page.waitForURL('**/bankid/wait');
  await expect.poll(() => page.getByRole('img', { name: text.qrImage }).isVisible()).toBe(true);
}

/** What the QR image shows now, as the portal's script knows it (never the secret). */
async function qrDataOf(page: Page): Promise<string> {
  return ((await (await page.request.get('/bankid/status')).json()) as { qrData: string | null }).qrData ?? '';
}

/** The qrStartToken in a QR code's data ("bankid.<token>.<time>.<code>"), or ''. */
function qrTokenOf(qrData: string): string {
  return qrData.split('.')[1] ?? '';
}

/** The test app scans the QR code shown now and approves as Testa Testsson (one organisation: straight to the start page). */
async function scanAndApprove(page: Page, context: BrowserContext): Promise<void> {
  const app = await context.newPage();
  await app.goto(`${server?.appUrl ?? ''}/`);
  await checkA11y(app);
  await app.getByLabel('QR-kod eller autostarttoken').fill(await qrDataOf(page));
  await app.getByLabel('Identitet i appen').selectOption('198112289874');
  await app.getByRole('button', { name: 'Läs in' }).click();
  await expect.poll(() => app.getByRole('button', { name: 'Legitimera' }).isVisible()).toBe(true);
  await checkA11y(app);
  await app.getByRole('button', { name: 'Legitimera' }).click();
  await expect.poll(() => app.getByRole('status').first().textContent()).toBeTruthy();
  await checkA11y(app);
  await app.close();
}

describe('switching between the QR code and this device on the waiting page', () => {
  for (const lang of ['sv', 'en'] as const) {
    test(`${lang}: QR → this device → QR without cancelling, the focus at what to do next, and the login completes`, async () => {
      const text = WAIT_TEXT[lang];
      tick();
      await withPage(
        env(),
        async ({ page, context }) => {
          await startQr(page, lang);
          await checkA11y(page);
          await shoot(page, `bankid-wait-qr-${lang}`);

          await page.getByRole('button', { name: text.toThisDevice, exact: true }).click();
          await page.waitForURL('**/bankid/wait?switched=1');
          await expect.poll(() => page.getByRole('status').first().textContent()).toBe(text.chooseLaunch);
          await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('bankid-launch');
          await expect.poll(() => page.getByRole('link', { name: text.launch, exact: true }).isVisible()).toBe(true);
          // The hint that tells the person to use another device has the way to do it right there.
          await expect.poll(() => page.getByText(text.launchHint).isVisible()).toBe(true);
          await checkA11y(page);
          await shoot(page, `bankid-wait-this-device-${lang}`);

          await page.getByRole('button', { name: text.toQr, exact: true }).click();
          await page.waitForURL('**/bankid/wait?switched=1');
          await expect.poll(() => page.getByRole('img', { name: text.qrImage }).isVisible()).toBe(true);
          await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('qr-heading');
          await expect.poll(() => page.getByRole('heading', { level: 2, name: text.qrHeading }).isVisible()).toBe(true);
          await checkA11y(page);
          await shoot(page, `bankid-wait-qr-again-${lang}`);

          await scanAndApprove(page, context);
          await page.waitForURL('**/start', { timeout: 20_000 });
          await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(text.welcome);
          await checkA11y(page);
        },
        { locale: lang === 'sv' ? 'sv-SE' : 'en-GB' },
      );
    });
  }
});

describe('a QR code nobody scans', () => {
  test('sv: a warning in the status before the scan window closes, then a new QR code by itself, which still logs in', async () => {
    const text = WAIT_TEXT.sv;
    tick();
    await withPage(env(), async ({ page, context }) => {
      await startQr(page, 'sv');
      await checkA11y(page);
      const first = await qrDataOf(page);
      // The test server fails an unscanned order 30 s after it started (startFailed), as BankID does.
      env().app.clock.advance(21_000);
      await expect.poll(() => page.getByRole('status').first().textContent()).toBe(text.expiring);
      await checkA11y(page);
      await shoot(page, 'bankid-qr-expiring-sv');
      env().app.clock.advance(10_000);
      await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 15_000 }).toBe(text.renewed);
      expect(qrTokenOf(await qrDataOf(page))).not.toBe(qrTokenOf(first)); // a new order: a new qrStartToken
      await expect.poll(() => page.getByRole('img', { name: text.qrImage }).isVisible()).toBe(true);
      await checkA11y(page);
      await shoot(page, 'bankid-qr-renewed-sv');
      await scanAndApprove(page, context);
      await page.waitForURL('**/start', { timeout: 20_000 });
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(text.welcome);
      await checkA11y(page);
    });
  });

  for (const lang of ['sv', 'en'] as const) {
    test(`${lang}: renewed a limited number of times, then the page says why and offers to try again`, async () => {
      const text = WAIT_TEXT[lang];
      await withPage(
        env(),
        async ({ page }) => {
          await startQr(page, lang);
          await checkA11y(page);
          let token = qrTokenOf(await qrDataOf(page));
          for (let renewal = 1; renewal <= 3; renewal++) {
            env().app.clock.advance(31_000);
            const previous = token;
            // A new order: a new qrStartToken in the QR code.
            await expect
              .poll(
                async () => {
                  token = qrTokenOf(await qrDataOf(page));
                  return token !== '' && token !== previous;
                },
                { timeout: 15_000 },
              )
              .toBe(true);
            await expect.poll(() => page.getByRole('status').first().textContent()).toBe(text.renewed);
          }
          env().app.clock.advance(31_000);
          // The script stops and the page (reloaded) tells why, with "Try again".
          await expect
            .poll(() => page.getByRole('button', { name: text.retry, exact: true }).isVisible(), { timeout: 15_000 })
            .toBe(true);
          await expect.poll(() => page.getByRole('alert').textContent()).toContain(text.timedOut);
          await expect.poll(() => page.getByRole('button', { name: text.toThisDevice, exact: true }).isVisible()).toBe(true);
          await checkA11y(page);
          await shoot(page, `bankid-qr-timed-out-${lang}`);
          await page.getByRole('button', { name: text.retry, exact: true }).click();
          await page.waitForURL('**/bankid/wait');
          await expect.poll(() => page.getByRole('img', { name: text.qrImage }).isVisible()).toBe(true);
          await checkA11y(page);
        },
        { locale: lang === 'sv' ? 'sv-SE' : 'en-GB' },
      );
    });
  }
});
