/**
 * Simulated browsers waiting for BankID (the load generator of the BankID case).
 *
 * Each browser does what a person choosing "BankID on another device" does: GET /login/bankid
 * (a session cookie, and the CSRF token from the hidden `_csrf` input), POST /bankid/start
 * (kind=auth, flow=qr) → 303 /bankid/wait, GET /bankid/wait (the waiting page, state pending,
 * QR flow), and then, as static/bankid.js does, GET /bankid/status once a second. Nobody
 * scans the QR code, so the order stays pending.
 *
 * - Every browser has its own cookies and its own client address (X-Forwarded-For, the portal
 *   trusts the loopback proxy), so the per-address login rate limit counts each apart.
 * - Polls run on a fixed one-second schedule per browser (phase: one second after its
 *   waiting page loaded), never more than one in flight per browser: when an answer comes
 *   after the next poll was due, the next one goes at once (and counts as late). So the
 *   offered load is N polls/s as long as answers take under a second.
 * - Requests share one undici Pool of keep-alive connections (`sockets` of them), as a
 *   proxy in front of the portal would; a browser is not tied to a connection.
 * - A poll is measured from just before it is sent until its body is read. It is good when it
 *   answers 200 with `state: pending` and QR data. `state: failed` (BankID gave up on the
 *   order, e.g. startFailed) is a valid answer: the browser starts a new order as the retry
 *   button would (POST /bankid/start, GET /bankid/wait), counted as a restart, not an error.
 *   Anything else (other status or state, network error, timeout) is an error; after an
 *   answer that says the order is gone, the browser starts over from /login/bankid.
 * - With `qrSvg`, each good poll with `qr: true` is followed by GET /bankid/qr.svg, as the
 *   page's script did before it drew the QR code itself (static/qr.js); its latency is kept
 *   apart. Off by default: the page with script no longer loads the image.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface FleetOptions {
  /** `http://127.0.0.1:<port>` of the portal. */
  origin: string;
  /** Keep-alive connections to the portal, shared by all browsers. */
  sockets: number;
  /** Per request (headers and body each). */
  timeoutMs: number;
  /** Also load /bankid/qr.svg after each poll that says `qr: true`. */
  qrSvg: boolean;
}

/** Polls sent while a window was open, and how they went. */
export class PollWindow {
  readonly startMs = performance.now();
  endMs = Number.POSITIVE_INFINITY;
  /** Milliseconds, of the polls answered (pending or failed). */
  readonly latencies: number[] = [];
  readonly qrLatencies: number[] = [];
  sent = 0;
  answered = 0;
  errors = 0;
  /** Polls sent more than 50 ms after they were due (a busy load generator or slow answers). */
  late = 0;
  /** Orders BankID failed (state failed) and the browser re-created. */
  restarts = 0;
  inFlight = 0;
  readonly errorSamples = new Map<string, number>();

  noteError(what: string): void {
    this.errors++;
    this.errorSamples.set(what, (this.errorSamples.get(what) ?? 0) + 1);
  }

  get seconds(): number {
    return (Math.min(this.endMs, performance.now()) - this.startMs) / 1000;
  }
}

interface Reply {
  status: number;
  location: string | undefined;
  body: string;
}

class FlowError extends Error {}

interface Browser {
  readonly ip: string;
  readonly cookies: Map<string, string>;
  cookieHeader: string;
  csrf: string;
  nextDueMs: number;
  timer: NodeJS.Timeout | undefined;
}

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0 kundwebben-bench';
const LATE_MS = 50;

/** A distinct private address per browser, 10.78.0.1 onwards (never .0 or .255). */
function addressOf(index: number): string {
  const a = Math.floor(index / (254 * 254)) % 100;
  const b = Math.floor(index / 254) % 254;
  return `10.${78 + a}.${b + 1}.${(index % 254) + 1}`;
}

function errorName(err: unknown): string {
  if (err instanceof FlowError) return err.message;
  const e = err as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' ? e.code : String(e.message ?? err);
}

export class BrowserFleet {
  private readonly pool: Pool;
  private readonly browsers: Browser[] = [];
  private window: PollWindow | undefined;
  private stopped = false;
  private nextIndex = 0;
  private inFlight = 0;
  /** Over the whole run. */
  readonly totals = { created: 0, createErrors: 0, restarts: 0, restartErrors: 0, polls: 0, pollErrors: 0 };
  /** Creation failures by what went wrong, over the whole run. */
  readonly createErrorSamples = new Map<string, number>();

  private readonly options: FleetOptions;

  constructor(options: FleetOptions) {
    this.options = options;
    this.pool = new Pool(options.origin, {
      connections: options.sockets,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Browsers polling now. */
  get size(): number {
    return this.browsers.length;
  }

  private async request(
    browser: Browser,
    method: 'GET' | 'POST',
    path: string,
    accept: string,
    form?: string,
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      accept,
      'user-agent': USER_AGENT,
      'x-forwarded-for': browser.ip,
    };
    if (browser.cookieHeader !== '') headers['cookie'] = browser.cookieHeader;
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    this.inFlight++;
    try {
      const res = await this.pool.request({
        method,
        path,
        headers,
        ...(form !== undefined ? { body: form } : {}),
      });
      const body = await res.body.text();
      const setCookie = res.headers['set-cookie'];
      if (setCookie !== undefined) {
        for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
          const pair = line.split(';', 1)[0] ?? '';
          const eq = pair.indexOf('=');
          if (eq <= 0) continue;
          const name = pair.slice(0, eq).trim();
          const value = pair.slice(eq + 1).trim();
          if (value === '' || /;\s*max-age=0/i.test(line)) browser.cookies.delete(name);
          else browser.cookies.set(name, value);
        }
        browser.cookieHeader = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      }
      const location = res.headers['location'];
      return { status: res.statusCode, location: typeof location === 'string' ? location : undefined, body };
    } finally {
      this.inFlight--;
    }
  }

  /** The login page (session cookie and CSRF token), then a new order. Throws FlowError. */
  private async open(browser: Browser): Promise<void> {
    const page = await this.request(browser, 'GET', '/login/bankid', 'text/html');
    if (page.status !== 200) throw new FlowError(`GET /login/bankid answered ${page.status}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (csrf === undefined) throw new FlowError('GET /login/bankid: no _csrf input in the page');
    browser.csrf = csrf;
    await this.startOrder(browser);
  }

  /** POST /bankid/start (QR flow) and the waiting page. Throws FlowError. */
  private async startOrder(browser: Browser): Promise<void> {
    const form = `_csrf=${encodeURIComponent(browser.csrf)}&kind=auth&flow=qr`;
    const started = await this.request(browser, 'POST', '/bankid/start', 'text/html', form);
    if (started.status !== 303 || started.location !== '/bankid/wait') {
      throw new FlowError(
        `POST /bankid/start answered ${started.status}${started.location ? ` → ${started.location}` : ''}`,
      );
    }
    const wait = await this.request(browser, 'GET', '/bankid/wait', 'text/html');
    if (wait.status !== 200) throw new FlowError(`GET /bankid/wait answered ${wait.status}`);
    if (!wait.body.includes('data-state="pending"') || !wait.body.includes('data-flow="qr"')) {
      throw new FlowError('GET /bankid/wait: not a pending QR order');
    }
  }

  private newBrowser(): Browser {
    return {
      ip: addressOf(this.nextIndex++),
      cookies: new Map(),
      cookieHeader: '',
      csrf: '',
      nextDueMs: 0,
      timer: undefined,
    };
  }

  private schedule(browser: Browser): void {
    if (this.stopped) return;
    const delay = Math.max(0, browser.nextDueMs - performance.now());
    browser.timer = setTimeout(() => void this.poll(browser), delay);
  }

  /** Starts polling a browser whose waiting page just loaded (first poll after 1 s). */
  private enlist(browser: Browser): void {
    this.browsers.push(browser);
    browser.nextDueMs = performance.now() + 1000;
    this.schedule(browser);
  }

  private async poll(browser: Browser): Promise<void> {
    browser.timer = undefined;
    if (this.stopped) return;
    const w = this.window;
    const sentAt = performance.now();
    this.totals.polls++;
    if (w) {
      w.sent++;
      w.inFlight++;
      if (sentAt - browser.nextDueMs > LATE_MS) w.late++;
    }
    let next: 'poll' | 'restart' | 'reopen' = 'poll';
    try {
      let reply: Reply;
      try {
        reply = await this.request(browser, 'GET', '/bankid/status', 'application/json');
      } catch (err) {
        this.totals.pollErrors++;
        w?.noteError(errorName(err));
        return;
      }
      const latency = performance.now() - sentAt;
      let body: { state?: unknown; qr?: unknown; qrData?: unknown } | undefined;
      try {
        body = reply.status === 200 ? (JSON.parse(reply.body) as typeof body) : undefined;
      } catch {
        body = undefined;
      }
      if (body?.state === 'pending' && body.qr === true && typeof body.qrData === 'string') {
        w?.latencies.push(latency);
        if (w) w.answered++;
        if (this.options.qrSvg) await this.loadQr(browser, w);
      } else if (body?.state === 'failed') {
        w?.latencies.push(latency);
        if (w) {
          w.answered++;
          w.restarts++;
        }
        this.totals.restarts++;
        next = 'restart';
      } else {
        this.totals.pollErrors++;
        w?.noteError(
          `GET /bankid/status answered ${reply.status}` +
            (typeof body?.state === 'string'
              ? ` state ${body.state}`
              : reply.status === 200
                ? ' (no QR data)'
                : ''),
        );
        next = 'reopen';
      }
    } finally {
      if (w) w.inFlight--;
      if (next === 'poll') {
        browser.nextDueMs += 1000;
        if (browser.nextDueMs < performance.now()) browser.nextDueMs = performance.now();
        this.schedule(browser);
      } else {
        void this.recover(browser, next, w);
      }
    }
  }

  /** After a failed order (retry button) or a lost one (start over); then polls again. */
  private async recover(
    browser: Browser,
    how: 'restart' | 'reopen',
    w: PollWindow | undefined,
  ): Promise<void> {
    if (this.stopped) return;
    try {
      if (how === 'restart') await this.startOrder(browser);
      else await this.open(browser);
    } catch (err) {
      this.totals.restartErrors++;
      w?.noteError(`re-creating an order: ${errorName(err)}`);
      await sleep(1000);
    }
    browser.nextDueMs = performance.now() + 1000;
    this.schedule(browser);
  }

  private async loadQr(browser: Browser, w: PollWindow | undefined): Promise<void> {
    const sentAt = performance.now();
    try {
      const reply = await this.request(browser, 'GET', `/bankid/qr.svg?t=${Date.now()}`, 'image/svg+xml');
      if (reply.status === 200 && reply.body.startsWith('<svg'))
        w?.qrLatencies.push(performance.now() - sentAt);
      else w?.noteError(`GET /bankid/qr.svg answered ${reply.status}`);
    } catch (err) {
      w?.noteError(`GET /bankid/qr.svg: ${errorName(err)}`);
    }
  }

  /**
   * One browser through the whole flow and one poll, checked strictly; then it joins the
   * fleet. Returns the poll's JSON. Throws an Error saying what was wrong.
   */
  async sanityCheck(): Promise<Record<string, unknown>> {
    const browser = this.newBrowser();
    await this.open(browser);
    const reply = await this.request(browser, 'GET', '/bankid/status', 'application/json');
    if (reply.status !== 200)
      throw new Error(`GET /bankid/status answered ${reply.status}: ${reply.body.slice(0, 300)}`);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    if (body['state'] !== 'pending' || body['qr'] !== true || typeof body['qrData'] !== 'string') {
      throw new Error(
        `GET /bankid/status: expected a pending order with QR data, got ${reply.body.slice(0, 300)}`,
      );
    }
    if (this.options.qrSvg) {
      const svg = await this.request(browser, 'GET', `/bankid/qr.svg?t=${Date.now()}`, 'image/svg+xml');
      if (svg.status !== 200 || !svg.body.startsWith('<svg'))
        throw new Error(`GET /bankid/qr.svg answered ${svg.status}`);
    }
    this.totals.created++;
    this.enlist(browser);
    return body;
  }

  /**
   * Adds browsers until `target` poll: at most `perSecond` new ones a second and
   * `concurrency` at once, and none started after `deadlineMs` (performance.now() time). A
   * browser whose flow fails is counted (createErrors) and replaced, up to `maxFailures` for
   * this call. Returns the failures of this call.
   */
  async grow(
    target: number,
    options: { perSecond: number; concurrency: number; maxFailures: number; deadlineMs: number },
  ): Promise<number> {
    const start = performance.now();
    let issued = 0;
    let failed = 0;
    let pending = 0;
    const worker = async () => {
      while (
        !this.stopped &&
        failed <= options.maxFailures &&
        this.browsers.length + pending < target &&
        performance.now() < options.deadlineMs
      ) {
        const due = start + (issued * 1000) / options.perSecond;
        if (due >= options.deadlineMs) break;
        issued++;
        pending++; // reserves the slot before waiting, so the workers never overshoot
        const browser = this.newBrowser();
        try {
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          await this.open(browser);
          this.totals.created++;
          this.enlist(browser);
        } catch (err) {
          failed++;
          this.totals.createErrors++;
          const what = errorName(err);
          this.createErrorSamples.set(what, (this.createErrorSamples.get(what) ?? 0) + 1);
        } finally {
          pending--;
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
    return failed;
  }

  /** Polls sent from now on are measured in the returned window until endWindow. */
  startWindow(): PollWindow {
    const w = new PollWindow();
    this.window = w;
    return w;
  }

  /** Closes the window to new polls and waits (bounded) until its polls are answered. */
  async endWindow(w: PollWindow): Promise<void> {
    if (this.window === w) this.window = undefined;
    w.endMs = performance.now();
    const deadline = w.endMs + this.options.timeoutMs * 2 + 1000;
    while (w.inFlight > 0 && performance.now() < deadline) await sleep(10);
  }

  /** Stops all browsers, waits (bounded) for requests in flight, closes the connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const browser of this.browsers) if (browser.timer) clearTimeout(browser.timer);
    const deadline = performance.now() + this.options.timeoutMs * 2 + 1000;
    while (this.inFlight > 0 && performance.now() < deadline) await sleep(10);
    await this.pool.destroy();
  }
}
