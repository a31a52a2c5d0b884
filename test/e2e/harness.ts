/**
 * The browser harness of the e2e journeys: the real app on a loopback listener, Chromium
 * (see chromium.ts) driven by playwright-core, axe-core run on every page a journey visits
 * together with two checks axe cannot make (the page reflows at 320 CSS px, WCAG 1.4.10;
 * no word inside a table cell is broken), and a monitor that fails the journey on console errors, uncaught exceptions, Content
 * Security Policy violations, HTML pages served without our CSP, and any request that would
 * leave the loopback app.
 *
 * Nothing here is skipped when Chromium is missing: a browser journey that silently does
 * not run proves nothing, so the harness fails loudly instead.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort } from '../support/ports.js';
import { launchChromium } from './chromium.js';

export {
  CHROMIUM_ARGS,
  findChromium,
  launchChromium,
  resolveChromium,
  type FoundChromium,
} from './chromium.js';

const require = createRequire(import.meta.url);

/** The WCAG levels every page must meet (DESIGN §6: WCAG 2.1 A and AA). */
export const AXE_TAGS: readonly string[] = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The person of most journeys: Tolvan Tolvansson, member of two organisations. */
export const TOLVAN = '191212121212';

export interface E2E {
  app: TestApp;
  browser: Browser;
  /** http://127.0.0.1:<port>, also the app's public URL (the CSRF origin check needs it). */
  baseUrl: string;
  /** Other loopback origins journeys may visit (card listener, simulated signer). */
  extraOrigins: string[];
  close(): Promise<void>;
}

/**
 * Starts the real app (test mode, in-memory SQLite, demo people, ManualClock) on a loopback
 * port whose URL is also its public URL, and launches Chromium. Close it in afterAll.
 */
export async function startE2E(
  options: { env?: Record<string, string> | ((baseUrl: string) => Promise<Record<string, string>>) } = {},
): Promise<E2E> {
  let app: TestApp | undefined;
  let baseUrl = '';
  for (let attempt = 1; app === undefined; attempt++) {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const extra = typeof options.env === 'function' ? await options.env(baseUrl) : (options.env ?? {});
    const started = await startTestApp({
      env: { KW_HOST: '127.0.0.1', KW_PORT: String(port), KW_PUBLIC_URL: baseUrl, ...extra },
    });
    try {
      await started.app.listen({ host: '127.0.0.1', port });
      app = started;
    } catch (err) {
      await started.close();
      // Another process took the port between the probe and the listen: try another.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 3) throw err;
    }
  }
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    app,
    browser,
    baseUrl,
    extraOrigins: [],
    async close() {
      await browser.close();
      await app.close();
    },
  };
}

// ---------------------------------------------------------------------------------------
// The page monitor
// ---------------------------------------------------------------------------------------

/** Statuses of "Failed to load resource" console messages, e.g. "... status of 404 (Not Found)". */
const FAILED_RESOURCE = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

/**
 * Watches one browser context: every problem a page reports, and which loaded pages still
 * wait for their axe scan. `problems` is checked when the journey ends.
 */
export class PageMonitor {
  readonly problems: string[] = [];
  /** Documents loaded but not yet scanned by axe, in load order. */
  private readonly unscanned: string[] = [];
  /** Error statuses a journey expects for the page it navigates to next (e.g. the 404 page). */
  private readonly expectedStatuses = new Set<number>();
  /** Main-frame documents that answered with an expected error status. */
  private readonly expectedFailures = new Map<string, number>();
  private readonly origin: string;
  private readonly allowed: Set<string>;

  constructor(baseUrl: string, extraOrigins: readonly string[] = []) {
    this.origin = new URL(baseUrl).origin;
    this.allowed = new Set([this.origin, ...extraOrigins.map((o) => new URL(o).origin)]);
  }

  /** Lets the next main-frame document answer `status` (an error page the journey asserts). */
  expectStatus(status: number): void {
    this.expectedStatuses.add(status);
  }

  /** Returns and clears the problems collected so far (for journeys that provoke one on purpose). */
  takeProblems(): string[] {
    return this.problems.splice(0, this.problems.length);
  }

  markScanned(url: string): void {
    const at = this.unscanned.indexOf(url);
    if (at >= 0) this.unscanned.splice(at, 1);
    // Earlier loads that were never scanned stay listed: they were visited without a scan.
  }

  /** Problems plus pages that were visited but never scanned. */
  report(): string[] {
    return [
      ...this.problems,
      ...this.unscanned.map((url) => `page visited but not scanned with axe: ${url}`),
    ];
  }

  async attach(context: BrowserContext): Promise<void> {
    // No journey may leave the loopback app: anything else is aborted and reported.
    await context.route(
      (url) => !this.allowed.has(url.origin),
      async (route) => {
        this.problems.push(
          `request outside the app was attempted: ${route.request().method()} ${route.request().url()}`,
        );
        await route.abort('blockedbyclient');
      },
    );
    // CSP violations are reported to us by an event listener; both the init script and the
    // binding are installed by the DevTools protocol, so they are not subject to the page's
    // CSP and cannot weaken it.
    await context.exposeBinding('__kwCspViolation', (source, violation: unknown) => {
      this.problems.push(`CSP violation on ${source.page?.url() ?? '?'}: ${JSON.stringify(violation)}`);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { __kwCspViolation: (v: unknown) => void }).__kwCspViolation;
        report({
          directive: event.effectiveDirective,
          blocked: event.blockedURI,
          source: event.sourceFile,
          line: event.lineNumber,
          sample: event.sample,
        });
      });
    });
    context.on('page', (page) => this.watch(page));
  }

  private watch(page: Page): void {
    pageMonitors.set(page, this);
    page.on('pageerror', (error) =>
      this.problems.push(`uncaught exception on ${page.url()}: ${error.message}`),
    );
    page.on('console', (message) => this.onConsole(page, message));
    page.on('load', () => this.unscanned.push(page.url()));
    page.on('response', (response) => {
      const request = response.request();
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
      const status = response.status();
      if (status >= 300 && status < 400) return;
      const url = response.url();
      if (status >= 400) {
        if (this.expectedStatuses.delete(status)) this.expectedFailures.set(url, status);
        else this.problems.push(`unexpected HTTP ${status} for ${url}`);
      }
      const headers = response.headers();
      // The portal's own pages carry the strict CSP; dev tools on other origins need not.
      if (new URL(url).origin === this.origin && (headers['content-type'] ?? '').startsWith('text/html')) {
        const csp = headers['content-security-policy'] ?? '';
        if (!/(^|;)\s*script-src 'self'\s*(;|$)/.test(csp)) {
          this.problems.push(`HTML page without the strict script-src CSP: ${url} (CSP: "${csp}")`);
        }
      }
    });
  }

  private onConsole(page: Page, message: ConsoleMessage): void {
    if (message.type() !== 'error') return;
    const text = message.text();
    const location = message.location();
    const failed = FAILED_RESOURCE.exec(text);
    // Chromium logs the status of an error page itself as a failed resource; when the
    // journey expects exactly that page it is not a problem of the page.
    if (failed && this.expectedFailures.get(location.url) === Number(failed[1])) return;
    this.problems.push(
      `console error on ${page.url()}: ${text}${location.url ? ` (at ${location.url}:${location.lineNumber})` : ''}`,
    );
  }
}

const pageMonitors = new WeakMap<Page, PageMonitor>();

/** The monitor watching `page`. */
export function monitorOf(page: Page): PageMonitor {
  const monitor = pageMonitors.get(page);
  if (!monitor) throw new Error('page was not opened through withPage()');
  return monitor;
}

/**
 * Marks that the next main-frame document `page` loads may answer with `status`: the
 * journey asserts that error page (404, 401) itself.
 */
export function expectStatus(page: Page, status: number): void {
  monitorOf(page).expectStatus(status);
}

// ---------------------------------------------------------------------------------------
// axe-core
// ---------------------------------------------------------------------------------------

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeGlobal {
  run(context: Document, options: RunOptions): Promise<AxeResults>;
}

interface FoundViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}

/** Human-readable report of axe violations: rule id, impact, target selectors. */
export function formatViolations(url: string, violations: readonly FoundViolation[]): string {
  const lines = [`${violations.length} accessibility violation(s) (${AXE_TAGS.join(', ')}) on ${url}:`];
  for (const v of violations) {
    lines.push(`- [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      lines.push(`    target: ${node.target}`);
      lines.push(`      html: ${node.html}`);
      if (node.summary) lines.push(`      ${node.summary.replace(/\n/g, '\n      ')}`);
    }
  }
  return lines.join('\n');
}

/**
 * Runs axe-core on the page as it is now and fails on any WCAG 2.1 A/AA violation. axe is
 * injected with `evaluate` (a DevTools call, not a `<script>` element) because the page's
 * CSP allows no inline script, and the CSP must stay on while we test.
 */
export async function checkA11y(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  const url = page.url();
  const injected = await page.evaluate(() => 'axe' in window);
  if (!injected) await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  const violations = await page.evaluate(async (tags): Promise<FoundViolation[]> => {
    const axe = (window as unknown as { axe: AxeGlobal }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html,
        summary: n.failureSummary ?? '',
      })),
    }));
  }, AXE_TAGS as string[]);
  pageMonitors.get(page)?.markScanned(url);
  if (violations.length > 0) throw new Error(formatViolations(url, violations));
  await checkLayout(page);
  await screenshotOnce(page);
}

/** Where the journeys put their screenshots (kept out of the repository by .gitignore). */
export const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'screenshots');

/** A file name for a page: its path with ids made generic ("cases-_-steps-parties"), and its heading. */
function pageKey(url: string, heading = ''): string {
  const { pathname } = new URL(url);
  const generic = pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '_')
    .replace(/\/[A-Za-z0-9_-]{20,}/g, '/_')
    .replace(/[^A-Za-z0-9_]+/g, '-')
    .replace(/^-|-$/g, '');
  const title = heading
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .toLowerCase();
  return [generic || 'root', title].filter(Boolean).join('--');
}

/** A named screenshot of the page as it is, at 1280 and 390 px, to `test-results/screenshots/named/`. */
export async function shoot(page: Page, name: string): Promise<void> {
  const original = page.viewportSize();
  mkdirSync(path.join(SCREENSHOTS, 'named'), { recursive: true });
  try {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: original?.height ?? 900 });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'named', `${name}-${width}.png`), fullPage: true });
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}

const shot = new Set<string>();

/**
 * Every distinct page a journey scans (its path with ids made generic, and its heading) at
 * 1280 and 390 px wide, once per run, to `test-results/screenshots/pages/`: what a person
 * sees, for people to look at.
 */
async function screenshotOnce(page: Page): Promise<void> {
  const heading = (await page.locator('h1').first().textContent({ timeout: 1000 }).catch(() => '')) ?? '';
  const key = pageKey(page.url(), heading);
  if (shot.has(key)) return;
  shot.add(key);
  const original = page.viewportSize();
  mkdirSync(path.join(SCREENSHOTS, 'pages'), { recursive: true });
  try {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: original?.height ?? 900 });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'pages', `${key}-${width}.png`), fullPage: true });
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}

/** The width WCAG 1.4.10 asks content to reflow at without scrolling in two directions. */
export const REFLOW_WIDTH = 320;

/**
 * Two checks of what a person sees that axe cannot make, at the journey's width and again
 * at 320 CSS px: the page never scrolls sideways (a wide table may scroll inside its own
 * `.table-scroll` box, WCAG 1.4.10's exception for data tables), and no word in a table cell
 * is broken across lines ("Statu|s", "1970|1063-2391"): a run of letters or digits split
 * over two lines. Checksums and ids in `<code>` may break anywhere.
 */
export async function checkLayout(page: Page): Promise<void> {
  const url = page.url();
  const original = page.viewportSize();
  const problems: string[] = [];
  const look = async (width: number) => {
    const found = await page.evaluate(layoutProblemsInPage);
    problems.push(...found.broken.map((b) => `at ${width} px a word is broken in a table cell: ${b}`));
    if (found.overflow) problems.push(`at ${width} px the page scrolls sideways: ${found.overflow}`);
    if (found.broken.length > 0 || found.overflow) {
      // What the problem looks like, for the person who fixes it.
      const file = path.join(SCREENSHOTS, 'layout-problems', `${pageKey(url)}-${width}.png`);
      mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true });
    }
  };
  await look(original?.width ?? 0);
  if (original && original.width !== REFLOW_WIDTH) {
    await page.setViewportSize({ width: REFLOW_WIDTH, height: original.height });
    try {
      await look(REFLOW_WIDTH);
    } finally {
      await page.setViewportSize(original);
    }
  }
  if (problems.length > 0) throw new Error(`Layout of ${url}:\n- ${[...new Set(problems)].join('\n- ')}`);
}

/** Runs in the page: words broken inside table cells, and what makes the page wider than the window. */
function layoutProblemsInPage(): { broken: string[]; overflow: string | null } {
  const describe = (el: Element): string => {
    const id = el.id ? `#${el.id}` : '';
    const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    return `${el.tagName.toLowerCase()}${id}${cls}`;
  };
  const hidden = (el: Element): boolean => {
    for (let e: Element | null = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
      const box = e.getBoundingClientRect();
      if (style.position === 'absolute' && box.width <= 1 && box.height <= 1) return true;
    }
    return false;
  };
  const broken: string[] = [];
  for (const cell of Array.from(document.querySelectorAll('td, th'))) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('code, [data-break-anywhere]') || hidden(parent)) continue;
      const text = node.textContent ?? '';
      // Runs of letters and digits: a break between punctuation ("</title><script>") is
      // one the line breaker may make, a break inside "Status" or "19701063" is not.
      const words = /[\p{L}\p{N}]{2,}/gu;
      for (let m = words.exec(text); m; m = words.exec(text)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(`"${m[0]}" in ${describe(cell)}`);
      }
    }
  }
  const root = document.documentElement;
  let overflow: string | null = null;
  if (root.scrollWidth > root.clientWidth + 1) {
    // The innermost elements that stick out, leaving out those inside a box that scrolls on
    // its own and itself fits.
    // An element sticks out with its box, or with text that overflows its box (a long URL).
    const sticksOut = (el: Element) =>
      el.getBoundingClientRect().right > root.clientWidth + 1 ||
      (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).overflowX === 'visible');
    const culprits: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (!sticksOut(el) || el.getBoundingClientRect().width === 0) continue;
      if (Array.from(el.children).some(sticksOut)) continue;
      // An absolutely positioned element escapes a scrolling box unless something between
      // them is positioned (a visually hidden caption in a wide table widens the page).
      let contained = false;
      let escaping = getComputedStyle(el).position === 'absolute';
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        const style = getComputedStyle(e);
        const ox = style.overflowX;
        if (!escaping && (ox === 'auto' || ox === 'scroll' || ox === 'hidden') && !sticksOut(e)) contained = true;
        if (style.position !== 'static') escaping = false;
      }
      if (!contained) culprits.push(`${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
      if (culprits.length >= 5) break;
    }
    if (culprits.length === 0) {
      const widest = Array.from(document.body.querySelectorAll('*'))
        .map((el) => ({ el, right: el.getBoundingClientRect().right }))
        .sort((a, b) => b.right - a.right)
        .slice(0, 3);
      culprits.push(...widest.map((w) => `${describe(w.el)} (right edge ${Math.round(w.right)} px)`));
    }
    overflow = `${root.scrollWidth} px wide in a ${root.clientWidth} px window; ${culprits.join(', ')}`;
  }
  return { broken, overflow };
}

// ---------------------------------------------------------------------------------------
// Journeys
// ---------------------------------------------------------------------------------------

export interface PageOptions {
  /** Log this person in (through the real login service) before the journey starts. */
  loginAs?: string;
  /** Browser language; Swedish unless a journey says otherwise. */
  locale?: string;
  /** Client certificates the browser presents (a card in the reader). */
  clientCertificates?: { origin: string; certPath: string; keyPath: string }[];
  /** false: a browser that runs no page scripts. */
  javaScriptEnabled?: boolean;
}

export interface Journey {
  page: Page;
  context: BrowserContext;
  monitor: PageMonitor;
  /** Session cookie and CSRF token when `loginAs` was given. */
  login: { cookie: string; csrf: string } | undefined;
}

/**
 * Runs `journey` in a fresh browser context (own cookies) on the app, then fails it on
 * anything the monitor saw: console errors, page errors, CSP violations, requests outside
 * the app, unexpected error statuses, and pages visited without an axe scan.
 */
export async function withPage<T>(
  e2e: E2E,
  journey: (j: Journey) => Promise<T>,
  options: PageOptions = {},
): Promise<T> {
  const context = await e2e.browser.newContext({
    baseURL: e2e.baseUrl,
    locale: options.locale ?? 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    viewport: { width: 1280, height: 900 },
    ...(options.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}),
    ...(options.clientCertificates
      ? { clientCertificates: options.clientCertificates, ignoreHTTPSErrors: true }
      : {}),
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const monitor = new PageMonitor(e2e.baseUrl, e2e.extraOrigins);
  let result: T;
  try {
    await monitor.attach(context);
    let login: Journey['login'];
    if (options.loginAs) {
      login = await e2e.app.loginAs(options.loginAs);
      const separator = login.cookie.indexOf('=');
      await context.addCookies([
        {
          name: login.cookie.slice(0, separator),
          value: login.cookie.slice(separator + 1),
          url: e2e.baseUrl,
        },
      ]);
    }
    const page = await context.newPage();
    try {
      result = await journey({ page, context, monitor, login });
    } catch (err) {
      const seen = monitor.report();
      if (seen.length > 0 && err instanceof Error) {
        err.message += `\n\nThe page monitor also saw:\n- ${seen.join('\n- ')}`;
      }
      throw err;
    }
  } finally {
    await context.close();
  }
  const seen = monitor.report();
  if (seen.length > 0) throw new Error(`The page monitor saw problems:\n- ${seen.join('\n- ')}`);
  return result;
}
