/**
 * The load case of `npm run bench` (BENCH_CASES=load, or `npm run bench:load`; not part of
 * `all`: it needs PostgreSQL and Redis): hundreds of simulated people using the portal at
 * once for a bounded time, against one instance and against two sharing PostgreSQL and
 * Redis, and afterwards a check of the data they left.
 *
 * Each simulated person (a virtual user, VU) is a distinct person with an account (person
 * and membership, seeded before the run through the accounts service), and either a Telia
 * test card (from the card test PKI) or a BankID (from the BankID test server). A VU repeats
 * one journey until the time is up (LOAD_SECONDS; the journey under way may then finish
 * within LOAD_GRACE_SECONDS), thinking between steps:
 *   1. logs in: with the card through the real card listener (a new mutual-TLS handshake
 *      presenting the card's login certificate, the ticket redeemed on the portal), or with
 *      BankID on another device (the QR code from /bankid/status scanned and the order
 *      completed in the test server's test app, then polled once a second as the page does);
 *   2. browses /start, /cases and /info;
 *   3. creates a draft, "Övrigt ärende" or the military export application (alternately),
 *      and saves every step;
 *   4. uploads a small PDF, reviews and submits;
 *   5. signs: a card holder through the simulated Net iD signer (its page and form, which
 *      signs with the card's signing key and posts the CMS to the portal's bridge), a BankID
 *      holder with BankID on this device (the autostart token handed to the test app);
 *   6. reads the submitted case, downloads the receipt, and logs out.
 * With two instances the script is the load balancer: VUs alternate between the instances
 * (each VU stays on one), and every instance has its own card listener and Net iD signer.
 *
 * Reported per run: journeys completed, portal requests per second, p50/p99 latency per kind
 * of request, errors (must be 0; with the first examples), CPU of the portals, PostgreSQL,
 * Redis, the test services, the load generator and everything else; then the integrity
 * check: every case
 * that is not a draft has evidence whose digest equals the case's and which re-verifies
 * (the signing service's own reverify, in this process, on the same database), no evidence
 * without its case, no draft with a case number, no case number twice, and exactly the cases
 * the VUs saw signed are submitted.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Pool } from 'undici';
import { createServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { CASE_SUBMISSION } from '../src/cases/service.js';
import { freePort } from '../test/support/ports.js';
import {
  BenchError,
  deleteKeys,
  dropSchema,
  intSetting,
  machineBusySeconds,
  makeTempDir,
  processCpuSeconds,
  startServer,
  stopServer,
} from './common.js';
import {
  LOAD_SIGNING_CODE,
  MAX_LOAD_PEOPLE,
  loadPeople,
  type LoadPeople,
  type LoadPerson,
} from './load-people.js';
import type { LoadTestbedFiles } from './servers/protocol.js';
import { percentile, tlsClient, tlsGet, type TlsClient } from './tls-load.js';

export interface LoadSettings {
  users: number;
  seconds: number;
  /** Mean think time between steps, ms (each pause is uniform in 0.5–1.5 times it). */
  thinkMs: number;
  /** VUs start at random moments within the first `rampSeconds`. */
  rampSeconds: number;
  /** After the time is up, journeys under way may finish within this many seconds. */
  graceSeconds: number;
  /** The runs: one per entry, with this many portal instances. */
  instances: number[];
  timeoutMs: number;
  postgresUrl: string;
  redisUrl: string;
  /** A directory: each portal runs with `--cpu-prof` into it (BENCH_LOAD_CPU_PROF). */
  cpuProfDir: string | undefined;
}

/** LOAD_* settings; throws BenchError on a bad value. */
export function readLoadSettings(): LoadSettings {
  const seconds = intSetting('LOAD_SECONDS', 60, 5, 3600);
  const rawInstances = (process.env['LOAD_INSTANCES'] ?? '').trim() || '1,2';
  const instances = rawInstances.split(',').map((s) => Number(s.trim()));
  if (instances.some((n) => n !== 1 && n !== 2)) {
    throw new BenchError(`LOAD_INSTANCES must be 1, 2 or 1,2 (got "${rawInstances}")`);
  }
  const cpuProfDir = (process.env['BENCH_LOAD_CPU_PROF'] ?? '').trim();
  return {
    users: intSetting('LOAD_USERS', 200, 1, MAX_LOAD_PEOPLE),
    seconds,
    thinkMs: intSetting('LOAD_THINK_MS', 500, 0, 60_000),
    rampSeconds: intSetting('LOAD_RAMP_SECONDS', Math.min(10, Math.floor(seconds / 4)), 0, 600),
    graceSeconds: intSetting('LOAD_GRACE_SECONDS', 30, 0, 600),
    instances,
    timeoutMs: intSetting('LOAD_TIMEOUT_MS', 30_000, 1000, 600_000),
    postgresUrl:
      process.env['BENCH_POSTGRES_URL'] ??
      process.env['KW_TEST_POSTGRES_URL'] ??
      'postgres://postgres@127.0.0.1:5432/test',
    redisUrl:
      process.env['BENCH_REDIS_URL'] ?? process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15',
    cpuProfDir: cpuProfDir === '' ? undefined : path.resolve(cpuProfDir),
  };
}

// ---------------------------------------------------------------------------------------
// Recording

/** Latencies and errors of one kind of request (method and route, e.g. `GET /cases/:id`). */
interface KindStats {
  /** Requests to a portal (the web app or its card listener), as opposed to a test service. */
  portal: boolean;
  latencies: number[];
  errors: number;
}

interface ErrorSample {
  user: number;
  kind: string;
  message: string;
}

class Recorder {
  readonly kinds = new Map<string, KindStats>();
  readonly errorCounts = new Map<string, number>();
  readonly errorSamples: ErrorSample[] = [];
  errors = 0;
  journeys = 0;
  /** Journeys that finished after the time was up (in the grace period). */
  journeysInGrace = 0;
  readonly journeyMs: number[] = [];
  /** Journeys still under way when the grace period ended. */
  interrupted = 0;
  /** Portal requests answered before the time was up: the throughput figure. */
  portalInWindow = 0;
  /** When the time is up (Date.now() milliseconds). */
  deadline = Number.POSITIVE_INFINITY;
  readonly logins = { card: 0, bankid: 0 };
  readonly signatures = { card: 0, bankid: 0 };
  readonly caseTypes = new Map<string, number>();
  /** Cases the VUs saw confirmed ("Ärendet är inskickat"): the integrity check compares. */
  readonly submitted = new Set<string>();

  private kind(kind: string, portal: boolean): KindStats {
    let stats = this.kinds.get(kind);
    if (!stats) {
      stats = { portal, latencies: [], errors: 0 };
      this.kinds.set(kind, stats);
    }
    return stats;
  }

  answered(kind: string, portal: boolean, ms: number): void {
    this.kind(kind, portal).latencies.push(ms);
    if (portal && Date.now() <= this.deadline) this.portalInWindow++;
  }

  error(user: number, kind: string, portal: boolean, message: string): void {
    this.errors++;
    this.kind(kind, portal).errors++;
    const key = `${kind}: ${message.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id').slice(0, 120)}`;
    this.errorCounts.set(key, (this.errorCounts.get(key) ?? 0) + 1);
    if (this.errorSamples.length < 5) this.errorSamples.push({ user, kind, message: message.slice(0, 400) });
  }
}

/** A step did not get what a person would expect: the journey ends (counted as an error). */
class FlowError extends Error {}
/** The grace period is over: the VU stops where it is (not an error). */
class TimeUp extends Error {}

// ---------------------------------------------------------------------------------------
// A simulated person

interface Reply {
  status: number;
  location: string | undefined;
  contentType: string;
  body: Buffer;
  text: string;
}

interface Instance {
  index: number;
  origin: string;
  pool: Pool;
  cardPort: number;
  signer: Pool;
  signerOrigin: string;
}

interface Shared {
  settings: LoadSettings;
  recorder: Recorder;
  /** No journey starts after this moment (Date.now() milliseconds)... */
  deadline: number;
  /** ...and journeys under way stop at their next pause after this one. */
  hardStop: number;
  testApp: Pool;
  cardFiles: (personnummer: string) => { cert: Buffer; key: Buffer };
  tlsCa: Buffer;
}

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0 kundwebben-load';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
/** A minimal PDF that passes the content check; each upload appends its case id (no duplicates). */
const PDF = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
const APPLICANT = { contact_phone: '08-123 456 78', your_reference: 'Last 1' };
const MILITARY_STEPS: Record<string, Record<string, string>> = {
  products: {
    'products.count': '1',
    'products.0.description': 'Mörkersikte NV-200',
    'products.0.ml_category': 'ML15',
    'products.0.quantity': '10',
    'products.0.unit_value': '12 500,00',
    'products.0.currency': 'SEK',
  },
  parties: {
    consignee_name: 'Försvarsmaterielverket i Exempelland',
    consignee_address: 'Exempelgatan 1\r\n1000 Exempelstad',
    consignee_country: 'NO',
    end_user_name: 'Exempellands försvarsmakt',
    end_user_address: 'Exempelvägen 2\r\n1000 Exempelstad',
    end_user_country: 'NO',
    end_user_type: 'armed_forces',
  },
  destination: {
    destination_country: 'NO',
    end_use: 'Utbildning av egna förband.',
    contract_reference: 'K-2026-17',
    contract_date: '2026-10-01',
  },
};

/** `GET /cases/:id/steps/:step`: the kind of a request, for the latency table. */
function routeOf(method: string, pathAndQuery: string, service = ''): string {
  const route = (pathAndQuery.split('?')[0] ?? '')
    .replace(new RegExp(UUID.source, 'g'), ':id')
    .replace(/^\/sign\/[A-Za-z0-9_-]{32}/, '/sign/:id')
    .replace(/\/steps\/[a-z_]+$/, '/steps/:step');
  return `${method} ${service}${route}`;
}

/** A distinct private address per person, 10.90.0.1 onwards (never .0 or .255). */
function addressOf(index: number): string {
  return `10.${90 + (Math.floor(index / (254 * 254)) % 100)}.${(Math.floor(index / 254) % 254) + 1}.${(index % 254) + 1}`;
}

const decode = (s: string) => s.replace(/&amp;/g, '&');

function multipart(
  fields: Record<string, string>,
  file: { name: string; bytes: Buffer },
): { payload: Buffer; contentType: string } {
  const boundary = `----kwload${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/pdf\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

class VirtualUser {
  private cookies = new Map<string, string>();
  private csrf = '';
  private readonly ip: string;
  private readonly name: string;
  private readonly card: TlsClient | undefined;
  private journeyCount = 0;
  private readonly index: number;
  private readonly person: LoadPerson;
  private readonly instance: Instance;
  private readonly shared: Shared;

  constructor(index: number, person: LoadPerson, instance: Instance, shared: Shared) {
    this.index = index;
    this.person = person;
    this.instance = instance;
    this.shared = shared;
    this.ip = addressOf(index);
    this.name = `${person.givenName} ${person.surname}`;
    if (person.method === 'card') {
      const files = shared.cardFiles(person.personnummer);
      this.card = tlsClient(instance.cardPort, { cert: files.cert, key: files.key, ca: shared.tlsCa });
    }
  }

  /**
   * Journeys until the time is up; the one under way then may finish within the grace
   * period. An error ends a journey, and the VU starts a new one.
   */
  async run(startDelayMs: number): Promise<void> {
    const { recorder } = this.shared;
    await sleep(startDelayMs);
    while (Date.now() < this.shared.deadline) {
      const started = performance.now();
      try {
        await this.journey();
        recorder.journeys++;
        if (Date.now() > this.shared.deadline) recorder.journeysInGrace++;
        recorder.journeyMs.push(performance.now() - started);
      } catch (err) {
        if (err instanceof TimeUp) {
          recorder.interrupted++;
          return;
        }
        if (!(err instanceof FlowError))
          recorder.error(this.index, 'journey', false, (err as Error).stack ?? String(err));
        await sleep(2000);
      }
    }
  }

  // --- think time and requests ------------------------------------------------------------

  /** A pause as a person reading or typing; `TimeUp` after the grace period (unless `finishing`). */
  private async think(finishing = false): Promise<void> {
    const { thinkMs } = this.shared.settings;
    if (thinkMs > 0) await sleep(thinkMs * (0.5 + Math.random()));
    if (!finishing && Date.now() >= this.shared.hardStop) throw new TimeUp();
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*max-age=0/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line))
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /**
   * One request to `pool` (the user's portal instance unless given), timed from just before
   * it is sent until its body is read. Fails the journey unless the status is `expect`.
   */
  private async send(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    expect: number,
    options: {
      form?: Record<string, string>;
      json?: unknown;
      multipart?: { payload: Buffer; contentType: string };
      accept?: string;
      pool?: Pool;
      service?: string;
    } = {},
  ): Promise<Reply> {
    const toPortal = options.pool === undefined;
    const pool = options.pool ?? this.instance.pool;
    const kind = routeOf(method, pathAndQuery, options.service);
    const headers: Record<string, string> = {
      accept: options.accept ?? 'text/html',
      'user-agent': USER_AGENT,
    };
    let body: string | Buffer | undefined;
    if (toPortal) {
      headers['x-forwarded-for'] = this.ip;
      if (this.cookies.size > 0) headers['cookie'] = this.cookieHeader();
    }
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.multipart) {
      headers['content-type'] = options.multipart.contentType;
      body = options.multipart.payload;
    }
    const sent = performance.now();
    let reply: Reply;
    try {
      const res = await pool.request({
        method,
        path: pathAndQuery,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      const location = res.headers['location'];
      const contentType = res.headers['content-type'];
      reply = {
        status: res.statusCode,
        location: typeof location === 'string' ? location : undefined,
        contentType: typeof contentType === 'string' ? contentType : '',
        body: bytes,
        text:
          typeof contentType === 'string' && contentType.startsWith('application/pdf')
            ? ''
            : bytes.toString('utf8'),
      };
      if (toPortal) this.keepCookies(res.headers['set-cookie']);
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      const message = typeof e.code === 'string' ? e.code : String(e.message ?? err);
      this.shared.recorder.error(this.index, kind, toPortal, message);
      throw new FlowError(message);
    }
    this.shared.recorder.answered(kind, toPortal, performance.now() - sent);
    if (reply.status !== expect) {
      const snippet = reply.text.replace(/\s+/g, ' ').slice(0, 200);
      this.fail(
        kind,
        toPortal,
        `answered ${reply.status}${reply.location ? ` → ${reply.location}` : ''}, expected ${expect}: ${snippet}`,
      );
    }
    const csrf = /name="_csrf" value="([^"]+)"/.exec(reply.text)?.[1];
    if (toPortal && csrf !== undefined) this.csrf = csrf;
    return reply;
  }

  private fail(kind: string, portal: boolean, message: string): never {
    this.shared.recorder.error(this.index, kind, portal, message);
    throw new FlowError(message);
  }

  private get(pathAndQuery: string, expect = 200) {
    return this.send('GET', pathAndQuery, expect);
  }

  private post(pathAndQuery: string, form: Record<string, string>, expect = 303) {
    return this.send('POST', pathAndQuery, expect, { form: { _csrf: this.csrf, ...form } });
  }

  /** The page a 303 points to, on the same portal. */
  private follow(reply: Reply, expectPath?: RegExp): Promise<Reply> {
    const location = reply.location ?? '';
    const url = new URL(location, this.instance.origin);
    if (url.origin !== this.instance.origin || (expectPath && !expectPath.test(url.pathname))) {
      this.fail('redirect', true, `unexpected redirect to ${location}`);
    }
    return this.get(`${url.pathname}${url.search}`);
  }

  private mustContain(reply: Reply, text: string, what: string): void {
    if (!reply.text.includes(text))
      this.fail(what, true, `the page lacks "${text}": ${reply.text.replace(/\s+/g, ' ').slice(0, 200)}`);
  }

  // --- the journey --------------------------------------------------------------------------

  private async journey(): Promise<void> {
    this.cookies = new Map();
    this.csrf = '';
    const journeyNo = this.journeyCount++;
    await this.get('/login');
    await this.think();
    if (this.person.method === 'card') await this.loginWithCard();
    else await this.loginWithBankId();

    // Browse.
    await this.think();
    await this.get('/cases');
    await this.think();
    const info = await this.get('/info');
    this.mustContain(info, 'Kundwebbinfo', 'GET /info');

    // A draft, every step saved.
    await this.think();
    await this.get('/cases/new');
    await this.think();
    const military = (this.index + journeyNo) % 2 === 0;
    const type = military ? 'export_military' : 'other_case';
    const created = await this.post('/cases', { type });
    const id = UUID.exec(created.location ?? '')?.[0];
    if (id === undefined)
      this.fail('POST /cases', true, `no case id in ${created.location ?? '(no location)'}`);
    let page = await this.follow(created, /\/steps\//);
    const steps: Record<string, Record<string, string>> = military
      ? {
          applicant: {
            contact_name: this.name,
            contact_email: `${this.person.personnummer}@lastprov.example`,
            ...APPLICANT,
          },
          ...MILITARY_STEPS,
        }
      : {
          case: {
            subject: `Fråga ${journeyNo + 1} från ${this.name}`,
            body: 'Hej!\r\nVi undrar hur lång handläggningstiden är just nu.',
          },
        };
    for (const [step, fields] of Object.entries(steps)) {
      const revision = /name="revision" value="(\d+)"/.exec(page.text)?.[1];
      if (revision === undefined)
        this.fail(`GET /cases/:id/steps/${step}`, true, 'no revision in the step form');
      await this.think();
      const saved = await this.post(`/cases/${id}/steps/${step}`, { revision, _action: 'next', ...fields });
      page = await this.follow(saved, /\/steps\//);
    }

    // A PDF, review, submit.
    await this.think();
    const upload = multipart(
      { _csrf: this.csrf },
      { name: 'underlag.pdf', bytes: Buffer.from(`${PDF}% ${id} ${journeyNo}\n`) },
    );
    const uploaded = await this.send('POST', `/cases/${id}/attachments`, 303, { multipart: upload });
    await this.follow(uploaded, /\/steps\/attachments$/);
    await this.think();
    const review = await this.get(`/cases/${id}/review`);
    const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.text)?.[1];
    if (digest === undefined)
      this.fail('GET /cases/:id/review', true, 'the review offers no signing (incomplete case?)');
    // Sign from the review: the button of the person's method starts it at once. Once
    // started, the signature is finished even after the grace period, so that the VUs know
    // exactly which cases they submitted.
    await this.think();
    if (this.person.method === 'card') {
      const cardPage = await this.post(`/cases/${id}/submit`, { digest, choice: 'card:card' }, 200);
      this.mustContain(cardPage, digest.slice(0, 4), 'POST /cases/:id/submit');
      const signPath = /href="(\/sign\/[A-Za-z0-9_-]{32})"/.exec(cardPage.text)?.[1];
      if (signPath === undefined) this.fail('POST /cases/:id/submit', true, 'the card page names no sign request');
      await this.signWithCard(cardPage);
      // Net iD returns the person to the sign page, which leads on to the confirmation.
      const back = await this.get(signPath, 303);
      if (back.location !== `/cases/${id}/submitted`)
        this.fail('GET /sign/:id', true, `redirected to ${back.location ?? '(none)'}, not the confirmation`);
    } else {
      const started = await this.post(`/cases/${id}/submit`, { digest, choice: 'bankid:autostart' });
      await this.signWithBankId(await this.follow(started, /^\/bankid\/wait$/), `/cases/${id}/submitted`);
    }
    const done = await this.get(`/cases/${id}/submitted`);
    this.mustContain(done, 'Ärendet är inskickat', 'GET /cases/:id/submitted');
    this.shared.recorder.submitted.add(id);
    this.shared.recorder.signatures[this.person.method]++;
    this.shared.recorder.caseTypes.set(type, (this.shared.recorder.caseTypes.get(type) ?? 0) + 1);

    // Read the case, the receipt; log out.
    await this.think();
    const view = await this.get(`/cases/${id}`);
    if (!/KW-\d{4}-\d{6}/.test(view.text))
      this.fail('GET /cases/:id', true, 'the submitted case shows no case number');
    await this.think();
    const receipt = await this.send('GET', `/cases/${id}/receipt.pdf`, 200, { accept: 'application/pdf' });
    if (
      !receipt.contentType.startsWith('application/pdf') ||
      receipt.body.subarray(0, 5).toString() !== '%PDF-'
    ) {
      this.fail('GET /cases/:id/receipt.pdf', true, `not a PDF (${receipt.contentType})`);
    }
    await this.think();
    await this.post('/logout', {});
  }

  private async loginWithCard(): Promise<void> {
    const page = await this.get('/login/card?method=telia_card');
    const state = /\/card\/login\?state=([A-Za-z0-9_-]{43})/.exec(page.text)?.[1];
    if (state === undefined) this.fail('GET /login/card', true, 'no card-login link with a state');
    await this.think();
    const kind = 'GET card:/card/login';
    const sent = performance.now();
    let location: string | undefined;
    try {
      const answer = await tlsGet(
        this.card ?? this.fail(kind, true, 'no card'),
        `/card/login?state=${state}`,
      );
      this.shared.recorder.answered(kind, true, performance.now() - sent);
      location = answer.status === 303 ? answer.location : undefined;
      if (location === undefined || !location.includes('/login/card/return?ticket=')) {
        this.fail(
          kind,
          true,
          `answered ${answer.status}${answer.location ? ` → ${answer.location}` : ''}, expected a 303 with a ticket`,
        );
      }
    } catch (err) {
      if (err instanceof FlowError) throw err;
      this.fail(kind, true, (err as Error).message);
    }
    const back = new URL(location);
    const redeemed = await this.get(`${back.pathname}${back.search}`, 303);
    const start = await this.follow(redeemed, /^\/start$/);
    this.mustContain(start, `Välkommen, ${this.name}`, 'GET /start');
    this.shared.recorder.logins.card++;
  }

  /** BankID on another device: the QR code the page shows, scanned with the test app. */
  private async loginWithBankId(): Promise<void> {
    await this.get('/login/bankid');
    await this.think();
    const started = await this.post('/bankid/start', { kind: 'auth', flow: 'qr' });
    const wait = await this.follow(started, /^\/bankid\/wait$/);
    this.mustContain(wait, 'data-flow="qr"', 'GET /bankid/wait');
    let qr: string | null = null;
    for (let i = 0; i < 10 && qr === null; i++) {
      if (i > 0) await sleep(1000);
      qr = (await this.status()).qrData;
    }
    if (qr === null) this.fail('GET /bankid/status', true, 'no QR code to scan');
    await this.think();
    const scanned = await this.app('/api/scan', { qr, personnummer: this.person.personnummer });
    await this.think();
    // Another device: the phone has an address of its own.
    await this.app('/api/complete', {
      orderRef: scanned.orderRef,
      personnummer: this.person.personnummer,
      deviceIp: '198.51.100.7',
    });
    await this.waitForBankId();
    const complete = await this.get('/bankid/complete', 303);
    const start = await this.follow(complete, /^\/start$/);
    this.mustContain(start, `Välkommen, ${this.name}`, 'GET /start');
    this.shared.recorder.logins.bankid++;
  }

  private async status(): Promise<{ state: string; qrData: string | null; next: string | null }> {
    const reply = await this.send('GET', '/bankid/status', 200, { accept: 'application/json' });
    const status = JSON.parse(reply.text) as { state: string; qrData: string | null; next: string | null };
    if (status.state !== 'pending' && status.state !== 'complete') {
      this.fail('GET /bankid/status', true, `state ${status.state}: ${reply.text.slice(0, 200)}`);
    }
    return status;
  }

  /** Polls /bankid/status once a second, as static/bankid.js does, until the order is done. */
  private async waitForBankId(): Promise<void> {
    for (let i = 0; i < 60; i++) {
      await sleep(1000);
      if ((await this.status()).next === '/bankid/complete') return;
    }
    this.fail('GET /bankid/status', true, 'the order did not complete within 60 polls');
  }

  /** The test app's JSON API: what the person does in their BankID app. */
  private async app(
    apiPath: string,
    body: Record<string, string>,
  ): Promise<{ orderRef: string; status: string }> {
    const reply = await this.send('POST', apiPath, 200, {
      json: body,
      accept: 'application/json',
      pool: this.shared.testApp,
      service: 'bankid-app:',
    });
    return JSON.parse(reply.text) as { orderRef: string; status: string };
  }

  /** The card's page (what the card button answered): Net iD signs through its bridge. */
  private async signWithCard(page: Reply): Promise<void> {
    const launch = /href="([^"]*\/netid\/sign\?bridge=[^"]+)"/.exec(page.text)?.[1];
    if (launch === undefined) this.fail('POST /cases/:id/submit', true, 'no link to the Net iD signer');
    const url = new URL(decode(launch));
    if (url.origin !== this.instance.signerOrigin)
      this.fail('POST /cases/:id/submit', true, `signer link to another origin: ${url.origin}`);
    const bridge = url.searchParams.get('bridge') ?? '';
    await this.think(true);
    const signer = { pool: this.instance.signer, service: 'netid:' };
    const form = await this.send('GET', `${url.pathname}${url.search}`, 200, signer);
    if (!form.text.includes(this.name))
      this.fail('GET netid:/netid/sign', false, 'the signer does not offer the card');
    await this.think(true);
    const result = await this.send('POST', '/netid/sign', 200, {
      ...signer,
      form: { bridge, card: this.person.personnummer, code: LOAD_SIGNING_CODE, action: 'sign' },
    });
    if (!result.text.includes('Kundwebben har tagit emot din underskrift.')) {
      this.fail(
        'POST netid:/netid/sign',
        false,
        `the portal did not take the signature: ${result.text.replace(/\s+/g, ' ').slice(-300)}`,
      );
    }
    await this.think(true);
  }

  /** BankID on this device: the launch link's autostart token handed to the test app. */
  private async signWithBankId(wait: Reply, confirmation: string): Promise<void> {
    const token = /autostarttoken=([0-9a-f-]{36})/.exec(wait.text)?.[1];
    if (token === undefined) this.fail('GET /bankid/wait', true, 'no launch link with an autostart token');
    const scanned = await this.app('/api/scan', {
      autoStartToken: token,
      personnummer: this.person.personnummer,
    });
    await this.think(true);
    // The same device: the app reports the address the browser has (BankID's device check).
    await this.app('/api/complete', {
      orderRef: scanned.orderRef,
      personnummer: this.person.personnummer,
      deviceIp: this.ip,
    });
    await this.waitForBankId();
    const complete = await this.get('/bankid/complete', 303);
    if (complete.location !== confirmation)
      this.fail(
        'GET /bankid/complete',
        true,
        `redirected to ${complete.location ?? '(none)'}, not the confirmation`,
      );
  }
}

// ---------------------------------------------------------------------------------------
// A run: portals started, VUs loose, figures and the integrity check

interface RunResult {
  label: string;
  instances: number;
  seconds: number;
  recorder: Recorder;
  /** Cores busy over the whole run (100% = one core). */
  cpu: {
    portals: number | undefined;
    testbed: number | undefined;
    loadgen: number;
    postgres: number;
    redis: number;
    other: number | undefined;
  };
  /**
   * CPU seconds over the whole run: the portals (all their threads), this run's own
   * PostgreSQL backends (found by application_name) and Redis (the whole server).
   */
  cpuSeconds: { portals: number | undefined; ownPostgres: number; redis: number };
  integrity: Integrity;
}

interface Integrity {
  ok: boolean;
  lines: string[];
}

interface PortalEnv {
  files: LoadTestbedFiles;
  peopleFile: string;
  ports: number[];
}

/** The database URL of a run's portals: their connections carry `application_name`, so the run can find its own PostgreSQL backends. */
function portalDatabaseUrl(settings: LoadSettings, applicationName: string): string {
  const url = new URL(settings.postgresUrl);
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

function portalEnv(
  env: PortalEnv,
  index: number,
  schema: string,
  redisPrefix: string,
  settings: LoadSettings,
): Record<string, string> {
  const { files } = env;
  return {
    BENCH_PORT: String(env.ports[index]),
    BENCH_DATABASE_URL: portalDatabaseUrl(settings, applicationNameOf(schema)),
    BENCH_DATABASE_SCHEMA: schema,
    BENCH_REDIS_URL: settings.redisUrl,
    BENCH_REDIS_PREFIX: redisPrefix,
    BENCH_LOAD_PEOPLE: env.peopleFile,
    BENCH_LOAD_SEED: index === 0 ? '1' : '0',
    KW_CARD_ISSUERS_FILE: files.card.issuersFile,
    KW_CARD_TLS_CERT: files.card.tlsCertPath,
    KW_CARD_TLS_KEY: files.card.tlsKeyPath,
    KW_CARD_SIGNER_URL: `${files.signerUrls[index] ?? ''}/netid/sign`,
    KW_BANKID_URL: files.bankid.url,
    KW_BANKID_CA_FILE: files.bankid.serverCaPath,
    KW_BANKID_RP_CERT_FILE: files.bankid.rpCertPath,
    KW_BANKID_RP_KEY_FILE: files.bankid.rpKeyPath,
    KW_BANKID_USER_ROOTS_FILE: files.bankid.userRootPath,
    KW_BANKID_LAUNCH_URL: `${files.bankid.appUrl}/autostart`,
    KW_SEAL_P12_FILE: files.seal.p12File,
    KW_SEAL_P12_PASSWORD: files.seal.password,
  };
}

async function runOnce(
  label: string,
  instanceCount: number,
  people: LoadPeople,
  env: PortalEnv,
  testbed: { pid: number | undefined },
  settings: LoadSettings,
): Promise<RunResult> {
  const id = randomBytes(5).toString('hex');
  const schema = `kw_load_${id}`;
  const redisPrefix = `kwload-${id}:`;
  const { files } = env;
  const portals: { child: ChildProcess; instance: Instance }[] = [];
  const pools: Pool[] = [];
  const poolOptions = (connections: number) => ({
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  });
  try {
    process.stdout.write(
      `  ${label} ${instanceCount} instance${instanceCount > 1 ? 's' : ''}: starting (schema ${schema}) ... `,
    );
    // One after the other: the first migrates and seeds, the second finds it done.
    for (let i = 0; i < instanceCount; i++) {
      const { child, ready } = await startServer(
        'load-portal.ts',
        portalEnv(env, i, schema, redisPrefix, settings),
        settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [],
      );
      if (ready.cardPort === undefined) throw new BenchError('load portal announced no card listener port');
      const origin = `http://127.0.0.1:${ready.port}`;
      const signerOrigin = files.signerUrls[i] ?? '';
      const perInstance = Math.ceil(settings.users / instanceCount);
      const pool = new Pool(origin, poolOptions(Math.min(256, perInstance)));
      const signer = new Pool(signerOrigin, poolOptions(Math.min(64, perInstance)));
      pools.push(pool, signer);
      portals.push({
        child,
        instance: { index: i, origin, pool, cardPort: ready.cardPort, signer, signerOrigin },
      });
    }
    const testApp = new Pool(files.bankid.appUrl, poolOptions(Math.min(128, settings.users)));
    pools.push(testApp);
    const recorder = new Recorder();
    const tlsCa = readFileSync(files.card.tlsCaPath);
    const shared: Shared = {
      settings,
      recorder,
      deadline: Number.POSITIVE_INFINITY,
      hardStop: Number.POSITIVE_INFINITY,
      testApp,
      tlsCa,
      cardFiles: (personnummer) => ({
        cert: readFileSync(path.join(files.cardsDir, `${personnummer}-login.pem`)),
        key: readFileSync(path.join(files.cardsDir, `${personnummer}-login.key.pem`)),
      }),
    };
    const users = people.people.map((person, i) => {
      const instance = portals[i % instanceCount]?.instance;
      if (!instance) throw new BenchError('internal: no instance');
      return new VirtualUser(i, person, instance, shared);
    });

    process.stdout.write(`running ${settings.users} users for ${settings.seconds} s ... `);
    const cpuOf = () => portals.map((p) => processCpuSeconds(p.child.pid));
    const portalsBefore = cpuOf();
    const testbedBefore = processCpuSeconds(testbed.pid);
    const databasesBefore = {
      postgres: commandCpuSeconds('postgres'),
      redis: commandCpuSeconds('redis-server'),
    };
    const backends = await PostgresBackends.start(settings.postgresUrl, applicationNameOf(schema));
    const machineBefore = machineBusySeconds();
    const loadgenBefore = process.cpuUsage();
    const wallBefore = performance.now();
    shared.deadline = recorder.deadline = Date.now() + settings.seconds * 1000;
    shared.hardStop = shared.deadline + settings.graceSeconds * 1000;
    await Promise.all(users.map((u) => u.run(Math.random() * settings.rampSeconds * 1000)));
    const wall = (performance.now() - wallBefore) / 1000;
    const ownPostgresSeconds = await backends.stop();
    const portalsAfter = cpuOf();
    const testbedAfter = processCpuSeconds(testbed.pid);
    const postgresSeconds = cpuSince(databasesBefore.postgres, commandCpuSeconds('postgres'));
    const redisSeconds = cpuSince(databasesBefore.redis, commandCpuSeconds('redis-server'));
    const postgresCpu = postgresSeconds / wall;
    const redisCpu = redisSeconds / wall;
    const machineAfter = machineBusySeconds();
    const loadgen = process.cpuUsage(loadgenBefore);
    const portalsSeconds = portalsBefore.every((v, i) => v !== undefined && portalsAfter[i] !== undefined)
      ? portalsAfter.reduce<number>((sum, v, i) => sum + (v ?? 0) - (portalsBefore[i] ?? 0), 0)
      : undefined;
    const portalsCpu = portalsSeconds === undefined ? undefined : portalsSeconds / wall;
    const testbedCpu =
      testbedBefore !== undefined && testbedAfter !== undefined
        ? (testbedAfter - testbedBefore) / wall
        : undefined;
    const loadgenCpu = (loadgen.user + loadgen.system) / 1e6 / wall;
    const machine =
      machineBefore !== undefined && machineAfter !== undefined
        ? (machineAfter - machineBefore) / wall
        : undefined;
    const other =
      machine !== undefined && portalsCpu !== undefined && testbedCpu !== undefined
        ? Math.max(0, machine - portalsCpu - testbedCpu - loadgenCpu - postgresCpu - redisCpu)
        : undefined;
    console.log(`${recorder.journeys} journeys, ${recorder.errors} errors`);

    // Stop the portals first: nothing may change while the data is checked.
    for (const p of portals) await stopServer(p.child);
    const integrity = await checkIntegrity(files, settings, schema, recorder.submitted);
    return {
      label,
      instances: instanceCount,
      seconds: wall,
      recorder,
      cpu: {
        portals: portalsCpu,
        testbed: testbedCpu,
        loadgen: loadgenCpu,
        postgres: postgresCpu,
        redis: redisCpu,
        other,
      },
      cpuSeconds: { portals: portalsSeconds, ownPostgres: ownPostgresSeconds, redis: redisSeconds },
      integrity,
    };
  } finally {
    for (const p of portals) await stopServer(p.child);
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    await dropSchema(settings.postgresUrl, schema, 'load case');
    await deleteKeys(settings.redisUrl, redisPrefix, 'load case');
  }
}

/**
 * After a run, on its database: every case that is not a draft has evidence whose digest is
 * the case's and which re-verifies with the signing service's own reverify (this process
 * builds the services on the same schema, with the same card issuers and BankID roots); no
 * evidence without a submitted case; no draft with a case number; case numbers unique; and
 * the submitted cases are exactly those the VUs saw signed.
 */
async function checkIntegrity(
  files: LoadTestbedFiles,
  settings: LoadSettings,
  schema: string,
  seenSigned: ReadonlySet<string>,
): Promise<Integrity> {
  const config = loadConfig(
    {
      KW_MODE: 'test',
      KW_LOG_LEVEL: 'silent',
      DATABASE_URL: settings.postgresUrl,
      KW_DATABASE_SCHEMA: schema,
      KW_CARD_ISSUERS_FILE: files.card.issuersFile,
      KW_CARD_TLS_CERT: files.card.tlsCertPath,
      KW_CARD_TLS_KEY: files.card.tlsKeyPath,
      KW_BANKID_URL: files.bankid.url,
      KW_BANKID_CA_FILE: files.bankid.serverCaPath,
      KW_BANKID_RP_CERT_FILE: files.bankid.rpCertPath,
      KW_BANKID_RP_KEY_FILE: files.bankid.rpKeyPath,
      KW_BANKID_USER_ROOTS_FILE: files.bankid.userRootPath,
    },
    'test',
  );
  const services = await createServices(config);
  const { db, signing } = services;
  try {
    const cases = await db
      .selectFrom('case_file')
      .select(['id', 'status', 'case_number', 'evidence_id', 'digest'])
      .where('status', '!=', 'draft')
      .execute();
    const evidence = await db.selectFrom('signature_evidence').selectAll().execute();
    const numberedDrafts = await db
      .selectFrom('case_file')
      .select('id')
      .where('status', '=', 'draft')
      .where('case_number', 'is not', null)
      .execute();
    const drafts = await db
      .selectFrom('case_file')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'draft')
      .executeTakeFirst();
    const byId = new Map(evidence.map((e) => [e.id, e]));
    const problems: string[] = [];
    const byMethod = new Map<string, number>();
    let reverified = 0;
    let digestsEqual = 0;
    for (const c of cases) {
      const e = c.evidence_id === null ? undefined : byId.get(c.evidence_id);
      if (!e) {
        problems.push(`case ${c.id} (${c.status}) has no evidence`);
        continue;
      }
      if (c.case_number === null) problems.push(`case ${c.id} (${c.status}) has no case number`);
      if (e.digest === c.digest && e.subject === c.id && e.purpose === CASE_SUBMISSION) digestsEqual++;
      else {
        problems.push(
          `case ${c.id}: evidence ${e.id} is for ${e.purpose}:${e.subject} with digest ${e.digest.slice(0, 12)}…, the case's is ${(c.digest ?? 'none').slice(0, 12)}…`,
        );
      }
      const result = await signing.reverify(e);
      if (result.ok) reverified++;
      else
        problems.push(
          `case ${c.id}: evidence ${e.id} (${e.method}) does not re-verify: ${result.code ?? JSON.stringify(result.checks)}`,
        );
      byMethod.set(e.method, (byMethod.get(e.method) ?? 0) + 1);
    }
    const referenced = new Set(cases.map((c) => c.evidence_id));
    const orphans = evidence.filter((e) => !referenced.has(e.id));
    for (const e of orphans.slice(0, 3))
      problems.push(`evidence ${e.id} (${e.purpose}:${e.subject}) belongs to no submitted case`);
    for (const d of numberedDrafts.slice(0, 3)) problems.push(`draft ${d.id} has a case number`);
    const numbers = new Set(cases.map((c) => c.case_number));
    if (numbers.size !== cases.length)
      problems.push(`${cases.length - numbers.size} case number(s) given twice`);
    const submittedIds = new Set(cases.map((c) => c.id));
    const unseen = [...submittedIds].filter((id) => !seenSigned.has(id));
    const missing = [...seenSigned].filter((id) => !submittedIds.has(id));
    if (unseen.length > 0)
      problems.push(`${unseen.length} submitted case(s) no VU saw signed, e.g. ${unseen[0] ?? ''}`);
    if (missing.length > 0)
      problems.push(`${missing.length} case(s) a VU saw signed are not submitted, e.g. ${missing[0] ?? ''}`);
    const methods = [...byMethod].map(([m, n]) => `${m} ${n}`).join(', ');
    const lines = [
      `submitted cases: ${cases.length} (VUs saw ${seenSigned.size} signed); evidence rows: ${evidence.length} (${methods || 'none'})`,
      `evidence of this case with its digest: ${digestsEqual}/${cases.length}; re-verified: ${reverified}/${cases.length}; ` +
        `evidence without a case: ${orphans.length}; drafts with a case number: ${numberedDrafts.length} (of ${Number(drafts?.n ?? 0)} drafts)`,
      ...problems.slice(0, 8).map((p) => `PROBLEM: ${p}`),
    ];
    return { ok: problems.length === 0, lines };
  } finally {
    await db.destroy();
    services.redis?.disconnect();
  }
}

// ---------------------------------------------------------------------------------------
// Output

const ms = (v: number) => (v < 10 ? v.toFixed(1) : String(Math.round(v)));
const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function portalTotals(r: RunResult) {
  const portal = [...r.recorder.kinds.values()].filter((k) => k.portal);
  const latencies = Float64Array.from(portal.flatMap((k) => k.latencies)).sort();
  return { requests: latencies.length, latencies };
}

/**
 * CPU milliseconds per completed journey (log in, browse, draft, upload, submit and sign,
 * receipt, log out): the portals, the run's own PostgreSQL backends and Redis, over the
 * journeys completed. The whole run's CPU, so the journeys interrupted at the end and the
 * background work (housekeeping) are in it too.
 */
function cpuPerJourney(r: RunResult): {
  total: number | undefined;
  portals: number | undefined;
  postgres: number;
  redis: number;
} {
  const journeys = Math.max(1, r.recorder.journeys);
  const { portals, ownPostgres, redis } = r.cpuSeconds;
  const per = (seconds: number) => (seconds * 1000) / journeys;
  return {
    total: portals === undefined ? undefined : per(portals + ownPostgres + redis),
    portals: portals === undefined ? undefined : per(portals),
    postgres: per(ownPostgres),
    redis: per(redis),
  };
}

/** The receipt download's target: p50 at most this many milliseconds. */
const RECEIPT_P50_TARGET_MS = 10;

/** The receipt download against its target, and the pages right after a submission. */
function watchedLines(r: RunResult): string[] {
  const kind = (name: string) => {
    const stats = r.recorder.kinds.get(name);
    const sorted = Float64Array.from(stats?.latencies ?? []).sort();
    return { sorted, count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  const receipt = kind('GET /cases/:id/receipt.pdf');
  const lines = [
    receipt.count === 0
      ? `receipt PDF (GET /cases/:id/receipt.pdf): none downloaded`
      : `receipt PDF (GET /cases/:id/receipt.pdf): p50 ${ms(receipt.p50)} ms, p99 ${ms(receipt.p99)} ms ` +
        `(${receipt.count}); target p50 ≤ ${RECEIPT_P50_TARGET_MS} ms: ${receipt.p50 <= RECEIPT_P50_TARGET_MS ? 'MET' : 'NOT MET'}`,
  ];
  for (const [label, name] of [
    ['confirmation after signing', 'GET /cases/:id/submitted'],
    ['case page after submission', 'GET /cases/:id'],
  ] as const) {
    const k = kind(name);
    if (k.count > 0) lines.push(`${label} (${name}): p50 ${ms(k.p50)} ms, p99 ${ms(k.p99)} ms (${k.count})`);
  }
  return lines;
}

function printRun(r: RunResult, settings: LoadSettings): void {
  const rec = r.recorder;
  const { requests, latencies } = portalTotals(r);
  const journeyMs = Float64Array.from(rec.journeyMs).sort();
  console.log('');
  console.log(
    `${r.label} ${r.instances} instance${r.instances > 1 ? 's' : ''} (PostgreSQL + Redis), ${settings.users} users, ` +
      `${settings.seconds} s + grace ${(r.seconds - settings.seconds).toFixed(1)} s:`,
  );
  console.log(
    `  journeys completed: ${rec.journeys} (${rec.journeysInGrace} of them in the grace period` +
      (journeyMs.length > 0
        ? `; p50 ${(percentile(journeyMs, 50) / 1000).toFixed(1)} s, p99 ${(percentile(journeyMs, 99) / 1000).toFixed(1)} s each`
        : '') +
      `); interrupted at the end of the grace period: ${rec.interrupted}`,
  );
  console.log(
    `  logins: card ${rec.logins.card}, BankID ${rec.logins.bankid}; signed: card ${rec.signatures.card}, BankID ${rec.signatures.bankid}; ` +
      `case types: ${[...rec.caseTypes].map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
  );
  console.log(
    `  portal requests: ${requests} (${rec.portalInWindow} in the ${settings.seconds} s: ${(rec.portalInWindow / settings.seconds).toFixed(1)}/s); ` +
      `latency p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms; errors: ${rec.errors}`,
  );
  console.log(
    `  CPU (cores, 100% = one, of ${os.cpus().length}): portals ${pct(r.cpu.portals)}, PostgreSQL ${pct(r.cpu.postgres)}, Redis ${pct(r.cpu.redis)}, ` +
      `test services ${pct(r.cpu.testbed)}, load generator ${pct(r.cpu.loadgen)}, everything else ${pct(r.cpu.other)}`,
  );
  const perJourney = cpuPerJourney(r);
  console.log(
    `  CPU per completed journey: ${perJourney.total === undefined ? 'n/a' : `${Math.round(perJourney.total)} ms`} ` +
      `(portals ${perJourney.portals === undefined ? 'n/a' : `${Math.round(perJourney.portals)} ms`}, ` +
      `this run's PostgreSQL backends ${Math.round(perJourney.postgres)} ms, Redis ${Math.round(perJourney.redis)} ms; ` +
      `${rec.journeys} journeys)`,
  );
  for (const line of watchedLines(r)) console.log(`  ${line}`);
  const rows = [...rec.kinds]
    .sort(([a, x], [b, y]) => Number(y.portal) - Number(x.portal) || a.localeCompare(b))
    .map(([kind, k]) => {
      const sorted = Float64Array.from(k.latencies).sort();
      return [
        kind,
        String(sorted.length),
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 99)),
        ms(sorted.at(-1) ?? 0),
        String(k.errors),
      ];
    });
  table(
    ['request (portal first, then test services)', 'count', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
    rows,
  );
  if (rec.errors > 0) {
    console.log(`  errors by kind (${rec.errors} in all):`);
    for (const [what, n] of [...rec.errorCounts].sort((a, b) => b[1] - a[1]).slice(0, 10))
      console.log(`    ${n} × ${what}`);
    console.log('  first examples:');
    for (const s of rec.errorSamples) console.log(`    user ${s.user}, ${s.kind}: ${s.message}`);
  }
  console.log(`  integrity: ${r.integrity.ok ? 'OK' : 'FAILED'}`);
  for (const line of r.integrity.lines) console.log(`    ${line}`);
}

// ---------------------------------------------------------------------------------------

/** Runs the load case; false when a run saw errors or its data failed the integrity check. */
export async function runLoadCase(settings: LoadSettings): Promise<boolean> {
  const people = loadPeople(settings.users);
  const dir = makeTempDir();
  const peopleFile = path.join(dir, 'people.json');
  writeFileSync(peopleFile, JSON.stringify(people));
  const instances = Math.max(...settings.instances);
  const ports: number[] = [];
  while (ports.length < instances) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  console.log(
    `Load case: ${settings.users} users (${people.people.filter((p) => p.method === 'card').length} with a card, ` +
      `${people.people.filter((p) => p.method === 'bankid').length} with BankID, in ${people.organisations.length} organisations), ` +
      `${settings.seconds} s per run (then up to ${settings.graceSeconds} s for journeys under way to finish), ` +
      `think ${settings.thinkMs} ms (mean), start within ${settings.rampSeconds} s; ` +
      `runs with ${settings.instances.join(' and ')} instance(s); load average ${os.loadavg()[0]?.toFixed(2) ?? '?'}`,
  );
  process.stdout.write(
    '  test services (card PKI and OCSP, BankID test server, Net iD signers): issuing cards and BankIDs ... ',
  );
  const started = performance.now();
  const testbed = await startServer(
    'load-testbed.ts',
    {
      BENCH_LOAD_DIR: makeTempDir(),
      BENCH_LOAD_PEOPLE: peopleFile,
      BENCH_LOAD_PORTALS: ports.map((p) => `http://127.0.0.1:${p}`).join(','),
    },
    [],
    600,
  );
  const files = testbed.ready.testbed;
  if (files === undefined) throw new BenchError('load testbed announced no files');
  console.log(`ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const results: RunResult[] = [];
  try {
    for (const n of settings.instances) {
      results.push(
        await runOnce(
          `(L${n})`,
          n,
          people,
          { files, peopleFile, ports },
          { pid: testbed.child.pid },
          settings,
        ),
      );
    }
  } finally {
    await stopServer(testbed.child);
  }
  for (const r of results) printRun(r, settings);

  const one = results.find((r) => r.instances === 1);
  const two = results.find((r) => r.instances === 2);
  if (one && two) {
    const rate = (r: RunResult) => r.recorder.portalInWindow / settings.seconds;
    const p99 = (r: RunResult) => percentile(portalTotals(r).latencies, 99);
    console.log('');
    console.log(
      `two instances vs one: requests/s ${(rate(two) / rate(one)).toFixed(2)}x, journeys ${(two.recorder.journeys / Math.max(1, one.recorder.journeys)).toFixed(2)}x, ` +
        `p99 ${ms(p99(one))} → ${ms(p99(two))} ms (on ${os.cpus().length} cores shared with PostgreSQL, Redis, the test services and the load generator)`,
    );
  }
  console.log('');
  console.log('Summary:');
  for (const r of results) {
    const perJourney = cpuPerJourney(r);
    const latencies = portalTotals(r).latencies;
    const receipt = Float64Array.from(r.recorder.kinds.get('GET /cases/:id/receipt.pdf')?.latencies ?? []).sort();
    const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v)} ms`);
    console.log(
      `  ${r.label} ${r.instances} instance${r.instances > 1 ? 's' : ''}: ${r.recorder.journeys} journeys; ` +
        `page requests p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms; ` +
        `receipt p50 ${receipt.length > 0 ? `${ms(percentile(receipt, 50))} ms` : 'n/a'}; ` +
        `CPU per journey ${fmt(perJourney.total)} (portals alone ${fmt(perJourney.portals)}); errors ${r.recorder.errors}`,
    );
  }
  if (settings.cpuProfDir)
    console.log(`The portals' CPU profiles are in ${settings.cpuProfDir} (see bench/README.md).`);
  const busy = results.filter((r) => (r.cpu.other ?? 0) > 0.25);
  for (const r of busy) {
    console.log(
      `note: processes outside the run used ${pct(r.cpu.other)} during ${r.label} (tests running?): the machine was busy, the figures are low.`,
    );
  }
  const bad = results.filter((r) => r.recorder.errors > 0 || !r.integrity.ok);
  for (const r of bad) {
    console.error(
      `WARNING: ${r.label} had ${r.recorder.errors} errors${r.integrity.ok ? '' : ' and FAILED the integrity check'}.`,
    );
  }
  return bad.length === 0;
}

/** The `application_name` of a run's portal connections to PostgreSQL. */
function applicationNameOf(schema: string): string {
  return `kundwebben-${schema}`;
}

/**
 * The CPU of this run's own PostgreSQL backends (the portals' connections, which carry the
 * run's `application_name`), apart from whatever else uses the same server (other tests on a
 * shared machine). Sampled twice a second from `pg_stat_activity` and /proc: a backend seen
 * first during the run counts from its start; one that ended between samples loses at most
 * its last half second. Backend processes only: PostgreSQL's own background writers are in
 * the machine-wide PostgreSQL figure.
 */
class PostgresBackends {
  /** pid → CPU seconds when first seen (0 when it started during the run) and when last seen. */
  private readonly seen = new Map<number, { first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  private readonly client: pg.Client;
  private readonly applicationName: string;

  private constructor(client: pg.Client, applicationName: string) {
    this.client = client;
    this.applicationName = applicationName;
  }

  static async start(url: string, applicationName: string): Promise<PostgresBackends> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const backends = new PostgresBackends(client, applicationName);
    await backends.sample(true);
    backends.timer = setInterval(() => {
      backends.sampling = backends.sampling.then(() => backends.sample(false)).catch(() => undefined);
    }, 500);
    return backends;
  }

  private async sample(atStart: boolean): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1',
      [this.applicationName],
    );
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds === undefined) continue;
      const known = this.seen.get(pid);
      if (known) known.last = seconds;
      else this.seen.set(pid, { first: atStart ? seconds : 0, last: seconds });
    }
  }

  /** Stops sampling (after a last sample) and answers the CPU seconds the backends used. */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample(false).catch(() => undefined);
    await this.client.end().catch(() => undefined);
    let total = 0;
    for (const { first, last } of this.seen.values()) total += last - first;
    return total;
  }
}

/** CPU seconds so far of every process whose command is `command` (e.g. each PostgreSQL backend), by pid. */
function commandCpuSeconds(command: string): Map<number, number> {
  const found = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== command) continue;
      const seconds = processCpuSeconds(Number(pid));
      if (seconds !== undefined) found.set(Number(pid), seconds);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/** CPU seconds the processes of `after` used since `before` (processes started since count whole). */
function cpuSince(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
