/**
 * The demo as a newcomer starts it (`npm start` is `tsx devtools/demo/main.ts`): real child
 * processes with no settings but the port, the demo's own test PKIs, OCSP responder, Net iD
 * signer and BankID test server, and a real Chromium. Two demos run side by side on
 * different ports; the second runs its clock 400 days ahead (KW_DEMO_NOW), which previews
 * the plan and must not break any login method (DESIGN §3a). Every method logs in, in both.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBankIdTestPki } from '../../devtools/bankid-test-server/index.js';
import { ensureDemoPki, writeSigner } from '../../devtools/test-pki/store.js';
import { systemClock } from '../../src/platform/clock.js';
import { childEnv } from '../support/child-env.js';
import { notYetValidCa } from '../support/stale-ca.js';
import { checkA11y, launchChromium } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots', 'demo');

interface Demo {
  port: number;
  url: string;
  dataDir: string;
  process: ChildProcess;
  banner: string;
}

/** A base port whose next six ports (the demo's tools) are free too, none of them a blocked port. */
async function freePortRun(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    let ok = true;
    for (let p = base; p < base + 7 && ok; p++) ok = await free(p);
    if (ok) return base;
  }
}

async function startDemo(env: Record<string, string> = {}, base?: number): Promise<Demo> {
  const port = base ?? (await freePortRun());
  const child = spawn(process.execPath, ['--import', 'tsx', 'devtools/demo/main.ts'], {
    cwd: ROOT,
    env: childEnv({ KW_PORT: String(port), KW_LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo on ${port} did not start:\n${out}`)), 90_000);
    const check = () => {
      if (out.includes('Test app (the "phone")')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo on ${port} exited with ${code}:\n${out}`));
    });
  });
  return { port, url: `http://localhost:${port}`, dataDir: env['KW_DATA_DIR'] ?? path.join(ROOT, 'data', `demo-${port}`), process: child, banner: out };
}

async function stopDemo(demo: Demo | undefined): Promise<void> {
  if (!demo) return;
  if (demo.process.exitCode === null) {
    const exited = new Promise((resolve) => demo.process.once('exit', resolve));
    demo.process.kill('SIGTERM');
    await exited;
  }
  rmSync(demo.dataDir, { recursive: true, force: true });
}

let first: Demo | undefined;
let second: Demo | undefined;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [first, second] = await Promise.all([startDemo(), startDemo({ KW_DEMO_NOW: new Date(Date.now() + 400 * 86_400_000).toISOString() })]);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([stopDemo(first), stopDemo(second)]);
});

async function inBrowser(demo: Demo, journey: (page: Page) => Promise<void>, width = 1280): Promise<void> {
  const context = await browser.newContext({ baseURL: demo.url, locale: 'sv-SE', viewport: { width, height: 900 } });
  context.setDefaultTimeout(15_000);
  try {
    await journey(await context.newPage());
  } finally {
    await context.close();
  }
}

async function loginWithDemoCard(demo: Demo, method: 'telia_card' | 'svenska_pass_card', card: RegExp, shots?: string): Promise<string> {
  let heading = '';
  for (const width of shots ? [1280, 390] : [1280]) {
    await inBrowser(
      demo,
      async (page) => {
        await page.goto('/login');
        await page.locator(`a[href="/login/card?method=${method}"]`).click();
        await page.waitForURL('**/login/card?**');
        await checkA11y(page);
        if (shots) await page.screenshot({ path: path.join(SHOTS, `${shots}-card-page-${width}.png`), fullPage: true });
        await page.getByRole('link', { name: 'Använd ett demokort' }).click();
        await page.waitForURL('**/netid/card-login?**');
        if (shots) await page.screenshot({ path: path.join(SHOTS, `${shots}-card-reader-${width}.png`), fullPage: true });
        await page.getByRole('radio', { name: card }).check();
        await page.getByRole('button', { name: 'Logga in' }).click();
        await page.waitForURL((url) => url.origin === demo.url && !url.pathname.startsWith('/login'), { timeout: 30_000 });
        heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
      },
      width,
    );
  }
  return heading;
}

async function loginWithBankId(demo: Demo, device: 'qr' | 'same', personnummer: string): Promise<string> {
  let heading = '';
  await inBrowser(demo, async (page) => {
    await page.goto('/login');
    await page.getByRole('link', { name: 'Logga in med BankID' }).click();
    if (device === 'qr') {
      await page.getByRole('button', { name: 'Mobilt BankID på en annan enhet' }).click();
      await page.waitForURL('**/bankid/wait');
      await expect.poll(() => page.getByRole('img', { name: /QR-kod för BankID/ }).isVisible()).toBe(true);
      const app = await page.context().newPage();
      await app.goto(`http://127.0.0.1:${demo.port + 5}/`);
      await app.getByLabel('som').selectOption(personnummer);
      await app.getByRole('button', { name: 'Läs av QR-koden' }).click();
      await app.getByRole('button', { name: 'Legitimera' }).click();
      await expect.poll(() => app.getByRole('status').first().textContent()).toBeTruthy();
      await app.close();
    } else {
      await page.getByRole('button', { name: 'BankID på den här enheten' }).click();
      await page.waitForURL('**/bankid/wait');
      await page.getByRole('link', { name: 'Starta BankID-appen' }).click();
      await page.getByLabel('Vem är du?').selectOption(personnummer);
      await page.getByRole('button', { name: 'Legitimera' }).click();
      await page.getByRole('link', { name: 'Tillbaka till tjänsten' }).click();
    }
    await page.waitForURL('**/start', { timeout: 30_000 });
    heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
  });
  return heading;
}

describe('the demo, two instances side by side, every login method today', () => {
  test('each instance keeps its own data directory and tells where it is', () => {
    for (const demo of [first!, second!]) {
      expect(demo.banner).toContain(`Portal:          http://localhost:${demo.port}/`);
      expect(existsSync(path.join(demo.dataDir, 'kundwebben.sqlite'))).toBe(true);
      const card = new X509Certificate(readFileSync(path.join(demo.dataDir, 'test-pki', 'cards', '191212121212-telia-login.pem')));
      expect(card.infoAccess).toContain(`http://127.0.0.1:${demo.port + 2}/ocsp/telia`);
      const plan = JSON.parse(readFileSync(path.join(demo.dataDir, 'rollout-plan.json'), 'utf8')) as { methods: { id: string; enabledFrom: string }[] };
      expect(plan.methods.map((m) => m.id)).toEqual(['telia_card', 'svenska_pass_card', 'bankid']);
    }
  });

  test('the Telia card and the Skatteverket card log in through the demo card reader, in both', async () => {
    expect(await loginWithDemoCard(first!, 'telia_card', /Hedda Handläggare/, 'first')).toContain('Hedda Handläggare');
    expect(await loginWithDemoCard(second!, 'svenska_pass_card', /Testa Testsson/)).toBe('Välkommen, Testa Testsson');
    expect(await loginWithDemoCard(first!, 'svenska_pass_card', /Testa Testsson/)).toBe('Välkommen, Testa Testsson');
    expect(await loginWithDemoCard(second!, 'telia_card', /Hedda Handläggare/)).toContain('Hedda Handläggare');
  }, 120_000);

  test('BankID logs in with the QR code and on the same device, in both (the second 400 days ahead)', async () => {
    expect(await loginWithBankId(first!, 'qr', '198112289874')).toBe('Välkommen, Testa Testsson');
    expect(await loginWithBankId(second!, 'same', '198112289874')).toBe('Välkommen, Testa Testsson');
    expect(await loginWithBankId(second!, 'qr', '198112289874')).toBe('Välkommen, Testa Testsson');
    expect(await loginWithBankId(first!, 'same', '198112289874')).toBe('Välkommen, Testa Testsson');
  }, 120_000);

  test('a data folder left by an older version (CAs not valid today, another port\'s OCSP URL) is repaired at start', async () => {
    const dataDir = path.join(ROOT, 'data', `old-layout-${process.pid}`);
    rmSync(dataDir, { recursive: true, force: true });
    const people = [{ personnummer: '198112289874', givenName: 'Testa', surname: 'Testsson' }];
    // Made for another port, then its TLS CAs dated from a demo clock a year ahead, as older versions did.
    await ensureDemoPki(path.join(dataDir, 'test-pki'), { clock: systemClock, ocspBaseUrl: 'http://127.0.0.1:9/ocsp', people: [{ ...people[0]!, issuer: 'svenska_pass' }], password: 'kundwebben' });
    await ensureBankIdTestPki(path.join(dataDir, 'bankid-test'), { clock: systemClock, people });
    await writeSigner(path.join(dataDir, 'test-pki', 'tls-ca'), await notYetValidCa('Kundwebben Test TLS CA'));
    await writeSigner(path.join(dataDir, 'bankid-test', 'ssl-root'), await notYetValidCa('Test BankID SSL Root CA v1 Test'));

    const old = await startDemo({ KW_DATA_DIR: dataDir });
    try {
      expect(old.banner).toContain('Remade the card test PKI in');
      expect(old.banner).toContain('tls-ca.pem were not valid today');
      expect(old.banner).toContain('Remade the BankID test PKI in');
      expect(old.banner).toContain('ssl-root.pem were not valid today');
      expect(await loginWithBankId(old, 'qr', '198112289874')).toBe('Välkommen, Testa Testsson');
      expect(await loginWithDemoCard(old, 'svenska_pass_card', /Testa Testsson/)).toBe('Välkommen, Testa Testsson');
    } finally {
      await stopDemo(old);
    }
  }, 180_000);

  test('the e-ID self-test takes a demo card through the demo card reader', async () => {
    await inBrowser(first!, async (page) => {
      await page.goto('/testa-e-legitimation');
      await checkA11y(page);
      await page.locator('[data-demo="card-reader"] a').click();
      await page.waitForURL('**/netid/card-login?**');
      await page.getByRole('radio', { name: /Testa Testsson/ }).check();
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.waitForURL('**/testa-e-legitimation/kort/resultat**', { timeout: 30_000 });
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Testet lyckades.');
      expect(await page.locator('main').textContent()).toContain('XXXXXXXX-9874');
      await checkA11y(page);
    });
  }, 60_000);

  test('the demo card reader talks only to its own card-login address', async () => {
    const reader = `http://localhost:${first!.port + 3}/netid/card-login`;
    const elsewhere = await fetch(`${reader}?next=${encodeURIComponent('https://example.org/card/login?state=x')}`);
    expect(elsewhere.status).toBe(400);
    const posted = await fetch(reader, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ next: `http://127.0.0.1:${first!.port + 2}/ocsp/telia?`, card: '191212121212' }),
    });
    expect(posted.status).toBe(400);
  });
});
