/**
 * Browser journeys through the portal in real Chromium: the anonymous pages, the language
 * switch, Kundwebbinfo and its feeds, the rollout plan over time, the logged-in start page
 * with the choice of organisation and logout, the idle-timeout warning (WCAG 2.2.1), the
 * accessibility statement and the 404 page. Every page visited is scanned with axe-core
 * (WCAG 2.1 A/AA), and the harness fails a journey on any console error, script error,
 * CSP violation or request outside the app.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { TEST_NOW } from '../support/app.js';
import { checkA11y, expectStatus, startE2E, TOLVAN, withPage, type E2E } from './harness.js';
import { BasePage, InfoPage, LoginPage, StartPage } from './pages.js';

const TELIA = 'ID-kort från Telia';
const SVENSKA_PASS = 'ID-kort från Skatteverket (AB Svenska Pass)';
const BANKID = 'BankID';

/** Idle timeout and warning of these journeys (seconds); the warning journey depends on them. */
const IDLE_SECONDS = 300;
const WARNING_SECONDS = 120;

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E({
    env: {
      KW_SESSION_IDLE_SECONDS: String(IDLE_SECONDS),
      KW_SESSION_WARNING_SECONDS: String(WARNING_SECONDS),
    },
  });
});

afterAll(async () => {
  await e2e?.close();
});

afterEach(() => {
  // Journeys that move time put it back, but a failed one must not leak into the next.
  e2e.app.clock.set(TEST_NOW);
});

/** Whether `locator`'s element has the keyboard focus. */
async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === document.activeElement);
}

/** The computed outline of the focused element, as a user would see it. */
async function focusOutline(page: Page): Promise<{ style: string; width: string; tag: string }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return { style: 'none', width: '0px', tag: '' };
    const css = getComputedStyle(el);
    return { style: css.outlineStyle, width: css.outlineWidth, tag: el.tagName.toLowerCase() };
  });
}

describe('anonymous visitor', () => {
  test('/ leads to the Swedish login page that lists enabled and planned methods apart', async () => {
    await withPage(e2e, async ({ page }) => {
      const response = await page.goto('/');
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/login');
      const redirect = await response?.request().redirectedFrom()?.response();
      expect(redirect?.status()).toBe(303);
      expect(redirect?.url()).toBe(`${e2e.baseUrl}/`);
      const login = new LoginPage(page);
      expect(await login.htmlLang()).toBe('sv');
      expect(await login.h1.innerText()).toBe('Logga in i Kundwebben');
      await checkA11y(page);

      expect(await login.methodNames(login.enabledSection)).toEqual([TELIA]);
      // No card provider exists yet, so the enabled method says it cannot be used right now.
      const telia = login.method(login.enabledSection, TELIA);
      expect(await telia.innerText()).toContain(
        'Inloggningssättet är tillfälligt otillgängligt. Försök igen senare eller välj ett annat sätt.',
      );
      expect(await telia.getByRole('link').count()).toBe(0);

      expect(await login.methodNames(login.plannedSection)).toEqual([SVENSKA_PASS, BANKID]);
      expect(await login.method(login.plannedSection, SVENSKA_PASS).innerText()).toContain(
        'Kommer vecka 35 2027.',
      );
      expect(await login.method(login.plannedSection, BANKID).innerText()).toContain(
        'Kommer i mitten av september 2027.',
      );
      expect(
        await login.main
          .getByRole('link', { name: 'Läs mer om inloggningsalternativen' })
          .getAttribute('href'),
      ).toBe('/info');
    });
  });

  test('the skip link is the first stop of the keyboard, moves focus to main, and focus is visible', async () => {
    await withPage(e2e, async ({ page }) => {
      await page.goto('/login');
      await checkA11y(page);
      const login = new LoginPage(page);

      await page.keyboard.press('Tab');
      expect(await isFocused(login.skipLink)).toBe(true);
      expect(await login.skipLink.innerText()).toBe('Hoppa till huvudinnehållet');
      // Hidden off-screen until focused, then shown on screen (WCAG 2.4.1, 2.4.7).
      expect(await login.skipLink.isVisible()).toBe(true);
      const skipBox = await login.skipLink.boundingBox();
      expect(skipBox?.y ?? -1).toBeGreaterThanOrEqual(0);
      const skipOutline = await focusOutline(page);
      expect(skipOutline.style).not.toBe('none');

      await page.keyboard.press('Enter');
      // A same-document navigation: the browser may report it a moment after the key press.
      await expect.poll(() => new URL(page.url()).hash).toBe('#main');
      await expect.poll(() => isFocused(login.main)).toBe(true);

      // The next Tab continues inside main: the first link there, with a visible outline.
      await page.keyboard.press('Tab');
      const moreInfo = login.main.getByRole('link', { name: 'Läs mer om inloggningsalternativen' });
      expect(await isFocused(moreInfo)).toBe(true);
      const outline = await focusOutline(page);
      expect(outline.tag).toBe('a');
      expect(outline.style).not.toBe('none');
      expect(outline.width).not.toBe('0px');
    });
  });

  test('the language switch keeps the page and translates it, and switches back', async () => {
    await withPage(e2e, async ({ page }) => {
      await page.goto('/info');
      await checkA11y(page);
      const sv = new InfoPage(page, 'sv');
      expect(await sv.htmlLang()).toBe('sv');
      expect(await sv.timetableHeading.count()).toBe(1);
      expect(await sv.languageSwitch.innerText()).toBe('In English');
      expect(await sv.languageSwitch.getAttribute('lang')).toBe('en');

      await sv.switchLanguage();
      expect(new URL(page.url()).pathname).toBe('/info');
      await checkA11y(page);
      const en = new InfoPage(page, 'en');
      expect(await en.htmlLang()).toBe('en');
      expect(await en.h1.innerText()).toBe('Kundwebbinfo');
      expect(await en.timetableHeading.innerText()).toBe('Timetable of login options');
      expect((await en.rows()).map((r) => [r.method, r.status])).toEqual([
        ['ID card from Telia', 'Works now'],
        ['ID card from Skatteverket (AB Svenska Pass)', 'Planned'],
        ['BankID', 'Planned'],
      ]);
      expect(await en.main.innerText()).toContain('In week 35 2027 we plan to introduce login with');
      expect(await en.languageSwitch.innerText()).toBe('På svenska');

      await en.switchLanguage();
      expect(new URL(page.url()).pathname).toBe('/info');
      await checkA11y(page);
      expect(await sv.htmlLang()).toBe('sv');
      expect(await sv.timetableHeading.innerText()).toBe('Tidplan för inloggningsalternativ');
    });
  });
});

describe('Kundwebbinfo', () => {
  test('shows the timetable with three methods, the announced dates, and working feeds', async () => {
    await withPage(e2e, async ({ page }) => {
      const info = new InfoPage(page);
      expect((await info.goto())?.status()).toBe(200);
      await checkA11y(page);
      expect(await info.h1.innerText()).toBe('Kundwebbinfo');

      const rows = await info.rows();
      expect(rows.map((r) => [r.method, r.from, r.until, r.status])).toEqual([
        [TELIA, '1 januari 2012', 'Tills vidare', 'Fungerar nu'],
        [SVENSKA_PASS, 'vecka 35 2027', 'Tills vidare', 'Planerad'],
        [BANKID, 'i mitten av september 2027', 'Tills vidare', 'Planerad'],
      ]);
      const text = await info.main.innerText();
      expect(text).toContain(`Idag är det endast möjligt att logga in i Kundwebben med ${TELIA}.`);
      expect(text).toContain(`Vecka 35 2027 planerar vi att införa inloggning med ${SVENSKA_PASS}.`);
      expect(text).toContain(`I mitten av september 2027 planerar vi att införa inloggning med ${BANKID}.`);

      const jsonHref = await info.feedLink('JSON').getAttribute('href');
      expect(jsonHref).toBe('/info/plan.json');
      const json = await page.request.get(jsonHref!);
      expect(json.status()).toBe(200);
      expect(json.headers()['content-type']).toMatch(/^application\/json\b/);
      const plan = (await json.json()) as { methods: { id: string; status: string }[] };
      expect(plan.methods.map((m) => [m.id, m.status])).toEqual([
        ['telia_card', 'enabled'],
        ['svenska_pass_card', 'planned'],
        ['bankid', 'planned'],
      ]);

      const icsHref = await info.feedLink(/kalender \(iCalendar\)/).getAttribute('href');
      expect(icsHref).toBe('/info/plan.ics?lang=sv');
      const ics = await page.request.get(icsHref!);
      expect(ics.status()).toBe(200);
      expect(ics.headers()['content-type']).toMatch(/^text\/calendar\b/);
      const calendar = await ics.text();
      expect(calendar.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
      expect(calendar.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
      expect(calendar.match(/^BEGIN:VEVENT\r$/gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
    });
  });
});

describe('the rollout plan over time', () => {
  test('after mid-September 2027 every method works; after an end date Telia is gone', async () => {
    try {
      await withPage(e2e, async ({ page }) => {
        e2e.app.clock.set('2027-09-20T10:00:00Z');
        const login = new LoginPage(page);
        await login.goto();
        await checkA11y(page);
        expect(await login.methodNames(login.enabledSection)).toEqual([TELIA, SVENSKA_PASS, BANKID]);
        expect(await login.plannedSection.count()).toBe(0);
        expect(await login.main.innerText()).not.toContain('Kommande inloggningssätt');

        const info = new InfoPage(page);
        await info.goto();
        await checkA11y(page);
        expect((await info.rows()).map((r) => r.status)).toEqual([
          'Fungerar nu',
          'Fungerar nu',
          'Fungerar nu',
        ]);

        // The last day with Telia is 31 December 2027 (midnight Stockholm ends it).
        await e2e.app.services.plan.change(
          'telia_card',
          { enabledUntil: new Date('2027-12-31T23:00:00Z') },
          null,
        );
        e2e.app.clock.set('2028-01-10T10:00:00Z');
        await login.goto();
        await checkA11y(page);
        expect(await login.methodNames(login.enabledSection)).toEqual([SVENSKA_PASS, BANKID]);
        expect(await login.main.innerText()).not.toContain(TELIA);

        await info.goto();
        await checkA11y(page);
        const telia = (await info.rows()).find((r) => r.method === TELIA);
        expect(telia?.status).toBe('Avslutad');
        expect(telia?.until).toBe('1 januari 2028');
        // Running text leaves out the current year.
        expect(await info.main.innerText()).toContain(`Inloggning med ${TELIA} upphörde 1 januari.`);
      });
    } finally {
      await e2e.app.services.plan.change('telia_card', { enabledUntil: null }, null);
      e2e.app.clock.set(TEST_NOW);
    }
  });
});

describe('logged in', () => {
  test('Tolvan chooses the company to act for, logs out, and the start page then asks to log in', async () => {
    await withPage(
      e2e,
      async ({ page, login: session }) => {
        const start = new StartPage(page);
        expect((await start.goto())?.status()).toBe(200);
        await checkA11y(page);
        expect(await start.h1.innerText()).toBe('Välkommen, Tolvan Tolvansson');
        expect(await page.getByRole('banner').innerText()).toContain('Inloggad som Tolvan Tolvansson');
        // No company is chosen for her: the start page asks, and the header offers the choice.
        expect(await page.getByRole('banner').getByRole('link', { name: 'Välj företag' }).count()).toBe(1);
        await Promise.all([page.waitForURL('**/start/organisation'), start.main.getByRole('link', { name: 'Välj vilket företag du företräder' }).click()]);
        await checkA11y(page);
        expect(await start.h1.innerText()).toBe('Välj företag');
        const group = page.getByRole('group', { name: 'Välj vilket företag du företräder' });
        expect(await group.getByRole('radio').count()).toBe(2);
        // None is chosen in advance; continuing without a choice is refused with the reason.
        expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
        expectStatus(page, 422);
        await page.getByRole('button', { name: 'Fortsätt' }).click();
        await expect.poll(() => page.title()).toMatch(/^Fel: Välj företag/);
        await checkA11y(page);
        expect(await page.getByRole('alert').innerText()).toContain('Välj det företag du företräder.');

        await start.chooseOrganisation('Skärgårdens Sensorer AB (559012-3450)');
        await checkA11y(page);
        expect(await start.messages()).toEqual(['Du företräder nu Skärgårdens Sensorer AB.']);
        expect(await start.main.innerText()).toContain(
          'Du företräder Skärgårdens Sensorer AB (559012-3450).',
        );
        // The header says which company on every page, with the way to change it.
        expect(await page.getByRole('banner').innerText()).toContain('för Skärgårdens Sensorer AB');
        await page.goto('/cases');
        await checkA11y(page);
        expect(await page.getByRole('banner').innerText()).toContain('för Skärgårdens Sensorer AB');
        await start.goto();
        await checkA11y(page);

        await start.logOut();
        await checkA11y(page);
        const loginPage = new LoginPage(page);
        expect(await loginPage.h1.innerText()).toBe('Logga in i Kundwebben');
        expect(await loginPage.messages()).toEqual(['Du är nu utloggad.']);
        expect(await page.getByRole('banner').getByRole('button', { name: 'Logga ut' }).count()).toBe(0);

        // Back to the start page: the browser asks again (no-store) and is refused.
        expectStatus(page, 401);
        const back = await page.goBack();
        expect(back?.status()).toBe(401);
        expect(new URL(page.url()).pathname).toBe('/start');
        await checkA11y(page);
        const refused = new BasePage(page);
        expect(await refused.h1.innerText()).toBe('Något gick fel');
        expect(await page.getByRole('alert').innerText()).toBe('Du behöver logga in för att se sidan.');
        expect(
          await refused.main.getByRole('link', { name: 'Logga in', exact: true }).getAttribute('href'),
        ).toBe('/login');

        // Logout destroyed the session itself, not only the browser's cookie.
        const replay = await e2e.app.app.inject({
          method: 'GET',
          url: '/start',
          headers: { cookie: session!.cookie },
        });
        expect(replay.statusCode).toBe(401);
      },
      { loginAs: TOLVAN },
    );
  });
});

describe('idle-timeout warning (WCAG 2.2.1)', () => {
  test('warns before the session ends, and "Fortsätt vara inloggad" keeps the session alive', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        const t0 = e2e.app.clock.now().getTime();
        // The page's timers run on a fake clock that starts at the server's time, so the
        // journey can jump ahead instead of waiting minutes.
        await page.clock.install({ time: t0 });
        const start = new StartPage(page);
        await start.goto();
        await checkA11y(page);
        const dialog = page.getByRole('alertdialog', { name: 'Du loggas snart ut' });
        expect(await dialog.count()).toBe(0);

        // 200 s idle: 100 s left, inside the 120 s warning window. The server decides.
        e2e.app.clock.advance(200_000);
        await page.clock.fastForward(200_000);
        await dialog.waitFor({ state: 'visible' });
        expect(await dialog.getAttribute('aria-modal')).toBe('true');
        expect(await dialog.innerText()).toContain('2 minuter');
        const stay = dialog.getByRole('button', { name: 'Fortsätt vara inloggad' });
        const logoutNow = dialog.getByRole('button', { name: 'Logga ut nu' });
        await expect.poll(() => isFocused(stay)).toBe(true);
        await checkA11y(page);

        // Focus stays inside the modal dialog.
        await page.keyboard.press('Tab');
        expect(await isFocused(logoutNow)).toBe(true);
        await page.keyboard.press('Tab');
        expect(await isFocused(stay)).toBe(true);
        await page.keyboard.press('Shift+Tab');
        expect(await isFocused(logoutNow)).toBe(true);

        const [extend] = await Promise.all([
          page.waitForResponse(
            (r) => new URL(r.url()).pathname === '/session/extend' && r.request().method() === 'POST',
          ),
          stay.click(),
        ]);
        expect(extend.status()).toBe(200);
        const extended = (await extend.json()) as { expiresAt: number };
        expect(extended.expiresAt).toBe(t0 + 200_000 + IDLE_SECONDS * 1000);
        await dialog.waitFor({ state: 'hidden' });
        await expect
          .poll(() => page.getByRole('status').filter({ hasText: 'Du är fortfarande inloggad.' }).count())
          .toBe(1);
        await checkA11y(page);

        // 450 s after the start: past the original end (300 s), before the extended one (500 s).
        e2e.app.clock.advance(250_000);
        const remaining = await page.request.get('/session/remaining');
        expect(((await remaining.json()) as { expiresAt: number | null }).expiresAt).toBe(extended.expiresAt);
        const reloaded = await page.reload();
        expect(reloaded?.status()).toBe(200);
        await checkA11y(page);
        expect(await start.h1.innerText()).toBe('Välkommen, Tolvan Tolvansson');
      },
      { loginAs: TOLVAN },
    );
  });

  test('"Logga ut nu" in the warning logs out; letting it run out ends the session', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        const t0 = e2e.app.clock.now().getTime();
        await page.clock.install({ time: t0 });
        await page.goto('/start');
        await checkA11y(page);
        const dialog = page.getByRole('alertdialog', { name: 'Du loggas snart ut' });
        e2e.app.clock.advance(200_000);
        await page.clock.fastForward(200_000);
        await dialog.waitFor({ state: 'visible' });
        await Promise.all([
          page.waitForURL(/\/login\?m=logged_out$/),
          dialog.getByRole('button', { name: 'Logga ut nu' }).click(),
        ]);
        await checkA11y(page);
        expect(await new LoginPage(page).messages()).toEqual(['Du är nu utloggad.']);
      },
      { loginAs: TOLVAN },
    );

    await withPage(
      e2e,
      async ({ page }) => {
        const t0 = e2e.app.clock.now().getTime();
        await page.clock.install({ time: t0 });
        await page.goto('/start');
        await checkA11y(page);
        // Nobody answers the warning: once the server says the session is over, the page
        // leaves for the login page and says why.
        e2e.app.clock.advance(IDLE_SECONDS * 1000 + 1_000);
        await Promise.all([
          page.waitForURL(/\/login\?m=session_ended$/),
          page.clock.fastForward(IDLE_SECONDS * 1000),
        ]);
        await checkA11y(page);
        expect(await new LoginPage(page).messages()).toEqual([
          'Du har loggats ut automatiskt för din säkerhet: en inloggning avslutas efter 5 minuter utan aktivitet, och senast efter 10 timmar. Logga in igen för att fortsätta. Det du har sparat finns kvar.',
        ]);
      },
      { loginAs: TOLVAN },
    );
  });
});

describe('accessibility statement and error pages', () => {
  test('the accessibility statement is reachable from the footer', async () => {
    await withPage(e2e, async ({ page }) => {
      await page.goto('/login');
      await checkA11y(page);
      const login = new LoginPage(page);
      await Promise.all([
        page.waitForURL(/\/tillganglighet$/),
        login.footer.getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click(),
      ]);
      await checkA11y(page);
      const statement = new BasePage(page);
      expect(await statement.h1.innerText()).toBe('Tillgänglighetsredogörelse');
      expect(await statement.main.getByRole('heading', { level: 2, name: 'Kända brister' }).count()).toBe(1);
      expect(await statement.main.innerText()).toContain('WCAG 2.1 nivå AA');
    });
  });

  test('an unknown address gives a translated 404 page', async () => {
    await withPage(e2e, async ({ page }) => {
      expectStatus(page, 404);
      const response = await page.goto('/finns-inte');
      expect(response?.status()).toBe(404);
      await checkA11y(page);
      const notFound = new BasePage(page, 'sv');
      expect(await notFound.htmlLang()).toBe('sv');
      expect(await notFound.h1.innerText()).toBe('Något gick fel');
      expect(await page.getByRole('alert').innerText()).toBe(
        'Sidan finns inte. Kontrollera adressen eller gå till startsidan.',
      );
      expect(await notFound.main.getByRole('link', { name: 'Till startsidan' }).getAttribute('href')).toBe(
        '/',
      );

      expectStatus(page, 404);
      await notFound.switchLanguage();
      expect(new URL(page.url()).pathname).toBe('/finns-inte');
      await checkA11y(page);
      const english = new BasePage(page, 'en');
      expect(await english.htmlLang()).toBe('en');
      expect(await english.h1.innerText()).toBe('Something went wrong');
      expect(await page.getByRole('alert').innerText()).toBe(
        'The page does not exist. Check the address or go to the start page.',
      );
    });
  });
});

describe('Content Security Policy', () => {
  test('an injected inline script is refused by the CSP, and the harness notices', async () => {
    // Attack: markup injected into a page carries an inline script. Invariant: the CSP
    // (script-src 'self', no 'unsafe-inline') keeps it from running, and the page monitor
    // that guards every other journey reports the violation.
    await withPage(e2e, async ({ page, monitor }) => {
      await page.goto('/login');
      await checkA11y(page);
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true;';
        document.body.append(script);
      });
      await expect.poll(() => monitor.problems.some((p) => p.startsWith('CSP violation'))).toBe(true);
      expect(await page.evaluate(() => '__injected' in window)).toBe(false);
      const seen = monitor.takeProblems();
      expect(seen.some((p) => p.includes('"directive":"script-src-elem"'))).toBe(true);
    });
  });
});
