/**
 * Page objects of the journeys. They find things the way a user of assistive technology
 * does, by role and accessible name (getByRole, getByLabel), so a page that loses a label,
 * a heading or a landmark breaks the journey. The visible texts are written out here
 * rather than taken from the catalogs, so a changed or missing translation is noticed.
 */
import type { Locator, Page, Response } from 'playwright-core';

export type Lang = 'sv' | 'en';

const TEXT = {
  sv: {
    skip: 'Hoppa till huvudinnehållet',
    mainNav: 'Huvudmeny',
    footer: 'Sidfot',
    switchLanguage: 'Read this page in English',
    loginTitle: 'Logga in i Kundwebben',
    enabledHeading: 'Inloggningssätt som fungerar nu',
    plannedHeading: 'Kommande inloggningssätt',
    infoTitle: 'Kundwebbinfo',
    timetableHeading: 'Tidplan för inloggningsalternativ',
    timetableCaption: 'Inloggningssätt i Kundwebben och när de gäller',
    orgField: 'Företag',
    orgSubmit: 'Byt företag',
    orgContinue: 'Fortsätt',
    logout: 'Logga ut',
    accessibility: 'Tillgänglighetsredogörelse',
  },
  en: {
    skip: 'Skip to main content',
    mainNav: 'Main menu',
    footer: 'Footer',
    switchLanguage: 'Läs sidan på svenska',
    loginTitle: 'Log in to Kundwebben',
    enabledHeading: 'Login options that work now',
    plannedHeading: 'Upcoming login options',
    infoTitle: 'Kundwebbinfo',
    timetableHeading: 'Timetable of login options',
    timetableCaption: 'Login options in Kundwebben and when they apply',
    orgField: 'Company',
    orgSubmit: 'Change company',
    orgContinue: 'Continue',
    logout: 'Log out',
    accessibility: 'Accessibility statement',
  },
} as const;

/** The parts every page shares: header navigation, language switch, skip link, footer. */
export class BasePage {
  readonly page: Page;
  readonly lang: Lang;
  readonly text: (typeof TEXT)[Lang];
  constructor(page: Page, lang: Lang = 'sv') {
    this.page = page;
    this.lang = lang;
    this.text = TEXT[lang];
  }

  get h1(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }
  get main(): Locator {
    return this.page.getByRole('main');
  }
  get skipLink(): Locator {
    return this.page.getByRole('link', { name: this.text.skip });
  }
  get mainNav(): Locator {
    return this.page.getByRole('navigation', { name: this.text.mainNav });
  }
  get footer(): Locator {
    return this.page.getByRole('navigation', { name: this.text.footer });
  }
  get languageSwitch(): Locator {
    return this.mainNav.getByRole('link', { name: this.text.switchLanguage });
  }

  /** The `lang` attribute of the document. */
  async htmlLang(): Promise<string | null> {
    return this.page.locator('html').getAttribute('lang');
  }

  /** Follows the language switch and waits for the page in the other language. */
  async switchLanguage(): Promise<Lang> {
    const other: Lang = this.lang === 'sv' ? 'en' : 'sv';
    await this.languageSwitch.click();
    // The URL ends where it started, so wait for the translated document instead.
    await this.page.waitForFunction((lang) => document.documentElement.lang === lang, other);
    await this.page.waitForLoadState('load');
    return other;
  }

  /** Texts of the status/alert messages in main. */
  async messages(): Promise<string[]> {
    const notices = this.main.locator('[role="status"], [role="alert"]');
    return (await notices.allInnerTexts()).map((s) => s.trim());
  }
}

export class LoginPage extends BasePage {
  async goto(): Promise<Response | null> {
    return this.page.goto('/login');
  }
  get enabledSection(): Locator {
    return this.page.getByRole('region', { name: this.text.enabledHeading });
  }
  get plannedSection(): Locator {
    return this.page.getByRole('region', { name: this.text.plannedHeading });
  }
  /** Names (h3) of the methods listed in a section. */
  async methodNames(section: Locator): Promise<string[]> {
    return section.getByRole('heading', { level: 3 }).allInnerTexts();
  }
  /** The card of one method in a section, found by its heading. */
  method(section: Locator, name: string): Locator {
    return section
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { level: 3, name, exact: true }) });
  }
}

export interface TimetableRow {
  method: string;
  from: string;
  until: string;
  status: string;
  note: string;
}

export class InfoPage extends BasePage {
  async goto(): Promise<Response | null> {
    return this.page.goto('/info');
  }
  get timetable(): Locator {
    return this.page.getByRole('table', { name: this.text.timetableCaption });
  }
  /** The heading of the section that holds the timetable (another, hidden heading has the same text). */
  get timetableHeading(): Locator {
    return this.page
      .getByRole('region')
      .filter({ has: this.timetable })
      .getByRole('heading', { level: 2, name: this.text.timetableHeading });
  }
  /** The body rows of the timetable as the user reads them (row header + cells). */
  async rows(): Promise<TimetableRow[]> {
    const rows = this.timetable.getByRole('row').filter({ has: this.page.getByRole('rowheader') });
    const out: TimetableRow[] = [];
    for (const row of await rows.all()) {
      const method = (await row.getByRole('rowheader').innerText()).trim();
      const [from = '', until = '', status = '', note = ''] = (
        await row.getByRole('cell').allInnerTexts()
      ).map((s) => s.trim());
      out.push({ method, from, until, status, note });
    }
    return out;
  }
  async statusOf(method: string): Promise<string | undefined> {
    return (await this.rows()).find((r) => r.method === method)?.status;
  }
  feedLink(name: 'JSON' | RegExp): Locator {
    return this.main.getByRole('link', { name });
  }
}

export class StartPage extends BasePage {
  async goto(): Promise<Response | null> {
    return this.page.goto('/start');
  }
  /** The radio buttons of the choice of company (on /start/organisation). */
  orgChoice(label: string): Locator {
    return this.page.getByRole('radio', { name: label, exact: true });
  }
  get changeOrgLink(): Locator {
    return this.page.getByRole('main').getByRole('link', { name: this.text.orgSubmit, exact: true });
  }
  get logoutButton(): Locator {
    return this.page.getByRole('banner').getByRole('button', { name: this.text.logout, exact: true });
  }
  /**
   * On the choice of company (right after login, or through "Byt företag" from the start
   * page): picks the company by its label and continues to the start page.
   */
  async chooseOrganisation(label: string): Promise<void> {
    if (!new URL(this.page.url()).pathname.startsWith('/start/organisation')) {
      await Promise.all([this.page.waitForURL('**/start/organisation'), this.changeOrgLink.click()]);
    }
    await this.orgChoice(label).check();
    await Promise.all([
      this.page.waitForURL(/\/start\?changed=1$/),
      this.page.getByRole('button', { name: this.text.orgContinue, exact: true }).click(),
    ]);
  }
  async logOut(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/login\?m=logged_out$/), this.logoutButton.click()]);
  }
}
