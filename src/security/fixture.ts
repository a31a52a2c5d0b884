/**
 * The fixture of the security battery: the real app with every feature configured (card
 * login and signing, BankID), the route table as Fastify registered it, the callers whose
 * rights the tests compare, and real ids of organisation A's things (a draft, a submitted
 * and signed case, an attachment, a message, a pending sign request, its evidence, register
 * entries, a membership request, a card-signing bridge token).
 *
 * Organisation A is Skärgårdens Sensorer AB. Its org admin Tolvan creates everything; Testa
 * acts for Nordvik (another organisation); Hedda is staff (case officer and admin); Olle is
 * staff with the case officer role only.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { BANKID_PEOPLE } from '../../test/support/bankid.js';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import type { TestApp } from '../../test/support/app.js';
import { ManualClock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';

export const TOLVAN = '191212121212'; // Nordvik user, org admin of Skärgården (organisation A)
export const TESTA = '198112289874'; // Nordvik only: another organisation
export const HEDDA = '196408231238'; // staff: case officer and admin
export const OLLE = '197003032385'; // staff: case officer only (created by the fixture)
export const ORG_A = '5590123450';
export const ORG_B = '5566778899';

/** A minimal PDF that passes the content check; `tag` makes each one distinct. */
export function pdf(tag: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
}

/** The callers every route is classified for. */
export const CALLERS = ['anonymous', 'otherOrg', 'orgAdmin', 'officer', 'staff'] as const;
export type Caller = (typeof CALLERS)[number];

/** A browser's credentials: the session cookie and the CSRF token of that session. */
export interface Who {
  cookie: string;
  csrf: string;
}

/** A route as Fastify registered it. */
export interface RouteInfo {
  method: string;
  url: string;
  /** `config.csrf === false`: the route proves the request some other way. */
  csrfOff: boolean;
}

export interface FixtureIds {
  draft: string;
  submitted: string;
  attachment: string;
  messageAttachment: string;
  signRequest: string;
  evidence: string;
  contact: string;
  product: string;
  membershipRequest: string;
  bridgeToken: string;
}

export interface SecurityFixture {
  t: TestApp;
  app: FastifyInstance;
  card: CardTestbed;
  routes: readonly RouteInfo[];
  ids: FixtureIds;
  /** A fresh session for `caller` (anonymous: an anonymous session with a CSRF token). */
  session(caller: Caller): Promise<Who>;
  /** Tolvan acting for organisation A, logged in once for setting things up. */
  owner: Who;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  get(who: Who | undefined, url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(who: Who | undefined, url: string, fields?: Record<string, string>, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  upload(who: Who | undefined, url: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }): Promise<LightMyRequestResponse>;
  /** A new draft of organisation A ("Övrigt ärende", filled in), for routes that consume one. */
  freshDraft(): Promise<string>;
  /** Everything the database holds except sessions and rate-limit counters, as one string. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** A multipart/form-data body with the fields (in order) and then at most one file. */
export function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const boundary = `----kwsec${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type ?? 'application/pdf'}\r\n\r\n`));
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Records the routes of every Fastify instance created while `build` runs. Fastify
 * publishes each new instance on the documented `fastify.initialization` diagnostics
 * channel before any plugin registers, so an `onRoute` hook added there sees every route
 * of the app, including those of encapsulated plugins; nothing in the product changes.
 */
async function collectingRoutes<T>(build: () => Promise<T>): Promise<{ result: T; routesOf(app: FastifyInstance): RouteInfo[] }> {
  const byInstance = new Map<FastifyInstance, RouteInfo[]>();
  const onInit = (message: unknown) => {
    const fastify = (message as { fastify: FastifyInstance }).fastify;
    const list: RouteInfo[] = [];
    byInstance.set(fastify, list);
    fastify.addHook('onRoute', (route) => {
      const methods = (Array.isArray(route.method) ? route.method : [route.method]);
      const config = (route.config ?? {}) as { csrf?: boolean };
      for (const method of methods) list.push({ method, url: route.url, csrfOff: config.csrf === false });
    });
  };
  subscribe('fastify.initialization', onInit);
  try {
    const result = await build();
    // Fastify adds a HEAD route for every GET by itself, answered by the GET's handler.
    const routesOf = (app: FastifyInstance) => {
      const all = byInstance.get(app) ?? [];
      return all.filter((r) => r.method !== 'HEAD' || !all.some((g) => g.method === 'GET' && g.url === r.url));
    };
    return { result, routesOf };
  } finally {
    unsubscribe('fastify.initialization', onInit);
  }
}

const TABLES: readonly (keyof Database)[] = [
  'person',
  'organisation',
  'membership',
  'staff_role',
  'login_method',
  'credential_seen',
  'audit_event',
  'signature_evidence',
  'case_file',
  'file_content',
  'attachment',
  'case_message',
  'message_read',
  'agency_message_count',
  'agency_message_read_count',
  'org_contact',
  'org_product',
  'membership_request',
  'counter',
];

/** `env` is added to the app's (e.g. DATABASE_URL and KW_DATABASE_SCHEMA for PostgreSQL). */
export async function startSecurityFixture(options: { env?: Record<string, string> } = {}): Promise<SecurityFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kw-security-'));
  const clock = new ManualClock('2026-11-28T09:00:00Z');
  let bankidServer: BankIdTestServer | undefined;
  let card: CardTestbed | undefined;
  try {
    const bankidPki = await ensureBankIdTestPki(dir, { clock, people: BANKID_PEOPLE });
    bankidServer = await startBankIdTestServer({ pki: bankidPki.pki, people: BANKID_PEOPLE, clock });
    const server = bankidServer;
    const collected = await collectingRoutes(() =>
      startCardTestbed({
        env: {
          KW_BANKID_URL: server.url,
          KW_BANKID_CA_FILE: bankidPki.files.serverCaPath,
          KW_BANKID_RP_CERT_FILE: bankidPki.files.rpCertPath,
          KW_BANKID_RP_KEY_FILE: bankidPki.files.rpKeyPath,
          KW_BANKID_USER_ROOTS_FILE: bankidPki.files.userRootPath,
          KW_BANKID_LAUNCH_URL: `${server.appUrl}/autostart`,
          KW_BANKID_TIMEOUT_MS: '2000',
          ...options.env,
        },
      }),
    );
    card = collected.result;
    const t = card.t;
    const app = t.app;
    const routes = collected.routesOf(app);
    if (routes.length === 0) throw new Error('no routes were collected: did Fastify stop publishing fastify.initialization?');
    // The card testbed's clock is the app's; BankID's test server follows its own.
    await t.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
    await t.services.accounts.upsertPerson({ personnummer: OLLE, name: 'Olle Officersson', email: 'olle@myndigheten.example', phone: null });
    await t.services.accounts.addStaffRole(OLLE, 'case_officer');

    const inject = (options: InjectOptions) => app.inject(options);
    const get = (who: Who | undefined, url: string, headers: Record<string, string> = {}) =>
      inject({ method: 'GET', url, headers: { ...(who ? { cookie: who.cookie } : {}), ...headers } });
    const post = (who: Who | undefined, url: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      inject({
        method: 'POST',
        url,
        headers: { ...(who ? { cookie: who.cookie } : {}), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: form({ ...(who ? { _csrf: who.csrf } : {}), ...fields }),
      });
    const upload = (who: Who | undefined, url: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) => {
      const body = multipart(fields, file);
      return inject({ method: 'POST', url, headers: { ...(who ? { cookie: who.cookie } : {}), 'content-type': body.contentType }, payload: body.payload });
    };

    async function session(caller: Caller): Promise<Who> {
      if (caller === 'anonymous') {
        const s = await t.services.sessions.create();
        return { cookie: `${t.services.sessions.cookieName}=${s.id}`, csrf: s.data.csrf };
      }
      const pn = { otherOrg: TESTA, orgAdmin: TOLVAN, officer: OLLE, staff: HEDDA }[caller];
      const who = await t.loginAs(pn);
      if (caller === 'orgAdmin') {
        const chosen = await post(who, '/start/organisation', { orgnr: ORG_A });
        expect(chosen.statusCode).toBe(303);
      }
      return who;
    }

    const owner = await session('orgAdmin');
    const revisionOf = async (id: string) => (await t.services.cases.find(id))?.revision ?? -1;

    async function newDraft(subject: string): Promise<string> {
      const created = await post(owner, '/cases', { type: 'other_case' });
      const id = /^\/cases\/([0-9a-f-]{36})\/steps\//.exec(String(created.headers.location))?.[1];
      if (!id) throw new Error(`draft not created: ${created.statusCode}`);
      const filled = await post(owner, `/cases/${id}/steps/case`, { revision: String(await revisionOf(id)), _action: 'next', subject, body: 'Underlag för säkerhetstesterna.' });
      expect(filled.statusCode).toBe(303);
      return id;
    }

    async function startSubmission(id: string): Promise<string> {
      const review = await get(owner, `/cases/${id}/review`);
      const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
      const res = await post(owner, `/cases/${id}/submit`, { digest });
      const signId = /^\/sign\/([A-Za-z0-9_-]+)$/.exec(String(res.headers.location))?.[1];
      if (!signId) throw new Error(`submission not started: ${res.statusCode}`);
      return signId;
    }

    const draft = await newDraft('Utkast A');
    const withFile = await upload(owner, `/cases/${draft}/attachments`, { _csrf: owner.csrf }, { name: 'underlag.pdf', bytes: pdf('draft') });
    expect(withFile.statusCode).toBe(303);
    const attachment = (await t.services.cases.attachments(draft))[0]?.id ?? '';

    const submitted = await newDraft('Inlämnat A');
    const submittedSign = await startSubmission(submitted);
    const request = await t.services.signing.find(submittedSign);
    if (!request) throw new Error('sign request missing');
    const evidence = await t.services.signing.complete(request, {
      method: 'telia_card',
      signerPersonnummer: TOLVAN,
      signerName: 'Tolvan Tolvansson',
      signedAt: clock.now(),
      // Shaped like card evidence (the card re-verifier reads it) but signs nothing: the
      // evidence pages show it as not valid, which is all access control needs.
      evidence: { format: 'cms-v1', issuerId: 'telia', cms: '', chain: [], ocsp: '', signingTime: null },
    });
    const message = await upload(owner, `/cases/${submitted}/messages`, { _csrf: owner.csrf, body: 'Fråga med bilaga' }, { name: 'fraga.pdf', bytes: pdf('message') });
    expect(message.statusCode).toBe(303);
    const messageAttachment = (await t.services.cases.attachments(submitted)).find((a) => a.messageId !== null)?.id ?? '';

    const signRequest = await startSubmission(await newDraft('Väntar på underskrift A'));
    const cardSign = await post(owner, `/sign/${signRequest}/card`);
    const bridgeToken = /\/sign\/bridge\/([A-Za-z0-9_-]{43})/.exec(decodeURIComponent(cardSign.body))?.[1] ?? '';

    expect((await post(owner, '/register/contacts', { 'contact-name': 'Kontakt A', 'contact-address': 'Gatan 1', 'contact-country': 'NO' })).statusCode).toBe(303);
    expect((await post(owner, '/register/products', { 'product-description': 'Produkt A', 'product-classification': 'ML5' })).statusCode).toBe(303);
    const contact = (await t.services.register.contacts(ORG_A))[0]?.id ?? '';
    const product = (await t.services.register.products(ORG_A))[0]?.id ?? '';
    const requested = await post(owner, '/organisation/users/requests', {
      action: 'add',
      'user-personnummer': TESTA,
      'user-name': 'Testa Testsson',
      'user-email': 'ny@skargarden.example',
      'user-phone': '',
      'user-role': 'user',
    });
    expect(requested.statusCode, requested.body.slice(0, 500)).toBe(303);
    const membershipRequest = (await t.services.register.pendingRequests(ORG_A))[0]?.id ?? '';

    const ids: FixtureIds = { draft, submitted, attachment, messageAttachment, signRequest, evidence: evidence.id, contact, product, membershipRequest, bridgeToken };
    for (const [name, value] of Object.entries(ids)) if (!value) throw new Error(`fixture id ${name} is missing`);

    async function snapshot(): Promise<string> {
      const parts: string[] = [];
      for (const table of TABLES) {
        const rows = await t.services.db.selectFrom(table).selectAll().execute();
        parts.push(`${table}:${JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`);
      }
      const kv = await t.services.db.selectFrom('kv_store').select(['key', 'value']).orderBy('key').execute();
      parts.push(`kv:${JSON.stringify(kv.filter((r) => !r.key.startsWith('sess:') && !r.key.startsWith('rl:')))}`);
      return parts.join('\n');
    }

    const cardBed = card;
    const bankid = bankidServer;
    return {
      t,
      app,
      card: cardBed,
      routes,
      ids,
      session,
      owner,
      inject,
      get,
      post,
      upload,
      freshDraft: () => newDraft('Engångsutkast'),
      snapshot,
      async close() {
        await cardBed.close();
        await bankid.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await card?.close();
    await bankidServer?.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
