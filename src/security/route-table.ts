/**
 * Every route of the app, classified: who may call it, and the exact status each caller
 * gets. The access-control test compares this table with the routes Fastify registered, so
 * a new route without an entry fails ("every route must be classified"), and so does an
 * entry whose route is gone. The CSRF and web-input tests take their requests from here.
 *
 * Columns (see fixture.ts): anonymous (an anonymous session with a CSRF token, as after any
 * page with a form), otherOrg (a company user of another organisation), orgAdmin (the org
 * admin of organisation A, which owns every case, file and sign request probed), officer
 * (staff, case officer only), staff (case officer and admin).
 *
 * Probes that would consume what they act on (deleting a draft, redeeming a bridge token)
 * build a fresh target for each caller, so each caller meets the same state. Bodies of
 * state-changing probes are chosen so that a caller who is let in is refused by validation
 * (400/409/422) wherever that still proves the handler was reached: the table checks who
 * gets in, not what the feature does once in.
 */
import type { LightMyRequestResponse } from 'fastify';
import { form, multipart, pdf, type Caller, type SecurityFixture, type Who } from './fixture.js';

export type Kind =
  /** Anyone: login pages and flows, information, static files, health, language. */
  | 'public'
  /** Anyone logged in; what they see is their own. */
  | 'login'
  /** Members of the owning organisation (and staff for submitted cases). */
  | 'member'
  /** The person who signs (sign requests and their evidence). */
  | 'signer'
  /** Staff of the agency. */
  | 'staff'
  /** Staff with the role admin. */
  | 'admin'
  /** Proven by an unguessable single-use token instead of the session (card-signing bridge). */
  | 'token';

export interface Probe {
  /** Path and query; a function builds it from the fixture's ids, or makes a fresh target. */
  url: (f: SecurityFixture) => string | Promise<string>;
  /** Form fields besides `_csrf` (which the caller's session supplies). */
  fields?: Record<string, string> | ((f: SecurityFixture) => Record<string, string>);
  /** Send the fields as multipart/form-data; `file` adds a fresh PDF after them. */
  multipart?: { file: boolean };
  expect: Record<Caller, number>;
}

export interface RouteEntry {
  kind: Kind;
  probes: readonly Probe[];
}

/** Expected statuses, in the column order anonymous, otherOrg, orgAdmin, officer, staff. */
export function x(anonymous: number, otherOrg: number, orgAdmin: number, officer: number, staff: number): Record<Caller, number> {
  return { anonymous, otherOrg, orgAdmin, officer, staff };
}
const all = (status: number) => x(status, status, status, status, status);
/** Admin routes: 401 for nobody, 403 for everyone without the staff role admin. */
const admin = (staff: number) => x(401, 403, 403, 403, staff);

const at = (url: string) => () => url;

async function freshAttachment(f: SecurityFixture): Promise<{ id: string; aid: string }> {
  const id = await f.freshDraft();
  const res = await f.upload(f.owner, `/cases/${id}/attachments`, { _csrf: f.owner.csrf }, { name: 'bilaga.pdf', bytes: pdf(`fresh ${id}`) });
  if (res.statusCode !== 303) throw new Error(`fresh attachment refused: ${res.statusCode}`);
  const aid = (await f.t.services.cases.attachments(id))[0]?.id;
  if (!aid) throw new Error('fresh attachment missing');
  return { id, aid };
}

async function freshContact(f: SecurityFixture): Promise<string> {
  const name = `Kontakt ${Math.random().toString(36).slice(2)}`;
  const res = await f.post(f.owner, '/register/contacts', { 'contact-name': name, 'contact-address': 'Gatan 2', 'contact-country': 'DK' });
  if (res.statusCode !== 303) throw new Error(`fresh contact refused: ${res.statusCode}`);
  const id = (await f.t.services.register.contacts('5590123450')).find((c) => c.name === name)?.id;
  if (!id) throw new Error('fresh contact missing');
  return id;
}

/** A new bridge token for the pending sign request (each POST to the bridge redeems one). */
export async function freshBridgeToken(f: SecurityFixture): Promise<string> {
  const res = await f.post(f.owner, `/sign/${f.ids.signRequest}/card`);
  const token = /\/sign\/bridge\/([A-Za-z0-9_-]{43})/.exec(decodeURIComponent(res.body))?.[1];
  if (!token) throw new Error(`no bridge token: ${res.statusCode}`);
  return token;
}

export const ROUTE_TABLE: Readonly<Record<string, RouteEntry>> = {
  // --- public: static files, login, information, health, language ----------------------------
  'GET /static/*': { kind: 'public', probes: [{ url: at('/static/app.css'), expect: all(200) }] },
  'GET /': { kind: 'public', probes: [{ url: at('/'), expect: all(303) }] },
  'GET /login': { kind: 'public', probes: [{ url: at('/login'), expect: all(200) }] },
  'POST /logout': { kind: 'public', probes: [{ url: at('/logout'), expect: all(303) }] },
  'GET /start': { kind: 'login', probes: [{ url: at('/start'), expect: x(401, 200, 200, 200, 200) }] },
  'GET /start/organisation': { kind: 'login', probes: [{ url: at('/start/organisation'), expect: x(401, 200, 200, 303, 303) }] },
  'POST /start/organisation': { kind: 'login', probes: [{ url: at('/start/organisation'), fields: { orgnr: '5590123450' }, expect: x(401, 403, 303, 403, 403) }] },
  'POST /session/extend': { kind: 'login', probes: [{ url: at('/session/extend'), expect: x(401, 303, 303, 303, 303) }] },
  'GET /session/remaining': { kind: 'public', probes: [{ url: at('/session/remaining'), expect: all(200) }] },
  'GET /lang/:lang': { kind: 'public', probes: [{ url: at('/lang/en?return=/info'), expect: all(303) }] },
  'GET /login/no-account': { kind: 'public', probes: [{ url: at('/login/no-account'), expect: all(403) }] },
  'GET /health/live': { kind: 'public', probes: [{ url: at('/health/live'), expect: all(200) }] },
  'GET /health/ready': { kind: 'public', probes: [{ url: at('/health/ready'), expect: all(200) }] },
  // Loopback or bearer token (KW_METRICS_TOKEN), never the session: inject comes from 127.0.0.1.
  'GET /metrics': { kind: 'public', probes: [{ url: at('/metrics'), expect: all(200) }] },
  'GET /info': { kind: 'public', probes: [{ url: at('/info'), expect: all(200) }] },
  'GET /info/plan.json': { kind: 'public', probes: [{ url: at('/info/plan.json'), expect: all(200) }] },
  'GET /info/plan.ics': { kind: 'public', probes: [{ url: at('/info/plan.ics'), expect: all(200) }] },
  'GET /tillganglighet': { kind: 'public', probes: [{ url: at('/tillganglighet'), expect: all(200) }] },
  'GET /login/card': { kind: 'public', probes: [{ url: at('/login/card'), expect: all(200) }] },
  'GET /login/card/return': { kind: 'public', probes: [{ url: at('/login/card/return?ticket=forged'), expect: all(303) }] },
  'GET /login/card/failed': { kind: 'public', probes: [{ url: at('/login/card/failed?code=revoked'), expect: all(403) }] },
  'GET /login/bankid': { kind: 'public', probes: [{ url: at('/login/bankid'), expect: all(200) }] },
  'POST /bankid/start': {
    kind: 'public',
    probes: [
      { url: at('/bankid/start'), fields: { kind: 'auth', flow: 'neither' }, expect: all(400) },
      // Attack: start a BankID signature of someone else's sign request.
      { url: at('/bankid/start'), fields: (f) => ({ kind: 'sign', flow: 'qr', sign: f.ids.signRequest }), expect: x(401, 403, 303, 403, 403) },
    ],
  },
  // The BankID order lives in the session that started it; no other session reaches it.
  'GET /bankid/wait': { kind: 'public', probes: [{ url: at('/bankid/wait'), expect: all(404) }] },
  'GET /bankid/status': { kind: 'public', probes: [{ url: at('/bankid/status'), expect: all(404) }] },
  'GET /bankid/qr.svg': { kind: 'public', probes: [{ url: at('/bankid/qr.svg'), expect: all(404) }] },
  'GET /bankid/complete': { kind: 'public', probes: [{ url: at('/bankid/complete'), expect: all(303) }] },
  'POST /bankid/cancel': { kind: 'public', probes: [{ url: at('/bankid/cancel'), expect: all(303) }] },
  // Switching flow takes the purpose (login, or which sign request) from the session's order, never the form.
  'POST /bankid/switch': {
    kind: 'public',
    probes: [
      { url: at('/bankid/switch'), fields: { flow: 'neither' }, expect: all(400) },
      { url: at('/bankid/switch'), fields: { flow: 'autostart' }, expect: all(303) },
    ],
  },
  'POST /bankid/renew': { kind: 'public', probes: [{ url: at('/bankid/renew'), expect: all(404) }] },

  // --- self-test (issue 17): anyone, logged in or not; a test never logs in -------------------
  'GET /testa-e-legitimation': { kind: 'public', probes: [{ url: at('/testa-e-legitimation'), expect: all(200) }] },
  // Only the session's own test order is taken; without one, back to the test page.
  // A forged or used ticket (or a login ticket) shows "cannot be shown", and nothing else.
  'GET /testa-e-legitimation/kort/resultat': { kind: 'public', probes: [{ url: at('/testa-e-legitimation/kort/resultat?ticket=forged'), expect: all(400) }] },
  // A test signature (never a sign request): anyone may start one; its result only for its session.
  'POST /testa-e-legitimation/underskrift': { kind: 'public', probes: [{ url: at('/testa-e-legitimation/underskrift'), expect: all(200) }] },
  'GET /testa-e-legitimation/underskrift/resultat': { kind: 'public', probes: [{ url: at('/testa-e-legitimation/underskrift/resultat?test=forged'), expect: all(400) }] },
  'GET /testa-e-legitimation/bankid/resultat': { kind: 'public', probes: [{ url: at('/testa-e-legitimation/bankid/resultat'), expect: all(303) }] },

  // --- signing ------------------------------------------------------------------------------
  'GET /sign/:id': { kind: 'signer', probes: [{ url: (f) => `/sign/${f.ids.signRequest}`, expect: x(401, 403, 200, 403, 403) }] },
  'GET /sign/:id/status': { kind: 'signer', probes: [{ url: (f) => `/sign/${f.ids.signRequest}/status`, expect: x(401, 403, 200, 403, 403) }] },
  'POST /sign/:id/card': { kind: 'signer', probes: [{ url: (f) => `/sign/${f.ids.signRequest}/card`, expect: x(401, 403, 200, 403, 403) }] },
  'POST /sign/:id/start': {
    kind: 'signer',
    probes: [
      // The card's start button: the signer gets the card's page; a choice that names no method leads back.
      { url: (f) => `/sign/${f.ids.signRequest}/start`, fields: { choice: 'card:card' }, expect: x(401, 403, 200, 403, 403) },
      { url: (f) => `/sign/${f.ids.signRequest}/start`, fields: { choice: 'nothing' }, expect: x(401, 403, 303, 403, 403) },
    ],
  },
  // Staff may check any evidence; a company user only their own signature.
  'GET /signatures/:id': { kind: 'signer', probes: [{ url: (f) => `/signatures/${f.ids.evidence}`, expect: x(401, 403, 200, 200, 200) }] },
  // The Net iD client is another program than the browser: the token is the credential,
  // cookies are ignored. A forged token finds nothing; a real one works once (fresh here).
  'GET /sign/bridge/:token': {
    kind: 'token',
    probes: [
      { url: (f) => `/sign/bridge/${f.ids.bridgeToken}`, expect: all(200) },
      { url: at(`/sign/bridge/${'A'.repeat(43)}`), expect: all(404) },
    ],
  },
  'POST /sign/bridge/:token': {
    kind: 'token',
    probes: [
      { url: async (f) => `/sign/bridge/${await freshBridgeToken(f)}`, fields: { cms: '***' }, expect: all(400) },
      { url: at(`/sign/bridge/${'A'.repeat(43)}`), fields: { error: 'cancelled' }, expect: all(404) },
    ],
  },

  // --- cases ----------------------------------------------------------------------------------
  // The list and the new-case page show the caller's own organisation's cases only.
  'GET /cases': {
    kind: 'login',
    probes: [
      { url: at('/cases'), expect: x(401, 200, 200, 200, 200) },
      // Each section's page number (drafts, submitted, messages); a bad one is page 1.
      { url: at('/cases?drafts=2&submitted=x&messages=99999999999'), expect: x(401, 200, 200, 200, 200) },
    ],
  },
  'GET /cases/new': { kind: 'login', probes: [{ url: at('/cases/new'), expect: x(401, 200, 200, 303, 303) }] },
  'POST /cases': {
    kind: 'member',
    probes: [
      { url: at('/cases'), fields: { type: 'no_such_type' }, expect: x(401, 400, 400, 403, 403) },
      // Attack: copy organisation A's submitted case into another organisation.
      { url: at('/cases'), fields: (f) => ({ copy: f.ids.submitted }), expect: x(401, 403, 303, 403, 403) },
    ],
  },
  'GET /cases/:id': {
    kind: 'member',
    probes: [
      { url: (f) => `/cases/${f.ids.submitted}`, expect: x(401, 403, 200, 200, 200) },
      // Drafts are the company's own: staff do not see them.
      { url: (f) => `/cases/${f.ids.draft}`, expect: x(401, 403, 303, 403, 403) },
      { url: at('/cases/00000000-0000-4000-8000-000000000000'), expect: x(401, 404, 404, 404, 404) },
    ],
  },
  'GET /cases/:id/steps/:step': {
    kind: 'member',
    probes: [
      { url: (f) => `/cases/${f.ids.draft}/steps/case`, expect: x(401, 403, 200, 403, 403) },
      { url: (f) => `/cases/${f.ids.draft}/steps/attachments`, expect: x(401, 403, 200, 403, 403) },
      { url: (f) => `/cases/${f.ids.submitted}/steps/case`, expect: x(401, 403, 303, 403, 403) },
    ],
  },
  'POST /cases/:id/steps/:step': {
    kind: 'member',
    probes: [
      // A stale revision: the member is sent back to the step, nothing is saved.
      { url: (f) => `/cases/${f.ids.draft}/steps/case`, fields: { revision: '-1', _action: 'save', subject: 'Kapad', body: 'Kapad' }, expect: x(401, 403, 303, 403, 403) },
      // A submitted case cannot be changed by anyone.
      { url: (f) => `/cases/${f.ids.submitted}/steps/case`, fields: { revision: '1', _action: 'save', subject: 'Kapad', body: 'Kapad' }, expect: x(401, 403, 403, 403, 403) },
    ],
  },
  'POST /cases/:id/attachments': {
    kind: 'member',
    probes: [
      { url: async (f) => `/cases/${await f.freshDraft()}/attachments`, multipart: { file: true }, expect: x(401, 403, 303, 403, 403) },
      { url: (f) => `/cases/${f.ids.submitted}/attachments`, multipart: { file: true }, expect: x(401, 403, 403, 403, 403) },
    ],
  },
  'POST /cases/:id/attachments/:aid/delete': {
    kind: 'member',
    probes: [
      {
        url: async (f) => {
          const { id, aid } = await freshAttachment(f);
          return `/cases/${id}/attachments/${aid}/delete`;
        },
        expect: x(401, 403, 303, 403, 403),
      },
      // Attack: remove a file of the submitted case (through its message) — never.
      { url: (f) => `/cases/${f.ids.submitted}/attachments/${f.ids.messageAttachment}/delete`, expect: x(401, 403, 403, 403, 403) },
    ],
  },
  'GET /cases/:id/attachments/:aid': {
    kind: 'member',
    probes: [
      { url: (f) => `/cases/${f.ids.draft}/attachments/${f.ids.attachment}`, expect: x(401, 403, 200, 403, 403) },
      { url: (f) => `/cases/${f.ids.submitted}/attachments/${f.ids.messageAttachment}`, expect: x(401, 403, 200, 200, 200) },
      // Attack: reach a draft's file through a case the caller may see.
      { url: (f) => `/cases/${f.ids.submitted}/attachments/${f.ids.attachment}`, expect: x(401, 403, 404, 404, 404) },
    ],
  },
  'GET /cases/:id/review': {
    kind: 'member',
    probes: [
      { url: (f) => `/cases/${f.ids.draft}/review`, expect: x(401, 403, 200, 403, 403) },
      { url: (f) => `/cases/${f.ids.submitted}/review`, expect: x(401, 403, 303, 403, 403) },
    ],
  },
  'POST /cases/:id/submit': {
    kind: 'member',
    // A digest that is not the reviewed one: the member sees the review again (409).
    probes: [{ url: (f) => `/cases/${f.ids.draft}/submit`, fields: { digest: '0'.repeat(64) }, expect: x(401, 403, 409, 403, 403) }],
  },
  'POST /cases/:id/messages': {
    kind: 'member',
    probes: [
      // An empty message: whoever is let in gets the form back (422), nothing is posted.
      { url: (f) => `/cases/${f.ids.submitted}/messages`, multipart: { file: false }, fields: { body: '' }, expect: x(401, 403, 422, 422, 422) },
      { url: (f) => `/cases/${f.ids.draft}/messages`, multipart: { file: false }, fields: { body: 'Hej' }, expect: x(401, 403, 400, 403, 403) },
    ],
  },
  'GET /cases/:id/close': {
    kind: 'staff',
    probes: [{ url: (f) => `/cases/${f.ids.submitted}/close`, expect: x(401, 403, 403, 200, 200) }],
  },
  'POST /cases/:id/status': {
    kind: 'staff',
    probes: [{ url: (f) => `/cases/${f.ids.submitted}/status`, fields: { status: 'unknown' }, expect: x(401, 403, 403, 400, 400) }],
  },
  'POST /cases/:id/delete': {
    kind: 'member',
    probes: [
      { url: async (f) => `/cases/${await f.freshDraft()}/delete`, expect: x(401, 403, 303, 403, 403) },
      { url: (f) => `/cases/${f.ids.submitted}/delete`, expect: x(401, 403, 403, 403, 403) },
    ],
  },
  'GET /cases/:id/receipt.pdf': {
    kind: 'member',
    probes: [
      { url: (f) => `/cases/${f.ids.submitted}/receipt.pdf`, expect: x(401, 403, 200, 200, 200) },
      { url: (f) => `/cases/${f.ids.draft}/receipt.pdf`, expect: x(401, 403, 404, 403, 403) },
    ],
  },
  'GET /cases/:id/submitted': {
    kind: 'member',
    probes: [
      { url: (f) => `/cases/${f.ids.submitted}/submitted`, expect: x(401, 403, 200, 200, 200) },
      { url: (f) => `/cases/${f.ids.draft}/submitted`, expect: x(401, 403, 303, 403, 403) },
    ],
  },
  'GET /cases/:id/archive.zip': {
    kind: 'member',
    probes: [
      { url: (f) => `/cases/${f.ids.submitted}/archive.zip`, expect: x(401, 403, 200, 200, 200) },
      { url: (f) => `/cases/${f.ids.draft}/archive.zip`, expect: x(401, 403, 404, 403, 403) },
    ],
  },
  'GET /cases/:id/signature': { kind: 'member', probes: [{ url: (f) => `/cases/${f.ids.submitted}/signature`, expect: x(401, 403, 200, 200, 200) }] },
  'GET /officer/cases': {
    kind: 'staff',
    probes: [
      { url: at('/officer/cases?status=submitted'), expect: x(401, 403, 403, 200, 200) },
      { url: at('/officer/cases?status=closed&page=-3'), expect: x(401, 403, 403, 200, 200) },
    ],
  },

  // --- the organisation's register and users (always the acting organisation's own) -------------
  'GET /register': { kind: 'member', probes: [{ url: at('/register'), expect: x(401, 200, 200, 403, 403) }] },
  'POST /register/contacts': { kind: 'member', probes: [{ url: at('/register/contacts'), fields: { 'contact-name': '' }, expect: x(401, 422, 422, 403, 403) }] },
  'POST /register/products': { kind: 'member', probes: [{ url: at('/register/products'), fields: { 'product-description': '' }, expect: x(401, 422, 422, 403, 403) }] },
  'POST /register/:kind/:id/delete': {
    kind: 'member',
    // Attack: another organisation deletes A's contact by its id (404: not in its register).
    probes: [{ url: async (f) => `/register/contact/${await freshContact(f)}/delete`, expect: x(401, 404, 303, 403, 403) }],
  },
  'GET /organisation/users': { kind: 'member', probes: [{ url: at('/organisation/users'), expect: x(401, 200, 200, 403, 403) }] },
  'POST /organisation/users/requests': { kind: 'member', probes: [{ url: at('/organisation/users/requests'), fields: { action: 'neither' }, expect: x(401, 403, 400, 403, 403) }] },

  // --- the admin side -------------------------------------------------------------------------
  'GET /admin': { kind: 'admin', probes: [{ url: at('/admin'), expect: admin(200) }] },
  'GET /admin/plan': { kind: 'admin', probes: [{ url: at('/admin/plan'), expect: admin(200) }] },
  'POST /admin/plan/:method': { kind: 'admin', probes: [{ url: at('/admin/plan/bankid'), fields: { enabledFrom: 'inte ett datum' }, expect: admin(400) }] },
  'GET /admin/plan/preview': { kind: 'admin', probes: [{ url: at('/admin/plan/preview?date=2027-09-16'), expect: admin(200) }] },
  'GET /admin/plan/:method': { kind: 'admin', probes: [{ url: at('/admin/plan/bankid'), expect: admin(200) }] },
  'GET /admin/people': { kind: 'admin', probes: [{ url: at('/admin/people?q=Tolvan'), expect: admin(200) }] },
  'GET /admin/people/new': { kind: 'admin', probes: [{ url: at('/admin/people/new'), expect: admin(200) }] },
  'POST /admin/people': { kind: 'admin', probes: [{ url: at('/admin/people'), fields: { personnummer: '' }, expect: admin(400) }] },
  'GET /admin/people/:pnr': { kind: 'admin', probes: [{ url: at('/admin/people/191212121212'), expect: admin(200) }] },
  'GET /admin/people/:pnr/registerutdrag': { kind: 'admin', probes: [{ url: at('/admin/people/191212121212/registerutdrag'), expect: admin(200) }] },
  'POST /admin/people/:pnr': { kind: 'admin', probes: [{ url: at('/admin/people/191212121212'), fields: { name: '' }, expect: admin(400) }] },
  'POST /admin/people/:pnr/active': { kind: 'admin', probes: [{ url: at('/admin/people/191212121212/active'), fields: { active: 'maybe' }, expect: admin(400) }] },
  'POST /admin/people/:pnr/memberships': { kind: 'admin', probes: [{ url: at('/admin/people/198112289874/memberships'), fields: { orgnr: '' }, expect: admin(400) }] },
  'POST /admin/people/:pnr/memberships/:orgnr/remove': { kind: 'admin', probes: [{ url: at('/admin/people/197003032385/memberships/5590123450/remove'), expect: admin(404) }] },
  'GET /admin/organisations': { kind: 'admin', probes: [{ url: at('/admin/organisations'), expect: admin(200) }] },
  'POST /admin/organisations': { kind: 'admin', probes: [{ url: at('/admin/organisations'), fields: { orgnr: '' }, expect: admin(400) }] },
  'GET /admin/organisations/:orgnr': { kind: 'admin', probes: [{ url: at('/admin/organisations/5590123450'), expect: admin(200) }] },
  'POST /admin/organisations/:orgnr': { kind: 'admin', probes: [{ url: at('/admin/organisations/5590123450'), fields: { name: '' }, expect: admin(400) }] },
  'POST /admin/organisations/:orgnr/active': { kind: 'admin', probes: [{ url: at('/admin/organisations/5590123450/active'), fields: { active: 'maybe' }, expect: admin(400) }] },
  'GET /admin/import': { kind: 'admin', probes: [{ url: at('/admin/import'), expect: admin(200) }] },
  'POST /admin/import': { kind: 'admin', probes: [{ url: at('/admin/import'), fields: { action: 'check', csv: '' }, expect: admin(400) }] },
  'GET /admin/requests': { kind: 'admin', probes: [{ url: at('/admin/requests'), expect: admin(200) }] },
  // Rejecting needs a note: the admin gets the form back, the request stays pending.
  'POST /admin/requests/:id/:decision': { kind: 'admin', probes: [{ url: (f) => `/admin/requests/${f.ids.membershipRequest}/reject`, fields: { note: '' }, expect: admin(400) }] },
  'GET /admin/audit': {
    kind: 'admin',
    probes: [
      { url: at('/admin/audit'), expect: admin(200) },
      { url: at('/admin/audit?page=99999999'), expect: admin(200) },
    ],
  },
  'GET /admin/audit.csv': { kind: 'admin', probes: [{ url: at('/admin/audit.csv'), expect: admin(200) }] },
  'GET /admin/retention': { kind: 'admin', probes: [{ url: at('/admin/retention?preview=1'), expect: admin(200) }] },
  'GET /admin/at-risk': { kind: 'admin', probes: [{ url: at('/admin/at-risk'), expect: admin(200) }] },
  'POST /admin/at-risk/reminders': { kind: 'admin', probes: [{ url: at('/admin/at-risk/reminders'), fields: { months: 'many' }, expect: admin(400) }] },
  'GET /admin/outbox': { kind: 'admin', probes: [{ url: at('/admin/outbox'), expect: admin(200) }] },
};

/** Turns a route pattern into a regex over request paths (`:param` one segment, `*` the rest). */
export function patternOf(route: string): RegExp {
  const source = route
    .split('/')
    .map((segment) => (segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-z]+/gi, '[^/]+')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/** The method and pattern of a table key ("POST /cases/:id/submit"). */
export function splitKey(key: string): { method: string; pattern: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space), pattern: key.slice(space + 1) };
}

/**
 * Sends `probe` as `who`. `csrf` overrides the token sent (null: none at all); `headers`
 * are added (e.g. a foreign Origin). The URL is built first, so fresh targets exist before
 * the caller acts.
 */
export async function sendProbe(
  f: SecurityFixture,
  method: string,
  probe: Probe,
  who: Who | undefined,
  options: { csrf?: string | null; headers?: Record<string, string>; url?: string } = {},
): Promise<{ url: string; res: LightMyRequestResponse }> {
  const url = options.url ?? (await probe.url(f));
  const headers = { ...(who ? { cookie: who.cookie } : {}), ...options.headers };
  if (method === 'GET') return { url, res: await f.inject({ method: 'GET', url, headers }) };
  const token = options.csrf === undefined ? who?.csrf : options.csrf;
  const fields = { ...(token === null || token === undefined ? {} : { _csrf: token }), ...(typeof probe.fields === 'function' ? probe.fields(f) : probe.fields) };
  if (probe.multipart) {
    const body = multipart(fields, probe.multipart.file ? { name: 'bilaga.pdf', bytes: pdf(`probe ${Math.random()}`) } : undefined);
    return { url, res: await f.inject({ method: 'POST', url, headers: { ...headers, 'content-type': body.contentType }, payload: body.payload }) };
  }
  return { url, res: await f.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) }) };
}
