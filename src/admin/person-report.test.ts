/**
 * The data access report (GDPR art. 15) about a person: an admin sees in Swedish and English
 * what Kundwebben holds about Tolvan (memberships, logins by method, a submitted and signed
 * case, a message, the audit events), capped lists count the rest, nobody else gets it,
 * an unknown number is 404, and producing it is audited by the admin while the application
 * log never holds the personal number in clear.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { createLogger } from '../platform/logging.js';
import { REPORT_LIST_MAX } from './person-report.js';

const HEDDA = '196408231238';
const TOLVAN = '191212121212';
const TESTA = '198112289874';
/** Kim has a samordningsnummer and nothing in cases: every list empty. */
const KIM = '197010632391';
/** A valid number nobody has. */
const NOBODY = '194910259284';
const ORG_A = '5590123450';
/** Staff: case officer only (made by the test). */
const OLLE = '197003032385';

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

for (const kind of DATABASE_KINDS) {
  describe(`the data access report about a person (${kind.name})`, () => {
    let t: TestApp;
    let closeDb: () => Promise<void>;
    let admin: { cookie: string; csrf: string };
    const logLines: string[] = [];
    let caseNumber = '';

    beforeAll(async () => {
      const opened = await kind.open();
      closeDb = () => opened.close();
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString('utf8'));
          done();
        },
      });
      t = await startTestApp({ db: opened.db, database: opened.database, logger: createLogger({ logLevel: 'debug' }, sink) });

      // Tolvan logs in twice with a card and once with BankID, then submits a case for
      // organisation A, signed with the card, and writes a message in it.
      const owner = await t.loginAs(TOLVAN);
      await t.loginAs(TOLVAN);
      // BankID is enabled from 15 September 2027 (the plan): that login happens then.
      t.clock.set('2027-09-16T10:00:00Z');
      await t.loginAs(TOLVAN, 'bankid');
      t.clock.set(TEST_NOW);
      const post = (url: string, fields: Record<string, string>) =>
        t.app.inject({ method: 'POST', url, headers: { cookie: owner.cookie }, payload: { _csrf: owner.csrf, ...fields } });
      expect((await post('/start/organisation', { orgnr: ORG_A })).statusCode).toBe(303);
      const created = await post('/cases', { type: 'other_case' });
      const id = /^\/cases\/([0-9a-f-]{36})\/steps\//.exec(String(created.headers.location))?.[1] ?? '';
      const revision = String((await t.services.cases.find(id))?.revision ?? -1);
      const filled = await post(`/cases/${id}/steps/case`, { revision, _action: 'next', subject: 'Export av sensorer', body: 'Underlag.' });
      expect(filled.statusCode).toBe(303);
      const review = await t.app.inject({ url: `/cases/${id}/review`, headers: { cookie: owner.cookie } });
      const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
      const submit = await post(`/cases/${id}/submit`, { digest });
      const signId = /^\/sign\/([A-Za-z0-9_-]+)$/.exec(String(submit.headers.location))?.[1] ?? '';
      const request = await t.services.signing.find(signId);
      if (!request) throw new Error('sign request missing');
      await t.services.signing.complete(request, {
        method: 'telia_card',
        signerPersonnummer: TOLVAN,
        signerName: 'Tolvan Tolvansson',
        signedAt: t.clock.now(),
        evidence: { format: 'cms-v1', issuerId: 'telia', cms: '', chain: [], ocsp: '', signingTime: null },
      });
      const row = await t.services.cases.find(id);
      if (!row || row.status !== 'submitted') throw new Error('case not submitted');
      caseNumber = row.case_number ?? '';
      await t.services.cases.postMessage({
        row,
        side: 'organisation',
        author: TOLVAN,
        body: `Hej! Vi undrar när beslutet kommer. ${'Mer text. '.repeat(20)}Slutet av meddelandet.`,
      });

      admin = await t.loginAs(HEDDA);
    });
    afterAll(async () => {
      await t.close();
      await closeDb().catch(() => undefined);
    });

    const get = (url: string, who = admin, lang?: 'en') =>
      t.app.inject({ url, headers: { cookie: `${who.cookie}${lang ? '; kw_lang=en' : ''}` } });
    const reports = () =>
      t.services.db.selectFrom('audit_event').selectAll().where('event', '=', 'data_access_report').orderBy('id').execute();

    it('is linked from the person\'s page', async () => {
      const res = await get(`/admin/people/${TOLVAN}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`href="/admin/people/${TOLVAN}/registerutdrag"`);
      expect(text(res.body)).toContain('Registerutdrag (GDPR)');
    });

    it('shows an admin, in Swedish, what is held about the person, and audits that it was produced', async () => {
      const before = (await reports()).length;
      const res = await get(`/admin/people/${TOLVAN}/registerutdrag`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = text(res.body);
      expect(body).toContain('Registerutdrag för Tolvan Tolvansson');
      expect(body).toContain('listar de uppgifter som Kundwebben har om personen');
      expect(body).toMatch(/Framtaget \d{1,2} november 2026/);
      expect(body).toContain('Framtaget av Hedda Handläggare, 19640823-1238');
      expect(body).toContain('Personnummer 19121212-1212');
      expect(body).toContain('E-postadress tolvan@nordvik.example');
      expect(body).toContain('Konto Aktiv');
      expect(body).toContain('Roller på myndigheten Inget');
      expect(body).toContain('Nordvik Försvarsteknik AB (556677-8899) Användare');
      expect(body).toContain('Skärgårdens Sensorer AB (559012-3450) Administratör för organisationen');
      // Logins by method, from the audit log: the card twice, BankID once.
      expect(body).toMatch(/BankID 1 16 september 2027 kl\. 12:00 16 september 2027 kl\. 12:00 ID-kort från Telia 2 28 november 2026/);
      // The submitted case with its number, type, organisation, status and signature.
      expect(caseNumber).not.toBe('');
      expect(body).toContain('1 ärende');
      expect(body).toContain(caseNumber);
      expect(body).toContain('Skärgårdens Sensorer AB (559012-3450) Inskickat');
      expect(body).toMatch(/ID-kort från Telia, \d{1,2} november 2026/);
      // The message: its case, the start of the text (80 characters) and its length.
      expect(body).toContain('1 meddelande');
      expect(body).toContain('Hej! Vi undrar när beslutet kommer.');
      expect(body).not.toContain('Slutet av meddelandet.');
      expect(body).toMatch(/\d+ tecken/);
      // Audit events by code: Tolvan's logins and the signature.
      expect(body).toContain('login Lyckades 3 0');
      expect(body).toContain('signature_completed Lyckades 1 0');
      expect(body).toContain('KW-2026-000001 Övrigt ärende Skärgårdens Sensorer AB (559012-3450) Inskickat');

      const events = await reports();
      expect(events).toHaveLength(before + 1);
      const event = events.at(-1);
      expect(event).toMatchObject({ actor: HEDDA, subject: TOLVAN, outcome: 'success' });
      // The person is the subject, as in every admin event about a person; the details hold
      // counts only, and the application log never the number in clear.
      expect(event?.details ?? '').not.toContain(TOLVAN);
      expect(logLines.join('\n')).not.toContain(TOLVAN);
      expect(logLines.join('\n')).not.toContain('19121212-1212');
    });

    it('is in English when the admin reads English', async () => {
      const res = await get(`/admin/people/${TOLVAN}/registerutdrag`, admin, 'en');
      expect(res.statusCode).toBe(200);
      const body = text(res.body);
      expect(body).toContain('Data access report for Tolvan Tolvansson');
      expect(body).toContain('It lists what Kundwebben holds about the person');
      expect(body).toMatch(/Produced \d{1,2} November 2026/);
      expect(body).toContain('Roles at the agency None');
      expect(body).toContain('1 case');
      expect(body).toContain('1 message');
      expect(body).toContain('Submitted');
      expect(body).not.toContain('Registerutdrag för');
    });

    it('says "Inget" for each empty part, and shows the staff roles of staff', async () => {
      const kim = text((await get(`/admin/people/${KIM}/registerutdrag`)).body);
      expect(kim).toContain('Registerutdrag för Kim Koordinatsson');
      expect(kim).toContain('Inloggningar Inget');
      expect(kim).toContain('Ärenden som personen har skapat eller skickat in. Inget');
      expect(kim).toContain('Början av texten visas; hela texten finns i ärendet. Inget');
      const hedda = text((await get(`/admin/people/${HEDDA}/registerutdrag`)).body);
      expect(hedda).toContain('Handläggare');
      expect(hedda).toContain('Administratör på myndigheten');
      expect(hedda).toContain('Kopplingar till organisationer Inget');
    });

    it(`lists at most ${REPORT_LIST_MAX} messages and counts the rest`, async () => {
      const row = (await t.services.cases.find(
        (await t.services.db.selectFrom('case_file').select('id').where('case_number', '=', caseNumber).executeTakeFirstOrThrow()).id,
      ))!;
      for (let i = 0; i < REPORT_LIST_MAX + 4; i++) {
        await t.services.cases.postMessage({ row, side: 'organisation', author: TESTA, body: `Meddelande ${i}` });
      }
      const body = text((await get(`/admin/people/${TESTA}/registerutdrag`)).body);
      expect(body).toContain(`De senaste ${REPORT_LIST_MAX} av ${REPORT_LIST_MAX + 4} meddelanden`);
      expect(body).toContain('Ytterligare 4 finns men listas inte här');
      expect(body.match(/Meddelande \d+/g)).toHaveLength(REPORT_LIST_MAX);
    });

    it('is 404 for an unknown or malformed number, and audits nothing then', async () => {
      const before = (await reports()).length;
      expect((await get(`/admin/people/${NOBODY}/registerutdrag`)).statusCode).toBe(404);
      expect((await get('/admin/people/19121212-1212/registerutdrag')).statusCode).toBe(404);
      expect((await get('/admin/people/191212121213/registerutdrag')).statusCode).toBe(404);
      expect(await reports()).toHaveLength(before);
    });

    it('is refused to case officers without the admin role, to company users and to nobody', async () => {
      const before = (await reports()).length;
      await t.services.accounts.upsertPerson({ personnummer: OLLE, name: 'Olle Handläggare' });
      await t.services.accounts.addStaffRole(OLLE, 'case_officer');
      const officer = await t.loginAs(OLLE);
      const user = await t.loginAs(TESTA);
      for (const who of [officer, user]) {
        const res = await get(`/admin/people/${TOLVAN}/registerutdrag`, who);
        expect(res.statusCode).toBe(403);
        expect(res.body).not.toContain('tolvan@nordvik.example');
      }
      expect((await t.app.inject({ url: `/admin/people/${TOLVAN}/registerutdrag` })).statusCode).toBe(401);
      expect(await reports()).toHaveLength(before);
    });
  });
}
