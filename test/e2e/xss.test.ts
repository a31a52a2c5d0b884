/**
 * Stored XSS in real Chromium. Attack: markup, script and javascript: URLs typed into every
 * text the portal stores and shows again — a case's fields (every step of "Övrigt ärende"
 * and the steps of an export licence with a product row), attachment file names, messages
 * both ways, register contacts and products, a person's and an organisation's name entered
 * on the admin side, a membership request, a login method's notice, the signer's name.
 * Invariant: on every page that shows them (case lists, steps, review, sign page, case
 * page, evidence pages, the officers' list, the register, the organisation's users, the
 * admin pages, the login page and Kundwebbinfo) the payload is shown as text: no element
 * carries an event handler attribute or a javascript: URL, no inline script exists,
 * `window.__xss` stays undefined, and the harness sees no CSP violation (it fails the
 * journey on any). The data goes in over HTTP through the same routes the forms post to.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { form, multipart, pdf } from '../../src/security/fixture.js';
import { safeFileName } from '../../src/cases/file-types.js';
import { luhnCheckDigit } from '../../src/identity/personnummer.js';
import { checkA11y, startE2E, withPage, type E2E } from './harness.js';

const HEDDA = '196408231238'; // staff: case officer and admin
const NORDVIK = '5566778899';
const XENA = `19850505123${luhnCheckDigit('850505123')}`;
const XSS_ORG = `556699123${luhnCheckDigit('556699123')}`;

/** What each stored text is; each also carries a plain marker to find it on the page. */
const P = {
  person: 'Xena "><img src=x onerror=window.__xss=1> Xsson',
  org: 'XSS AB </option><img src=x onerror="window.__xss=1">',
  subject: 'Ämne </title><script>window.__xss=1</script><img src=x onerror="window.__xss=1">',
  body: '</textarea><script>window.__xss=1</script>"><svg onload=window.__xss=1> javascript:window.__xss=1',
  pendingSubject: "Väntande '><svg onload=window.__xss=1>",
  contactName: 'Kontakt </option></select><img src=x onerror="window.__xss=1">',
  contactAddress: '<script>window.__xss=1</script>\nGatan 1',
  product: 'Produkt "><svg onload=window.__xss=1>',
  rowDescription: 'Rad <img src=x onerror="window.__xss=1">',
  contactPerson: 'Kontaktperson <script>window.__xss=1</script>',
  reference: 'javascript:window.__xss=1',
  consignee: 'Mottagare "><img src=x onerror=window.__xss=1>',
  endUser: "Slutanvändare '><svg onload=window.__xss=1>",
  address: '</textarea><img src=x onerror="window.__xss=1">',
  intermediaries: 'Mellanhand <iframe src="javascript:window.__xss=1"></iframe>',
  endUse: 'Användning <math><mi xlink:href="javascript:window.__xss=1">x</mi></math>',
  contract: 'Avtal <a href="javascript:window.__xss=1">klick</a>',
  messageOut: 'Fråga <script>window.__xss=1</script> javascript:window.__xss=1',
  messageIn: 'Svar <img src=x onerror="window.__xss=1">',
  requested: 'Ny <img src=x onerror=window.__xss=1> Användare',
  notice: 'Notis <script>window.__xss=1</script><img src=x onerror="window.__xss=1">',
  // A browser sends " in a file name as %22, so the names use ' and bare tags.
  files: ['<img src=x onerror=window.__xss=1>.pdf', '<svg onload=window.__xss=1>.pdf', "javascript:window.__xss=1'.pdf"],
  messageFile: "'><img src=x onerror=window.__xss=1>.pdf",
} as const;

let e2e: E2E;
/** Ids of what the setup stored. */
const ids = { other: '', exportDraft: '', pendingSign: '', evidence: '' };
/** File names as stored. */
const stored = { files: [] as string[], messageFile: '' };

interface Who {
  cookie: string;
  csrf: string;
}

function inject(who: Who, url: string, fields: Record<string, string>) {
  return e2e.app.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: who.csrf, ...fields }) });
}

async function upload(who: Who, url: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer }) {
  const body = multipart({ _csrf: who.csrf, ...fields }, file);
  return e2e.app.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': body.contentType }, payload: body.payload });
}

/** Posts and insists on the redirect that means "saved". */
async function saved(what: string, res: Promise<{ statusCode: number; body: string }>): Promise<void> {
  const done = await res;
  expect(done.statusCode, `${what}: ${done.body.slice(0, 400)}`).toBe(303);
}

async function xenaActingForXssOrg(): Promise<Who> {
  const who = await e2e.app.loginAs(XENA);
  await saved('choose organisation', inject(who, '/start/organisation', { orgnr: XSS_ORG }));
  return who;
}

async function newCase(who: Who, type: string): Promise<string> {
  const res = await inject(who, '/cases', { type });
  const id = /^\/cases\/([0-9a-f-]{36})\/steps\//.exec(String(res.headers.location))?.[1];
  if (!id) throw new Error(`case not created: ${res.statusCode}`);
  return id;
}

const revision = async (id: string) => String((await e2e.app.services.cases.find(id))?.revision);

async function step(who: Who, id: string, name: string, fields: Record<string, string>, action = 'save'): Promise<void> {
  await saved(`step ${name}`, inject(who, `/cases/${id}/steps/${name}`, { revision: await revision(id), _action: action, ...fields }));
}

async function startSubmission(who: Who, id: string): Promise<string> {
  const review = await e2e.app.app.inject({ url: `/cases/${id}/review`, headers: { cookie: who.cookie } });
  const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
  const res = await inject(who, `/cases/${id}/submit`, { digest });
  const signId = /^\/sign\/([A-Za-z0-9_-]+)$/.exec(String(res.headers.location))?.[1];
  if (!signId) throw new Error(`submission not started: ${res.statusCode} ${review.body.slice(0, 300)}`);
  return signId;
}

beforeAll(async () => {
  e2e = await startE2E();
  const { services } = e2e.app;

  // The admin side: an organisation and a person whose names are payloads.
  const hedda = await e2e.app.loginAs(HEDDA);
  await saved('organisation', inject(hedda, '/admin/organisations', { orgnr: XSS_ORG, name: P.org }));
  await saved('person', inject(hedda, '/admin/people', { personnummer: XENA, name: P.person, email: 'xena@example.se', phone: '' }));
  await saved('membership', inject(hedda, `/admin/people/${XENA}/memberships`, { orgnr: XSS_ORG, role: 'org_admin' }));
  await saved('membership', inject(hedda, `/admin/people/${XENA}/memberships`, { orgnr: NORDVIK, role: 'user' }));
  expect((await services.accounts.findPerson(XENA))?.name).toBe(P.person);
  expect((await services.accounts.findOrganisation(XSS_ORG))?.name).toBe(P.org);
  // A login method's notice, shown to everyone on the login page and Kundwebbinfo.
  await services.plan.change('telia_card', { notice: { sv: P.notice, en: P.notice } }, HEDDA);

  const xena = await xenaActingForXssOrg();
  // The register.
  await saved('contact', inject(xena, '/register/contacts', { 'contact-name': P.contactName, 'contact-address': P.contactAddress, 'contact-country': 'NO' }));
  await saved('product', inject(xena, '/register/products', { 'product-description': P.product, 'product-classification': 'ML5' }));
  // A membership request by the organisation's admin.
  await saved('request', inject(xena, '/organisation/users/requests', { action: 'add', 'user-personnummer': '198112289874', 'user-name': P.requested, 'user-email': 'ny@example.se', 'user-phone': '', 'user-role': 'user' }));

  // "Övrigt ärende": its one step, files with payload names, submitted and signed.
  ids.other = await newCase(xena, 'other_case');
  await step(xena, ids.other, 'case', { subject: P.subject, body: P.body }, 'next');
  for (const [i, name] of P.files.entries()) {
    await saved(`file ${name}`, upload(xena, `/cases/${ids.other}/attachments`, {}, { name, bytes: pdf(`xss ${i}`) }));
  }
  // File names lose the characters Windows forbids (< > : " / \\ | ? *) when stored, so no
  // markup survives in them; what is stored is still checked on every page below.
  stored.files = (await services.cases.attachments(ids.other)).map((a) => a.fileName).sort();
  expect(stored.files).toEqual([...P.files].map(safeFileName).sort());
  expect(stored.files.join('')).not.toMatch(/[<>]/);
  const signId = await startSubmission(xena, ids.other);
  const request = await services.signing.find(signId);
  if (!request) throw new Error('sign request missing');
  ids.evidence = (await services.signing.complete(request, { method: 'bankid', signerPersonnummer: XENA, signerName: P.person, signedAt: e2e.app.clock.now(), evidence: { format: 'test' } })).id;
  // Messages both ways, one with a file.
  await saved('message out', upload(xena, `/cases/${ids.other}/messages`, { body: P.messageOut }, { name: P.messageFile, bytes: pdf('xss message') }));
  stored.messageFile = safeFileName(P.messageFile) ?? '';
  expect((await services.cases.attachments(ids.other)).map((a) => a.fileName)).toContain(stored.messageFile);
  await saved('message in', upload(hedda, `/cases/${ids.other}/messages`, { body: P.messageIn }));

  // A second case waiting for its signature: the sign page shows its text.
  const pending = await newCase(xena, 'other_case');
  await step(xena, pending, 'case', { subject: P.pendingSubject, body: P.body }, 'next');
  ids.pendingSign = await startSubmission(xena, pending);

  // An export licence draft: every step, with one product row.
  ids.exportDraft = await newCase(xena, 'export_military');
  await step(xena, ids.exportDraft, 'applicant', { contact_name: P.contactPerson, contact_phone: '08-123 456 78', contact_email: 'xena@example.se', your_reference: P.reference });
  await step(xena, ids.exportDraft, 'products', { 'products.count': '0' }, 'add:products');
  await step(xena, ids.exportDraft, 'products', {
    'products.count': '1',
    'products.0.description': P.rowDescription,
    'products.0.ml_category': 'ML5',
    'products.0.quantity': '10',
    'products.0.unit_value': '100',
    'products.0.currency': 'SEK',
  });
  await step(xena, ids.exportDraft, 'parties', {
    consignee_name: P.consignee,
    consignee_address: P.address,
    consignee_country: 'NO',
    end_user_name: P.endUser,
    end_user_address: P.address,
    end_user_country: 'NO',
    end_user_type: 'industry',
    intermediaries: P.intermediaries,
  });
  await step(xena, ids.exportDraft, 'destination', { destination_country: 'NO', end_use: P.endUse, contract_reference: P.contract, contract_date: '2026-11-01' });
  await saved('export file', upload(xena, `/cases/${ids.exportDraft}/attachments`, {}, { name: P.files[0], bytes: pdf('xss export') }));
  const data = (await services.cases.find(ids.exportDraft))?.data ?? {};
  expect(data).toMatchObject({ contact_name: P.contactPerson, your_reference: P.reference, consignee_name: P.consignee, intermediaries: P.intermediaries, end_use: P.endUse, contract_reference: P.contract });
  expect(data['products']).toEqual([expect.objectContaining({ description: P.rowDescription })]);
}, 120_000);

afterAll(async () => {
  await e2e?.close();
});

/** Gives the browser the session cookie of `who`. */
async function useSession(context: BrowserContext, who: Who): Promise<void> {
  const at = who.cookie.indexOf('=');
  await context.addCookies([{ name: who.cookie.slice(0, at), value: who.cookie.slice(at + 1), url: e2e.baseUrl }]);
}

/** What the page holds as HTML that runs, and what it shows as text (with form values). */
async function inspect(page: Page) {
  return page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    const handlers = all.flatMap((el) => [...el.attributes].filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => `<${el.tagName.toLowerCase()} ${a.name}>`));
    const urls = all.flatMap((el) =>
      ['href', 'src', 'action', 'formaction', 'xlink:href', 'data']
        .map((name) => el.getAttribute(name))
        .filter((v): v is string => v !== null && /^\s*javascript:/i.test(v))
        .map((v) => `<${el.tagName.toLowerCase()} ${v}>`),
    );
    const controls = [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')].map((c) => c.value);
    return {
      xss: (window as unknown as { __xss?: unknown }).__xss,
      handlers,
      urls,
      inlineScripts: document.querySelectorAll('script:not([src])').length,
      injectedElements: document.querySelectorAll('img[src="x"], iframe, math, svg[onload]').length,
      text: `${document.documentElement.textContent ?? ''}\n${controls.join('\n')}`,
    };
  });
}

/** Visits `url`, scans it with axe, and checks that the payloads `shows` appear as text and nothing runs. */
async function visit(page: Page, url: string, shows: readonly string[]): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(200);
  await checkA11y(page);
  const seen = await inspect(page);
  expect({ url, xss: seen.xss, handlers: seen.handlers, urls: seen.urls, inlineScripts: seen.inlineScripts, injectedElements: seen.injectedElements }).toEqual({
    url,
    xss: undefined,
    handlers: [],
    urls: [],
    inlineScripts: 0,
    injectedElements: 0,
  });
  for (const text of shows) expect(seen.text, `${url} should show ${JSON.stringify(text)} as text`).toContain(text);
}

describe('stored XSS', () => {
  test('attack: payloads in every text a company user stores → invariant: shown as text on the start page, case lists, every step, review, sign, case and evidence pages, register and users; nothing runs', async () => {
    await withPage(e2e, async ({ page, context }) => {
      await useSession(context, await xenaActingForXssOrg());
      await visit(page, '/start', [P.person, P.org]);
      await visit(page, '/cases', [P.subject, P.org]);
      await visit(page, '/cases/new', [P.subject]);
      await visit(page, `/cases/${ids.exportDraft}/steps/applicant`, [P.contactPerson, P.reference]);
      await visit(page, `/cases/${ids.exportDraft}/steps/products`, [P.rowDescription, P.product]);
      await visit(page, `/cases/${ids.exportDraft}/steps/parties`, [P.consignee, P.endUser, P.address, P.intermediaries, P.contactName]);
      await visit(page, `/cases/${ids.exportDraft}/steps/destination`, [P.endUse, P.contract]);
      await visit(page, `/cases/${ids.exportDraft}/steps/attachments`, [safeFileName(P.files[0]) ?? '']);
      await visit(page, `/cases/${ids.exportDraft}/review`, [P.contactPerson, P.reference, P.rowDescription, P.consignee, P.endUser, P.intermediaries, P.endUse, P.contract, safeFileName(P.files[0]) ?? '', P.org]);
      await visit(page, `/sign/${ids.pendingSign}`, [P.pendingSubject, P.org]);
      await visit(page, `/cases/${ids.other}`, [P.subject, P.body, ...stored.files, P.messageOut, P.messageIn, stored.messageFile, P.person, P.org]);
      await visit(page, `/cases/${ids.other}/signature`, [P.person, P.subject]);
      await visit(page, `/signatures/${ids.evidence}`, [P.person, P.subject]);
      await visit(page, '/register', [P.contactName, P.contactAddress.split('\n')[0] ?? '', P.product]);
      await visit(page, '/organisation/users', [P.person, P.requested, P.org]);
    });
  });

  test('attack: the same payloads seen by staff → invariant: shown as text in the officers’ list, the case, and every admin page that lists them; nothing runs', async () => {
    await withPage(
      e2e,
      async ({ page }) => {
        await visit(page, '/officer/cases', [P.subject, P.org]);
        await visit(page, `/cases/${ids.other}`, [P.subject, P.body, P.messageOut, P.messageIn, P.person]);
        await visit(page, `/admin/people?q=${encodeURIComponent('Xena')}`, [P.person]);
        await visit(page, `/admin/people/${XENA}`, [P.person, P.org]);
        await visit(page, `/admin/organisations?q=${encodeURIComponent('XSS')}`, [P.org]);
        await visit(page, `/admin/organisations/${XSS_ORG}`, [P.org, P.person]);
        await visit(page, '/admin/requests', [P.requested, P.org]);
        await visit(page, '/admin/plan', []);
        await visit(page, '/admin/plan/telia_card', [P.notice]);
        // Only the admin's own events about Xena: with case events in the list the page has a
        // scroll region axe refuses (reported separately; not a matter of escaping).
        await visit(page, `/admin/audit?person=${XENA}&event=person_added`, ['<img src=x onerror=window.__xss=1> Xsson']);
        await visit(page, '/admin/at-risk', []);
      },
      { loginAs: HEDDA },
    );
  });

  test('attack: markup in a login method’s notice, read by anyone → invariant: shown as text on the login page and Kundwebbinfo; nothing runs', async () => {
    await withPage(e2e, async ({ page }) => {
      await visit(page, '/login', [P.notice]);
      await visit(page, '/info', [P.notice]);
    });
  });
});
