import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { formatPlanInstant, parsePlanInstant } from './plan-form.js';

const HEDDA = '196408231238';
const TZ = 'Europe/Stockholm';

/** Text content of the HTML, tags removed, whitespace collapsed. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('plan dates typed by staff', () => {
  it('reads a local date as local midnight, a local date-time in the agency zone, and an offset as given', () => {
    expect(parsePlanInstant('2027-06-01', TZ)?.toISOString()).toBe('2027-05-31T22:00:00.000Z');
    expect(parsePlanInstant('2027-01-15', TZ)?.toISOString()).toBe('2027-01-14T23:00:00.000Z');
    expect(parsePlanInstant('2027-06-01T08:30', TZ)?.toISOString()).toBe('2027-06-01T06:30:00.000Z');
    expect(parsePlanInstant('2027-06-01T08:30:15Z', TZ)?.toISOString()).toBe('2027-06-01T08:30:15.000Z');
    expect(parsePlanInstant('2027-06-01T08:30+02:00', TZ)?.toISOString()).toBe('2027-06-01T06:30:00.000Z');
    // The day DST ends (27 Oct 2030 in Stockholm): after 03:00 the offset is +01:00.
    expect(parsePlanInstant('2030-10-27T12:00', TZ)?.toISOString()).toBe('2030-10-27T11:00:00.000Z');
  });

  it.each([
    '2027-02-30',
    '2027-13-01',
    '27-06-01',
    '2027-06-01T24:00',
    '1999-12-31',
    '2100-01-01',
    '2027-W35',
    'i morgon',
    '2027-06-01T08:30+15:00',
    '',
  ])('refuses %j', (raw) => {
    expect(parsePlanInstant(raw, TZ)).toBeUndefined();
  });

  it('shows an instant as the date alone at local midnight, else with the local time', () => {
    expect(formatPlanInstant(new Date('2027-05-31T22:00:00Z'), TZ)).toBe('2027-06-01');
    expect(formatPlanInstant(new Date('2027-06-01T06:30:00Z'), TZ)).toBe('2027-06-01T08:30');
    expect(formatPlanInstant(new Date('2027-06-01T06:30:15Z'), TZ)).toBe('2027-06-01T08:30:15');
  });
});

for (const kind of DATABASE_KINDS) {
  describe(`rollout plan on the admin side (${kind.name})`, () => {
    let t: TestApp;
    let closeDb: () => Promise<void>;
    let admin: { cookie: string; csrf: string };
    beforeAll(async () => {
      const opened = await kind.open();
      closeDb = () => opened.close();
      // A BankID provider, so the preview has a login button to draw.
      t = await startTestApp({ db: opened.db, database: opened.database, providers: [{ id: 'bankid', startPath: '/login/bankid' }] });
      admin = await t.loginAs(HEDDA);
    });
    afterAll(async () => {
      await t.close();
      await closeDb().catch(() => undefined);
    });
    afterEach(() => t.clock.set(TEST_NOW));

    const bankid = async () => (await t.services.plan.methods()).find((m) => m.id === 'bankid');
    const planAudits = async () =>
      t.services.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'plan_changed')
        .orderBy('id')
        .execute();
    const post = (method: string, fields: Record<string, string>, lang = 'sv') =>
      t.app.inject({
        method: 'POST',
        url: `/admin/plan/${method}`,
        headers: { cookie: `${admin.cookie}; kw_lang=${lang}` },
        payload: { _csrf: admin.csrf, ...fields },
      });
    const bankidForm = {
      enabledFrom: '2027-09-15',
      enabledUntil: '',
      announceAs: 'mid_month',
      noticeSv: 'Det enklaste alternativet: du behöver varken ID-kort eller kortläsare.',
      noticeEn: 'The simplest option: you need neither an ID card nor a card reader.',
    };

    it('shows every method with its dates, announcement and notices, and a form per method', async () => {
      const res = await t.app.inject({ url: '/admin/plan', headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      const page = text(res.body);
      expect(page).toContain('i mitten av september 2027 (15 september 2027 kl. 00:00)');
      expect(page).toContain('vecka 35 2027 (30 augusti 2027 kl. 00:00)');
      // "Så skrivs startdatumet" shows each way with the method's own date (it read
      // "15 september" whatever the date was).
      expect(page).toContain('Som dag (30 augusti 2027)');
      expect(page).toContain('Som vecka (vecka 35 2027)');
      expect(page).toContain('Som mitten av månaden (i mitten av september 2027)');
      expect(res.body).toContain('action="/admin/plan/bankid"');
      expect(res.body).toContain('id="bankid-enabledFrom" name="enabledFrom" value="2027-09-15"');
      expect(res.body).toMatch(/<option value="mid_month" selected>/);
      expect(res.body).toContain('lang="en">The simplest option');
    });

    it('moves BankID earlier: saved, audited old→new, and /login and /info follow for anyone', async () => {
      const res = await post('bankid', { ...bankidForm, enabledFrom: '2027-06-01', announceAs: 'day' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/plan?saved=bankid');
      const saved = await t.app.inject({
        url: '/admin/plan?saved=bankid',
        headers: { cookie: admin.cookie },
      });
      expect(text(saved.body)).toContain('Ändringarna för BankID är sparade.');
      expect((await bankid())?.enabledFrom.toISOString()).toBe('2027-05-31T22:00:00.000Z');

      const audits = await planAudits();
      const last = audits.at(-1);
      expect(last).toMatchObject({ actor: HEDDA, subject: 'bankid', outcome: 'success' });
      expect(JSON.parse(last?.details ?? '{}')).toMatchObject({
        before: { enabledFrom: '2027-09-14T22:00:00.000Z', announceAs: 'mid_month' },
        after: { enabledFrom: '2027-05-31T22:00:00.000Z', announceAs: 'day' },
      });

      // Anonymous visitors: before the new date BankID is announced for 1 June; on it, it works.
      let login = text((await t.app.inject('/login')).body);
      expect(login).toContain('Kommer 1 juni 2027.');
      let info = text((await t.app.inject('/info')).body);
      expect(info).toContain('1 juni 2027 planerar vi att införa inloggning med BankID.');
      t.clock.set('2027-06-01T08:00:00Z');
      const loginHtml = (await t.app.inject('/login')).body;
      expect(loginHtml.split('Kommande inloggningssätt')[0]).toContain('data-method="bankid"');
      login = text(loginHtml);
      expect(login).not.toContain('Kommer 1 juni');
      info = (await t.app.inject('/info')).body;
      expect(info).toMatch(/data-method="bankid" data-status="enabled"/);

      // Put it back for the other tests (at the test's "now", where the admin's session lives).
      t.clock.set(TEST_NOW);
      expect((await post('bankid', bankidForm)).statusCode).toBe(303);
    });

    it('sets and clears an end date and the notices', async () => {
      expect(
        (
          await post('telia_card', {
            enabledFrom: '2012-01-01',
            enabledUntil: '2028-03-31T12:00',
            announceAs: 'day',
            noticeSv: '',
            noticeEn: '',
          })
        ).statusCode,
      ).toBe(303);
      let telia = (await t.services.plan.methods()).find((m) => m.id === 'telia_card');
      expect(telia?.enabledUntil?.toISOString()).toBe('2028-03-31T10:00:00.000Z');
      expect(telia?.notice).toBeNull();
      const page = await t.app.inject({ url: '/admin/plan', headers: { cookie: admin.cookie } });
      expect(page.body).toContain(
        'id="telia_card-enabledUntil" name="enabledUntil" value="2028-03-31T12:00"',
      );
      expect(
        (
          await post('telia_card', {
            enabledFrom: '2012-01-01',
            enabledUntil: '',
            announceAs: 'day',
            noticeSv: 'Å',
            noticeEn: 'A',
          })
        ).statusCode,
      ).toBe(303);
      telia = (await t.services.plan.methods()).find((m) => m.id === 'telia_card');
      expect(telia?.enabledUntil).toBeNull();
      expect(telia?.notice).toEqual({ sv: 'Å', en: 'A' });
    });

    it('stores notices NFC-normalised and trimmed', async () => {
      const decomposed = 'Ska\u0308rga\u030arden';
      expect((await post('bankid', { ...bankidForm, noticeSv: `  ${decomposed}  ` })).statusCode).toBe(303);
      expect((await bankid())?.notice?.sv).toBe('Skärgården');
      expect((await post('bankid', bankidForm)).statusCode).toBe(303);
    });

    it.each([
      [{ enabledFrom: '' }, 'enabledFrom', 'Fyll i fältet.'],
      [{ enabledFrom: '2027-02-30' }, 'enabledFrom', 'Ange ett datum som ÅÅÅÅ-MM-DD'],
      [{ enabledUntil: '2027-09-15' }, 'enabledUntil', 'Slutdatumet måste vara efter startdatumet.'],
      [{ enabledUntil: '2027-01-01' }, 'enabledUntil', 'Slutdatumet måste vara efter startdatumet.'],
      [{ announceAs: 'year' }, 'announceAs', 'Välj hur startdatumet ska skrivas.'],
      [
        { noticeSv: 'x'.repeat(2001) },
        'noticeSv',
        'Texten är för lång: 2001 tecken. Högst 2000 tecken är tillåtna.',
      ],
      [{ noticeEn: 'Line one\r\nline two' }, 'noticeEn', 'Texten får inte innehålla radbrytningar'],
      [{ noticeSv: 'Bank\u202eDIknaB' }, 'noticeSv', 'Texten får inte innehålla radbrytningar'],
      [{ noticeEn: '' }, 'noticeEn', 'Fyll i meddelandet på båda språken, eller lämna båda tomma.'],
    ])(
      'refuses %j next to the field, in an error summary, and saves nothing',
      async (change, fieldName, message) => {
        const before = await bankid();
        const audits = (await planAudits()).length;
        const res = await post('bankid', { ...bankidForm, ...change });
        expect(res.statusCode).toBe(400);
        const id = `bankid-${fieldName}`;
        const describedBy = fieldName === 'announceAs' ? `${id}-error` : `${id}-hint ${id}-error`;
        expect(res.body).toContain(`aria-invalid="true" aria-describedby="${describedBy}"`);
        expect(res.body).toContain(
          `<p class="field-error" id="${id}-error"><span class="visually-hidden">Fel: </span>${message}`,
        );
        expect(res.body).toContain(`<a href="#${id}">`);
        expect(res.body).toContain('Det finns fel i formuläret');
        expect(await bankid()).toEqual(before);
        expect((await planAudits()).length).toBe(audits);
      },
    );

    it('explains errors in English to an English reader, keeping what was typed', async () => {
      const res = await post('bankid', { ...bankidForm, enabledFrom: 'next autumn' }, 'en');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('There is a problem with the form');
      expect(res.body).toContain('Enter a date as YYYY-MM-DD');
      expect(res.body).toContain('value="next autumn"');
    });

    it('refuses an unknown method with 404, and a form without the CSRF token', async () => {
      expect((await post('mobile_bankid', bankidForm)).statusCode).toBe(404);
      const res = await t.app.inject({
        method: 'POST',
        url: '/admin/plan/bankid',
        headers: { cookie: admin.cookie },
        payload: bankidForm,
      });
      expect(res.statusCode).toBe(403);
    });

    it('previews a date with the login page and Kundwebbinfo components', async () => {
      const preview = async (date: string) =>
        t.app.inject({ url: `/admin/plan/preview?date=${date}`, headers: { cookie: admin.cookie } });
      let res = await preview('2027-09-15');
      expect(res.statusCode).toBe(200);
      const [loginPart, infoPart] = res.body.split('id="preview-info"');
      expect(loginPart?.split('Kommande inloggningssätt')[0]).toContain('data-method="bankid"');
      expect(infoPart).toMatch(/data-method="bankid" data-status="enabled"/);
      expect(text(res.body)).toContain('Så här ser sidorna ut den 15 september 2027 vid midnatt');
      // Each page in a frame that says it is a preview, and of which day; the frame's banner
      // is the heading that names its region.
      expect(res.body).toContain(
        '<section aria-labelledby="preview-login" class="preview-frame" data-preview="login"><h2 id="preview-login" class="preview-banner">Förhandsvisning – så här ser inloggningssidan ut den 15 september 2027</h2>',
      );
      expect(res.body).toContain(
        '<h2 id="preview-info" class="preview-banner">Förhandsvisning – så här ser Kundwebbinfo ut den 15 september 2027</h2>',
      );
      // The login buttons are drawn, not links: nothing in the preview starts a login.
      expect(loginPart?.split('id="preview-login"')[1]).not.toContain('class="button-primary"');
      expect(loginPart).toContain('<span class="preview-button">Logga in med BankID</span>');
      expect(text(loginPart ?? '')).toContain('Bara en bild av sidan: inget här går att använda.');
      res = await preview('2027-09-14');
      expect(res.body.split('id="preview-info"')[0]?.split('Kommande inloggningssätt')[1]).toContain(
        'data-method="bankid"',
      );
      // The real pages are untouched by a preview.
      expect((await t.app.inject('/login')).body.split('Kommande inloggningssätt')[1]).toContain(
        'data-method="bankid"',
      );

      res = await preview('2027-02-30');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Ange ett datum som ÅÅÅÅ-MM-DD (år 2000–2099).');
      expect(res.body).not.toContain('id="preview-info"');
      // A preview saves nothing, so its error does not say "Inget har sparats"; the date is
      // typed as ÅÅÅÅ-MM-DD like every date of the portal, not in the browser's own format.
      expect(res.body).toContain('Rätta felen och försök igen.');
      expect(res.body).not.toContain('Inget har sparats');
      expect(res.body).toMatch(/<input[^>]*id="preview-date"[^>]*type="text"|<input[^>]*type="text"[^>]*id="preview-date"/);
    });
  });
}
