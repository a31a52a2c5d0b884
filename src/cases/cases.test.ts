/**
 * Cases over HTTP on SQLite and PostgreSQL: a draft moves through its steps, takes files,
 * is reviewed and submitted by a signature; the submitted case is read-only, numbered, has
 * a receipt and re-verifiable evidence; messages go both ways; nobody outside the
 * organisation (or staff, for drafts) sees anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { sha256Hex } from '../signing/canonical.js';

const TESTA = '198112289874'; // Nordvik, user
const TOLVAN = '191212121212'; // Nordvik user, Skärgården org_admin
const KIM = '197010632391'; // Skärgården only
const HEDDA = '196408231238'; // staff: case officer + admin
const NORDVIK = '5566778899';

/** A minimal PDF that passes the content check. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

interface Who {
  cookie: string;
  csrf: string;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const boundary = `----kw${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const APPLICANT = { contact_name: 'Testa Testsson', contact_phone: '08-123 456 78', contact_email: 'testa@nordvik.example' };

for (const kind of DATABASE_KINDS) {
  describe(`cases (${kind.name})`, () => {
    let t: TestDatabase;
    let app: TestApp;
    let testa: Who;
    let kim: Who;
    let hedda: Who;

    beforeAll(async () => {
      t = await kind.open();
      app = await startTestApp({ db: t.db, database: t.database });
      testa = await app.loginAs(TESTA);
      kim = await app.loginAs(KIM);
      hedda = await app.loginAs(HEDDA);
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    const get = (who: Who | undefined, url: string, headers: Record<string, string> = {}) =>
      app.app.inject({ method: 'GET', url, headers: { ...(who ? { cookie: who.cookie } : {}), ...headers } });
    const post = (who: Who, url: string, fields: Record<string, string> = {}) =>
      app.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: who.csrf, ...fields }),
      });
    const upload = (who: Who, url: string, file?: { name: string; bytes: Buffer }, fields: Record<string, string> = {}) => {
      const body = multipart({ _csrf: who.csrf, ...fields }, file);
      return app.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': body.contentType }, payload: body.payload });
    };
    const revisionOf = async (id: string) => (await app.services.cases.find(id))!.revision;

    async function newCase(who: Who, type: string): Promise<string> {
      const res = await post(who, '/cases', { type });
      expect(res.statusCode).toBe(303);
      const m = /^\/cases\/([0-9a-f-]{36})\/steps\//.exec(res.headers.location as string);
      expect(m).not.toBeNull();
      return m![1]!;
    }

    async function fillOtherCase(id: string, subject = 'Fråga om tillstånd') {
      const res = await post(testa, `/cases/${id}/steps/case`, { revision: String(await revisionOf(id)), _action: 'next', subject, body: 'Hej!\r\nVi undrar…' });
      expect(res.statusCode).toBe(303);
    }

    async function submit(id: string, who: Who = testa) {
      const review = await get(who, `/cases/${id}/review`);
      const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1];
      expect(digest, review.body.slice(0, 3000)).toBeDefined();
      const res = await post(who, `/cases/${id}/submit`, { digest: digest! });
      expect(res.statusCode).toBe(303);
      const signId = /^\/sign\/([A-Za-z0-9_-]{32})$/.exec(res.headers.location as string)?.[1];
      expect(signId).toBeDefined();
      return { signId: signId!, digest: digest! };
    }

    async function sign(signId: string, personnummer = TESTA) {
      const request = (await app.services.signing.find(signId))!;
      return app.services.signing.complete(request, {
        method: 'telia_card',
        signerPersonnummer: personnummer,
        signerName: 'Testa Testsson',
        signedAt: app.clock.now(),
        evidence: { format: 'test' },
      });
    }

    it('lists case types and creates a draft of the chosen type for the acting organisation', async () => {
      const page = await get(testa, '/cases/new');
      expect(page.statusCode).toBe(200);
      for (const name of ['Ansökan om utförseltillstånd – krigsmateriel', 'produkter med dubbla användningsområden', 'Deklaration eller underrättelse', 'Övrigt ärende', 'Övrigt meddelande']) {
        expect(page.body).toContain(name);
      }
      const id = await newCase(testa, 'export_military');
      const row = await app.services.cases.find(id);
      expect(row).toMatchObject({ orgnr: NORDVIK, status: 'draft', type_id: 'export_military', created_by: TESTA });
      const step = await get(testa, `/cases/${id}/steps/applicant`);
      expect(step.statusCode).toBe(200);
      expect(step.body).toContain('Kontaktperson');
      expect(step.body).toContain('(obligatoriskt)');
      expect((await post(testa, '/cases', { type: 'no_such_type' })).statusCode).toBe(400);
      // No type is chosen in advance; creating without one is refused with the reason, and
      // nothing is created.
      const before = (await app.services.cases.listForOrganisation(NORDVIK, TESTA)).length;
      const choice = await get(testa, '/cases/new');
      expect(choice.body).not.toMatch(/<input[^>]*type="radio"[^>]*checked/);
      const none = await post(testa, '/cases', {});
      expect(none.statusCode).toBe(422);
      expect(none.body).toContain('Välj vilken typ av ärende du vill skapa.');
      expect((await app.services.cases.listForOrganisation(NORDVIK, TESTA)).length).toBe(before);
    });

    it('renders every step of every case type, its review and attachments page, in Swedish and English', async () => {
      for (const type of app.services.cases.types.types) {
        const id = await newCase(testa, type.id);
        for (const step of [...type.steps.map((s) => s.id), 'attachments']) {
          for (const lang of ['sv', 'en']) {
            const res = await get({ ...testa, cookie: `${testa.cookie}; kw_lang=${lang}` }, `/cases/${id}/steps/${step}`);
            expect(res.statusCode, `${type.id}/${step}/${lang}`).toBe(200);
          }
        }
        expect((await get(testa, `/cases/${id}/review`)).statusCode).toBe(200);
      }
    });

    it('saves a step; a malformed value is refused with a translated error and nothing saved', async () => {
      const id = await newCase(testa, 'export_military');
      const rev = await revisionOf(id);
      const bad = await post(testa, `/cases/${id}/steps/applicant`, { revision: String(rev), _action: 'save', ...APPLICANT, contact_email: 'inte-en-adress' });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('Inget har sparats.');
      expect(bad.body).toContain('aria-invalid="true"');
      expect(await revisionOf(id)).toBe(rev);
      expect((await app.services.cases.find(id))!.data).toEqual({});

      const ok = await post(testa, `/cases/${id}/steps/applicant`, { revision: String(rev), _action: 'save', ...APPLICANT });
      expect(ok.statusCode).toBe(303);
      const saved = (await app.services.cases.find(id))!;
      expect(saved.data).toMatchObject({ contact_name: 'Testa Testsson', contact_phone: '+46812345678', contact_email: 'testa@nordvik.example' });

      // English errors for an English reader.
      const en = await app.app.inject({
        method: 'POST',
        url: `/cases/${id}/steps/applicant`,
        headers: { cookie: `${testa.cookie}; kw_lang=en`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: testa.csrf, revision: String(saved.revision), _action: 'next', contact_name: '' }),
      });
      expect(en.statusCode).toBe(422);
      expect(en.body).toContain('Correct the following');
    });

    it('leaving a step by its navigation saves what was typed first; on the attachments page a chosen file is uploaded first', async () => {
      const id = await newCase(testa, 'export_military');
      const step = (await get(testa, `/cases/${id}/steps/applicant`)).body;
      // The other steps and review are buttons of the step's form, not links that drop input.
      expect(step).toContain(`form="step-form" name="_action" value="goto:review"`);
      const rev = await revisionOf(id);
      const go = await post(testa, `/cases/${id}/steps/applicant`, { revision: String(rev), _action: 'goto:review', ...APPLICANT });
      expect(go.statusCode).toBe(303);
      expect(go.headers.location).toBe(`/cases/${id}/review`);
      expect((await app.services.cases.find(id))!.data).toMatchObject({ contact_name: 'Testa Testsson' });
      // A malformed value keeps the person on the step with the reason; nothing is saved.
      const bad = await post(testa, `/cases/${id}/steps/applicant`, { revision: String(await revisionOf(id)), _action: 'goto:parties', ...APPLICANT, contact_email: 'x' });
      expect(bad.statusCode).toBe(422);
      // A target that is no step of this case is no way out: the step is shown again.
      const odd = await post(testa, `/cases/${id}/steps/applicant`, { revision: String(await revisionOf(id)), _action: 'goto:elsewhere', ...APPLICANT });
      expect(odd.headers.location).toBe(`/cases/${id}/steps/applicant`);

      const chosen = await upload(testa, `/cases/${id}/attachments`, { name: 'vald.pdf', bytes: Buffer.concat([PDF, Buffer.from('vald')]) }, { _action: 'goto:review' });
      expect(chosen.statusCode).toBe(303);
      expect(chosen.headers.location).toBe(`/cases/${id}/review`);
      expect((await app.services.cases.attachments(id)).map((a) => a.fileName)).toEqual(['vald.pdf']);
      const none = await upload(testa, `/cases/${id}/attachments`, undefined, { _action: 'goto:destination' });
      expect(none.headers.location).toBe(`/cases/${id}/steps/destination`);
      // Dates are typed as ÅÅÅÅ-MM-DD in a text field, as the hint says, not in the browser's
      // own date control (which showed 08/01/2027 beside "1 augusti 2027").
      const destination = (await get(testa, `/cases/${id}/steps/destination`)).body;
      expect(/<input[^>]*name="contract_date"[^>]*>/.exec(destination)?.[0]).toContain('type="text"');
    });

    it('refuses a save from a stale revision instead of overwriting another person’s change', async () => {
      const id = await newCase(testa, 'other_case');
      const stale = await revisionOf(id);
      await fillOtherCase(id, 'Första');
      const res = await post(testa, `/cases/${id}/steps/case`, { revision: String(stale), _action: 'save', subject: 'Andra', body: 'x' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toContain('changed=1');
      expect((await app.services.cases.find(id))!.data['subject']).toBe('Första');
    });

    it('adds and removes product rows and validates each row', async () => {
      const id = await newCase(testa, 'export_military');
      let res = await post(testa, `/cases/${id}/steps/products`, { revision: String(await revisionOf(id)), _action: 'add:products', 'products.count': '0' });
      expect(res.statusCode).toBe(303);
      expect((await app.services.cases.find(id))!.data['products']).toHaveLength(1);
      res = await post(testa, `/cases/${id}/steps/products`, {
        revision: String(await revisionOf(id)),
        _action: 'next',
        'products.count': '1',
        'products.0.description': 'Mörkersikte',
        'products.0.ml_category': 'ML5',
        'products.0.quantity': 'tio',
        'products.0.unit_value': '12 500,00',
        'products.0.currency': 'SEK',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Produkt 1 – Antal');
      res = await post(testa, `/cases/${id}/steps/products`, {
        revision: String(await revisionOf(id)),
        _action: 'next',
        'products.count': '1',
        'products.0.description': 'Mörkersikte',
        'products.0.ml_category': 'ML5',
        'products.0.quantity': '10',
        'products.0.unit_value': '12 500,00',
        'products.0.currency': 'SEK',
      });
      expect(res.statusCode).toBe(303);
      expect((await app.services.cases.find(id))!.data['products']).toEqual([{ description: 'Mörkersikte', ml_category: 'ML5', quantity: '10', unit_value: '12500.00', currency: 'SEK' }]);
      res = await post(testa, `/cases/${id}/steps/products`, { revision: String(await revisionOf(id)), _action: 'remove:products:0', 'products.count': '1', 'products.0.description': 'x', 'products.0.quantity': '1' });
      expect(res.statusCode).toBe(303);
      expect((await app.services.cases.find(id))!.data['products']).toEqual([]);
    });

    it('attack: a link to the attachments page with ?m=uploaded&name=<any text> → invariant: the portal does not say it; after a real upload it says so once', async () => {
      const id = await newCase(testa, 'other_case');
      const forged = await get(testa, `/cases/${id}/steps/attachments?m=uploaded&name=${encodeURIComponent('Ring 08-123 45 67 och uppge ditt BankID')}`);
      expect(forged.statusCode).toBe(200);
      expect(forged.body).not.toContain('Ring 08-123 45 67');
      const ok = await upload(testa, `/cases/${id}/attachments`, { name: 'intyg.pdf', bytes: PDF });
      expect(ok.headers.location).not.toContain('name=');
      expect((await get(testa, ok.headers.location as string)).body).toContain('Filen intyg.pdf är uppladdad.');
      expect((await get(testa, ok.headers.location as string)).body).not.toContain('är uppladdad.');
    });

    it('takes allowed files, refuses disguised, empty and oversized ones, and shows the SHA-256', async () => {
      const id = await newCase(testa, 'other_case');
      const ok = await upload(testa, `/cases/${id}/attachments`, { name: 'slutanvändarintyg.pdf', bytes: PDF });
      expect(ok.statusCode).toBe(303);
      const page = await get(testa, ok.headers.location as string);
      expect(page.body).toContain('slutanvändarintyg.pdf');
      expect(page.body).toContain(`data-sha256="${sha256Hex(PDF)}"`);

      const exe = await upload(testa, `/cases/${id}/attachments`, { name: 'faktura.pdf', bytes: Buffer.from('MZ\x90\x00 this is a program') });
      expect(exe.statusCode).toBe(422);
      expect(exe.body).toContain('Inget har sparats.');
      const html = await upload(testa, `/cases/${id}/attachments`, { name: 'sida.html', bytes: Buffer.from('<script>alert(1)</script>') });
      expect(html.statusCode).toBe(422);
      const dup = await upload(testa, `/cases/${id}/attachments`, { name: 'igen.pdf', bytes: PDF });
      expect(dup.statusCode).toBe(422);
      const none = await upload(testa, `/cases/${id}/attachments`);
      expect(none.statusCode).toBe(422);
      const big = await upload(testa, `/cases/${id}/attachments`, { name: 'stor.pdf', bytes: Buffer.concat([PDF, Buffer.alloc(app.config.cases.maxAttachmentBytes + 10)]) });
      expect(big.statusCode).toBe(413);
      expect(await app.services.cases.attachments(id)).toHaveLength(1);

      // A path in the name is dropped; the download is an attachment that is never sniffed.
      const traversal = await upload(testa, `/cases/${id}/attachments`, { name: '../../etc/kontrakt.pdf', bytes: Buffer.concat([PDF, Buffer.from('2')]) });
      expect(traversal.statusCode).toBe(303);
      const files = await app.services.cases.attachments(id);
      expect(files.map((f) => f.fileName)).toContain('kontrakt.pdf');
      const dl = await get(testa, `/cases/${id}/attachments/${files.find((f) => f.fileName === 'slutanvändarintyg.pdf')!.id}`);
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe('application/pdf');
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(String(dl.headers['content-disposition'])).toMatch(/^attachment; filename="slutanvandarintyg\.pdf"; filename\*=UTF-8''slutanv%C3%A4ndarintyg\.pdf$/);
      expect(dl.rawPayload.equals(PDF)).toBe(true);

      // Without the CSRF token nothing is stored.
      const body = multipart({}, { name: 'x.pdf', bytes: Buffer.concat([PDF, Buffer.from('3')]) });
      const forged = await app.app.inject({ method: 'POST', url: `/cases/${id}/attachments`, headers: { cookie: testa.cookie, 'content-type': body.contentType }, payload: body.payload });
      expect(forged.statusCode).toBe(403);
      expect(await app.services.cases.attachments(id)).toHaveLength(2);
    });

    it('review lists every problem of an incomplete case and offers no signing', async () => {
      const id = await newCase(testa, 'export_military');
      const review = await get(testa, `/cases/${id}/review`);
      expect(review.statusCode).toBe(200);
      expect(review.body).toContain('Ärendet är inte komplett');
      expect(review.body).not.toContain('name="digest"');
      const res = await post(testa, `/cases/${id}/submit`, { digest: '0'.repeat(64) });
      expect(res.statusCode).toBe(409);
    });

    it('shows what is signed on the review, and once signed confirms on its own page: number, date, next steps, receipt, signature check', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id, 'Fråga om bekräftelse');
      await upload(testa, `/cases/${id}/attachments`, { name: 'underlag.pdf', bytes: Buffer.concat([PDF, Buffer.from('confirm')]) });
      // The review shows what is signed (the text and its checksum once) and a button per way to sign.
      const review = await get(testa, `/cases/${id}/review`);
      const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)?.[1] ?? '';
      expect(review.body).toContain('Det här undertecknar du');
      expect(review.body).toContain(`Kontrollsumma (SHA-256): ${digest}`);
      // No way to sign is configured in this app, and the review says so (the journeys press the buttons).
      expect(review.body).toContain('inget underskriftssätt är tillgängligt');
      const { signId } = await submit(id);
      const request = { id: signId };
      await sign(request.id);
      const row = (await app.services.cases.find(id))!;
      // Signed: the sign page leads one step on, to the confirmation.
      const after = await get(testa, `/sign/${request.id}`);
      expect(after.statusCode).toBe(303);
      expect(after.headers.location).toBe(`/cases/${id}/submitted`);
      for (const [lang, texts] of [
        ['sv', ['Ärendet är inskickat', 'Vad händer nu?', 'Ladda ner kvitto (PDF)', 'Kontrollera underskriften', 'Under handläggning']],
        ['en', ['Your case has been submitted', 'What happens next?', 'Download the receipt (PDF)', 'Verify the signature', 'In progress']],
      ] as const) {
        const page = await get(testa, `/cases/${id}/submitted`, { cookie: `${testa.cookie}; kw_lang=${lang}` });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(row.case_number!);
        for (const text of texts) expect(page.body).toContain(text);
        expect(page.body).toContain(`href="/cases/${id}/receipt.pdf"`);
        expect(page.body).toContain(`href="/cases/${id}/signature"`);
      }
      // A draft has nothing to confirm: back to its review.
      const draft = await newCase(testa, 'other_case');
      const early = await get(testa, `/cases/${draft}/submitted`);
      expect(early.statusCode).toBe(303);
      expect(early.headers.location).toBe(`/cases/${draft}/review`);
    });

    it('submits by signature: numbered, read-only, receipt and evidence; a second submission and edits are refused', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id);
      await upload(testa, `/cases/${id}/attachments`, { name: 'underlag.pdf', bytes: PDF });
      const { signId, digest } = await submit(id);
      const signPage = await get(testa, `/sign/${signId}`);
      expect(signPage.body).toContain('Fråga om tillstånd');
      expect(signPage.body).toContain(digest.slice(0, 4));
      const request = (await app.services.signing.find(signId))!;
      expect(request.digest).toBe(digest);
      const doc = JSON.parse(request.document) as { fields: Record<string, string>; attachments: { sha256: string }[]; organisation: { orgnr: string }; caseType: { definitionDigest: string } };
      expect(doc.fields).toMatchObject({ subject: 'Fråga om tillstånd', body: 'Hej!\nVi undrar…' });
      expect(doc.attachments[0]!.sha256).toBe(sha256Hex(PDF));
      expect(doc.organisation.orgnr).toBe(NORDVIK);
      expect(doc.caseType.definitionDigest).toMatch(/^[0-9a-f]{64}$/);

      await sign(signId);
      const row = (await app.services.cases.find(id))!;
      expect(row.status).toBe('submitted');
      expect(row.case_number).toMatch(/^KW-2026-\d{6}$/);
      expect(row.digest).toBe(digest);
      expect(row.evidence_id).toBeTruthy();

      const view = await get(testa, `/cases/${id}`);
      expect(view.statusCode).toBe(200);
      expect(view.body).toContain(row.case_number!);
      const edit = await post(testa, `/cases/${id}/steps/case`, { revision: String(row.revision), _action: 'save', subject: 'Ändrat', body: 'x' });
      expect(edit.statusCode).toBe(403);
      expect((await upload(testa, `/cases/${id}/attachments`, { name: 'sen.pdf', bytes: Buffer.concat([PDF, Buffer.from('late')]) })).statusCode).toBe(403);
      expect((await post(testa, `/cases/${id}/submit`, { digest })).statusCode).toBe(403);
      expect((await app.services.cases.find(id))!.data['subject']).toBe('Fråga om tillstånd');

      const receipt = await get(testa, `/cases/${id}/receipt.pdf`);
      expect(receipt.statusCode).toBe(200);
      expect(receipt.headers['content-type']).toBe('application/pdf');
      expect(receipt.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

      const check = await get(testa, `/cases/${id}/signature`, { accept: 'application/json' });
      expect(check.statusCode).toBe(200);
      expect(check.json()).toMatchObject({ caseNumber: row.case_number, digest, checks: { digest: true, case: true } });
    });

    it('refuses a signature over a case someone edited after review: still a draft, no evidence, the person told', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id);
      const { signId } = await submit(id);
      await post(testa, `/cases/${id}/steps/case`, { revision: String(await revisionOf(id)), _action: 'save', subject: 'Ändrat efter granskning', body: 'x' });
      await expect(sign(signId)).rejects.toMatchObject({ code: 'digest_changed' });
      expect((await app.services.cases.find(id))!.status).toBe('draft');
      expect(await t.db.selectFrom('signature_evidence').select('id').where('request_id', '=', signId).execute()).toHaveLength(0);
    });

    for (const change of ['membership removed', 'person deactivated', 'organisation deactivated'] as const) {
      it(`attack: the signer goes on signing after the agency changed their rights (${change}) while the signature was pending → invariant: refused, still a draft, no evidence, no case number`, async () => {
        const id = await newCase(testa, 'other_case');
        await fillOtherCase(id);
        const { signId } = await submit(id);
        const accounts = app.services.accounts;
        if (change === 'membership removed') await accounts.removeMembership(TESTA, NORDVIK);
        if (change === 'person deactivated') await accounts.setPersonActive(TESTA, false);
        if (change === 'organisation deactivated') await accounts.setOrganisationActive(NORDVIK, false);
        try {
          await expect(sign(signId)).rejects.toMatchObject({ code: 'not_member' });
          const row = (await app.services.cases.find(id))!;
          expect(row.status).toBe('draft');
          expect(row.case_number).toBeNull();
          expect(await t.db.selectFrom('signature_evidence').select('id').where('request_id', '=', signId).execute()).toHaveLength(0);
        } finally {
          if (change === 'membership removed') await accounts.addMembership(TESTA, NORDVIK, 'user');
          if (change === 'person deactivated') await accounts.setPersonActive(TESTA, true);
          if (change === 'organisation deactivated') await accounts.setOrganisationActive(NORDVIK, true);
        }
      });
    }

    it('double submission: two sign requests for one case, only the first signature submits it', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id);
      const first = await submit(id);
      const second = await submit(id);
      expect(second.signId).not.toBe(first.signId);
      await sign(first.signId);
      const number = (await app.services.cases.find(id))!.case_number;
      await expect(sign(second.signId)).rejects.toMatchObject({ code: 'already_completed' });
      expect((await app.services.cases.find(id))!.case_number).toBe(number);
      expect(await t.db.selectFrom('signature_evidence').select('id').where('subject', '=', id).execute()).toHaveLength(1);
    });

    it('is atomic: a failure while submitting leaves a draft and no evidence', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id);
      const { signId } = await submit(id);
      // The store fails after the case was numbered and marked submitted, inside the transaction.
      const original = app.services.cases.onSigned.bind(app.services.cases);
      app.services.cases.onSigned = async (trx, request, evidence) => {
        await original(trx, request, evidence);
        throw new Error('store failed in the middle');
      };
      try {
        await expect(sign(signId)).rejects.toThrow('store failed in the middle');
      } finally {
        app.services.cases.onSigned = original;
      }
      expect((await app.services.cases.find(id))!.status).toBe('draft');
      expect((await app.services.cases.find(id))!.case_number).toBeNull();
      expect(await t.db.selectFrom('signature_evidence').select('id').where('request_id', '=', signId).execute()).toHaveLength(0);
    });

    it('keeps other organisations and staff out of drafts, and other organisations out of everything', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id);
      await upload(testa, `/cases/${id}/attachments`, { name: 'hemligt.pdf', bytes: Buffer.concat([PDF, Buffer.from('secret')]) });
      const att = (await app.services.cases.attachments(id))[0]!;
      const urls = [`/cases/${id}`, `/cases/${id}/steps/case`, `/cases/${id}/steps/attachments`, `/cases/${id}/review`, `/cases/${id}/attachments/${att.id}`, `/cases/${id}/receipt.pdf`, `/cases/${id}/signature`];
      for (const url of urls) {
        expect((await get(kim, url)).statusCode, `${url} as another company`).toBe(403);
        expect((await get(hedda, url)).statusCode, `${url} as staff on a draft`).toBe(403);
        expect((await get(undefined, url)).statusCode, `${url} anonymous`).toBe(401);
      }
      const posts = [`/cases/${id}/steps/case`, `/cases/${id}/submit`, `/cases/${id}/attachments/${att.id}/delete`, `/cases/${id}/delete`, `/cases/${id}/status`];
      for (const url of posts) expect((await post(kim, url, { revision: '1' })).statusCode, url).toBe(403);
      expect((await upload(kim, `/cases/${id}/attachments`, { name: 'x.pdf', bytes: PDF })).statusCode).toBe(403);
      expect((await post(kim, '/cases', { copy: id })).statusCode).toBe(403);
      expect((await get(kim, '/cases')).body).not.toContain(id);
      expect((await get(testa, `/cases/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);

      const { signId } = await submit(id);
      await sign(signId);
      for (const url of urls.filter((u) => !u.includes('/steps/') && !u.endsWith('/review'))) {
        expect((await get(kim, url)).statusCode, `${url} as another company`).toBe(403);
        expect((await get(hedda, url)).statusCode, `${url} as staff`).toBe(200);
      }
      expect((await upload(kim, `/cases/${id}/messages`, undefined, { body: 'intrång' })).statusCode).toBe(403);
    });

    it('carries messages both ways with unread markers; a closed case takes none', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id, 'Komplettering behövs?');
      const { signId } = await submit(id);
      await sign(signId);
      const officerList = await get(hedda, '/officer/cases');
      expect(officerList.statusCode).toBe(200);
      expect(officerList.body).toContain('Komplettering behövs?');
      expect((await get(testa, '/officer/cases')).statusCode).toBe(403);

      expect((await post(hedda, `/cases/${id}/status`, { status: 'in_progress' })).statusCode).toBe(303);
      const reply = await upload(hedda, `/cases/${id}/messages`, undefined, { body: 'Vi behöver slutanvändarintyget.' });
      expect(reply.statusCode).toBe(303);
      expect((await app.services.cases.unreadByCase(NORDVIK, TESTA)).get(id)).toBe(1);
      const list = await get(testa, '/cases');
      expect(list.body).toContain('1 oläst meddelande');
      const view = await get(testa, `/cases/${id}`);
      expect(view.body).toContain('Vi behöver slutanvändarintyget.');
      expect(view.body).toContain('data-unread="true"');
      expect((await app.services.cases.unreadByCase(NORDVIK, TESTA)).get(id)).toBeUndefined();

      app.clock.advance(60_000);
      const answer = await upload(testa, `/cases/${id}/messages`, { name: 'intyg.pdf', bytes: Buffer.concat([PDF, Buffer.from('intyg')]) }, { body: 'Här är intyget.' });
      expect(answer.statusCode).toBe(303);
      const messages = await app.services.cases.messages(id);
      expect(messages.map((m) => [m.side, m.body])).toEqual([
        ['agency', 'Vi behöver slutanvändarintyget.'],
        ['organisation', 'Här är intyget.'],
      ]);
      expect(messages[1]!.attachments.map((a) => a.fileName)).toEqual(['intyg.pdf']);
      const empty = await upload(testa, `/cases/${id}/messages`, undefined, { body: '   ' });
      expect(empty.statusCode).toBe(422);

      expect((await post(testa, `/cases/${id}/status`, { status: 'closed' })).statusCode).toBe(403);
      expect((await post(hedda, `/cases/${id}/status`, { status: 'closed' })).statusCode).toBe(303);
      expect((await upload(testa, `/cases/${id}/messages`, undefined, { body: 'En till?' })).statusCode).toBe(400);
      expect((await get(testa, `/cases/${id}`)).body).toContain('tar inte emot fler meddelanden');
      // A case error reaches the one error handler as itself: its status and its own text.
      const again = await post(hedda, `/cases/${id}/status`, { status: 'closed' });
      expect(again.statusCode).toBe(400);
      expect(again.body).toContain('Ärendet är avslutat.');
      const json = await app.app.inject({ method: 'POST', url: `/cases/${id}/status`, headers: { cookie: hedda.cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: hedda.csrf, status: 'closed' }) });
      expect(json.statusCode).toBe(400);
      expect(json.json()).toMatchObject({ error: { code: 'closed', message: 'Ärendet är avslutat.' } });
      // Closing can be undone: reopened, the case is in progress and takes messages again.
      const reopen = await post(hedda, `/cases/${id}/status`, { status: 'in_progress' });
      expect(reopen.headers.location).toBe(`/cases/${id}?m=reopened`);
      expect(await app.services.cases.find(id)).toMatchObject({ status: 'in_progress', closed_at: null });
      expect((await upload(testa, `/cases/${id}/messages`, undefined, { body: 'En till.' })).statusCode).toBe(303);
      // The company cannot reopen, nor see the officer's confirmation page.
      expect((await post(testa, `/cases/${id}/status`, { status: 'in_progress' })).statusCode).toBe(403);
      expect((await get(testa, `/cases/${id}/close`)).statusCode).toBe(403);
      const confirm = await get(hedda, `/cases/${id}/close`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('Avsluta ärendet?');
      // The officer reads the case before the conversation.
      const officerView = (await get(hedda, `/cases/${id}`)).body;
      expect(officerView.indexOf('id="details-h"')).toBeLessThan(officerView.indexOf('id="msg-h"'));
      expect(officerView).toContain('Meddelandet visas för företagets användare i ärendet.');
      expect(officerView).not.toContain(`action="/cases/${id}/status" class="inline-form"><input type="hidden" name="_csrf" value="${hedda.csrf}"/><input type="hidden" name="status" value="closed"/>`);
    });

    it('copies an earlier case into a new draft without its attachments', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id, 'Mall');
      await upload(testa, `/cases/${id}/attachments`, { name: 'a.pdf', bytes: Buffer.concat([PDF, Buffer.from('mall')]) });
      const res = await post(testa, '/cases', { copy: id });
      expect(res.statusCode).toBe(303);
      const copyId = /\/cases\/([0-9a-f-]{36})\//.exec(res.headers.location as string)![1]!;
      expect(copyId).not.toBe(id);
      expect((await app.services.cases.find(copyId))!.data['subject']).toBe('Mall');
      expect(await app.services.cases.attachments(copyId)).toHaveLength(0);
    });

    it('renders stored markup as text, never as HTML', async () => {
      const id = await newCase(testa, 'other_case');
      await fillOtherCase(id, '<script>alert(1)</script>');
      const review = await get(testa, `/cases/${id}/review`);
      expect(review.body).not.toContain('<script>alert(1)</script>');
      expect(review.body).toContain('&lt;script>alert(1)&lt;/script>');
    });

    it('lets organisation admins request users be added or removed; others may only look', async () => {
      const tolvan = await app.loginAs(TOLVAN);
      // Tolvan acts for Skärgården, where they are org_admin.
      const choose = await post(tolvan, '/start/organisation', { orgnr: '5590123450' });
      expect(choose.statusCode).toBe(303);
      const page = await get(tolvan, '/organisation/users');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Kim');
      const bad = await post(tolvan, '/organisation/users/requests', { action: 'add', 'user-personnummer': '19121212-1213', 'user-name': 'X', 'user-email': 'x@example.se', 'user-role': 'user' });
      expect(bad.statusCode).toBe(422);
      const ok = await post(tolvan, '/organisation/users/requests', { action: 'add', 'user-personnummer': '19811228-9874', 'user-name': 'Testa Testsson', 'user-email': 'testa@example.se', 'user-role': 'user' });
      expect(ok.statusCode).toBe(303);
      const again = await post(tolvan, '/organisation/users/requests', { action: 'add', 'user-personnummer': '198112289874', 'user-name': 'Testa Testsson', 'user-email': 'testa@example.se', 'user-role': 'user' });
      expect(again.statusCode).toBe(409);
      const rows = await t.db.selectFrom('membership_request').selectAll().where('orgnr', '=', '5590123450').execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'add', personnummer: TESTA, status: 'pending', requested_by: TOLVAN });
      // Kim is a plain user of Skärgården.
      expect((await post(kim, '/organisation/users/requests', { action: 'remove', personnummer: TOLVAN, name: 'Tolvan', role: 'user' })).statusCode).toBe(403);
    });

    it('keeps a register of contacts and products per organisation', async () => {
      const bad = await post(testa, '/register/products', { 'product-description': 'Radar', 'product-classification': 'ML99' });
      expect(bad.statusCode).toBe(422);
      expect((await post(testa, '/register/products', { 'product-description': 'Radar', 'product-classification': '6a008.j.1' })).statusCode).toBe(303);
      expect((await post(testa, '/register/contacts', { 'contact-name': 'Armée de Terre', 'contact-address': 'Rue 1\nParis', 'contact-country': 'FR' })).statusCode).toBe(303);
      const page = await get(testa, '/register');
      expect(page.body).toContain('6A008.j.1');
      expect(page.body).toContain('Armée de Terre');
      expect((await get(kim, '/register')).body).not.toContain('Armée de Terre');
      // Filling a case from the register.
      const id = await newCase(testa, 'export_military');
      // Enter in a field presses the form's first submit button: on this step, with "Fyll i"
      // in the form, that must still be "Nästa steg" (typed data was replaced by the register's).
      // The first is the first in document order among the form's own buttons and those
      // outside it that name it (the step list's).
      const step = (await get(testa, `/cases/${id}/steps/parties`)).body;
      const main = step.slice(step.indexOf('<main'));
      expect(/<button type="submit"[^>]*>/.exec(main)?.[0]).toMatch(/form="step-form" name="_action" value="next"/);
      expect(main.indexOf('value="fill"')).toBeGreaterThan(main.indexOf('value="next"'));
      expect(main.indexOf('value="goto:')).toBeGreaterThan(main.indexOf('value="next"'));
      const contact = (await app.services.register.contacts(NORDVIK))[0]!;
      const res = await post(testa, `/cases/${id}/steps/parties`, { revision: String(await revisionOf(id)), _action: 'fill', fill_contact: contact.id, fill_role: 'end_user' });
      expect(res.statusCode).toBe(303);
      expect((await app.services.cases.find(id))!.data).toMatchObject({ end_user_name: 'Armée de Terre', end_user_country: 'FR' });
    });
  });
}
