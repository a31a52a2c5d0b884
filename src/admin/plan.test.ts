import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_NOW, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { planVersion } from './plan-effects.js';
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
    const telia = async () => (await t.services.plan.methods()).find((m) => m.id === 'telia_card');
    const planAudits = async () =>
      t.services.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'plan_changed')
        .orderBy('id')
        .execute();
    /** Posts a method's form; the version of the plan as it is now, unless the fields give one. */
    const post = async (method: string, fields: Record<string, string>, lang = 'sv') =>
      t.app.inject({
        method: 'POST',
        url: `/admin/plan/${method}`,
        headers: { cookie: `${admin.cookie}; kw_lang=${lang}` },
        payload: { _csrf: admin.csrf, version: planVersion(await t.services.plan.current()), ...fields },
      });
    /** The hidden fields of the confirmation's form, to post them back as the browser does. */
    const hidden = (html: string): Record<string, string> =>
      Object.fromEntries(
        [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
          .filter((m) => m[1] !== '_csrf')
          .map((m) => [m[1] ?? '', (m[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&')]),
      );
    const bankidForm = {
      enabledFrom: '2027-09-15',
      enabledUntil: '',
      announceAs: 'mid_month',
      noticeSv: 'Det enklaste alternativet: du behöver varken ID-kort eller kortläsare.',
      noticeEn: 'The simplest option: you need neither an ID card nor a card reader.',
    };
    const teliaForm = {
      enabledFrom: '2012-01-01',
      enabledUntil: '',
      announceAs: 'day',
      noticeSv: 'Telia utfärdar inte längre ID-kort. Ditt ID-kort från Telia fungerar så länge dess giltighetstid inte har passerat.',
      noticeEn: 'Telia no longer issues ID cards. Your Telia ID card keeps working as long as its validity period has not passed.',
    };
    /** Posts a form and, when the change must be confirmed, confirms it. */
    const save = async (method: string, fields: Record<string, string>) => {
      const res = await post(method, fields);
      return res.statusCode === 200 && res.body.includes('value="confirm"')
        ? post(method, { ...hidden(res.body), action: 'confirm' })
        : res;
    };
    /** Puts both methods back as the plan file has them (nothing else is changed by these tests). */
    const restore = async () => {
      t.clock.set(TEST_NOW);
      expect((await save('telia_card', teliaForm)).statusCode).toBe(303);
      expect((await save('bankid', bankidForm)).statusCode).toBe(303);
    };

    it('shows an overview: a short card per method with its status today, dates and announcement, and a link to edit it', async () => {
      const res = await t.app.inject({ url: '/admin/plan', headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      const cards = res.body.split('<li class="plan-card" data-method=').slice(1);
      expect(cards.map((r) => r.slice(1, r.indexOf('"', 1)))).toEqual(['telia_card', 'svenska_pass_card', 'bankid']);
      const card = (id: string) => text(cards.find((r) => r.startsWith(`"${id}"`))?.split('</li>')[0] ?? '');
      expect(card('telia_card')).toContain(
        'ID-kort från Telia Ändra ID-kort från Telia Status i dag Fungerar nu Startdatum 1 januari 2012 Skrivs för användarna 1 januari 2012 Slutdatum Inget slutdatum',
      );
      expect(card('svenska_pass_card')).toContain('Planerad Startdatum 30 augusti 2027 Skrivs för användarna vecka 35 2027 Slutdatum Inget slutdatum');
      expect(card('bankid')).toContain(
        'BankID Ändra BankID Status i dag Planerad Startdatum 15 september 2027 Skrivs för användarna i mitten av september 2027 Slutdatum Inget slutdatum',
      );
      expect(res.body).toContain('href="/admin/plan/bankid"');
      // No edit forms on the overview: each method has its own page. The preview is here.
      expect(res.body).not.toContain('name="enabledFrom"');
      expect(res.body).toContain('action="/admin/plan/preview"');
    });

    it('edits one method on its own page: its values, each way of writing the start date with its own date, the plan version', async () => {
      const res = await t.app.inject({ url: '/admin/plan/bankid', headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      const page = text(res.body);
      expect(page).toContain('Ändra BankID');
      expect(page).toContain('Status i dag Planerad');
      // "Så skrivs startdatumet" shows each way with the method's own date (it read "15
      // september" whatever the date was).
      expect(page).toContain('Som dag (15 september 2027)');
      expect(page).toContain('Som vecka (vecka 37 2027)');
      expect(page).toContain('Som mitten av månaden (i mitten av september 2027)');
      expect(res.body).toContain('action="/admin/plan/bankid"');
      expect(res.body).toContain('id="bankid-enabledFrom" name="enabledFrom" value="2027-09-15"');
      expect(res.body).toMatch(/<option value="mid_month" selected>/);
      expect(res.body).toContain('lang="en" aria-describedby="bankid-noticeEn-hint">The simplest option');
      expect(hidden(res.body)['version']).toBe(planVersion(await t.services.plan.current()));
      expect(text((await t.app.inject({ url: '/admin/plan/svenska_pass_card', headers: { cookie: admin.cookie } })).body)).toContain(
        'Som vecka (vecka 35 2027)',
      );
      expect((await t.app.inject({ url: '/admin/plan/mobile_bankid', headers: { cookie: admin.cookie } })).statusCode).toBe(404);
    });

    it('moves BankID earlier without changing who can log in today: saved at once, audited old→new, and /login and /info follow for anyone', async () => {
      const res = await post('bankid', { ...bankidForm, enabledFrom: '2027-06-01', announceAs: 'day' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/plan?saved=bankid');
      const saved = await t.app.inject({
        url: '/admin/plan?saved=bankid',
        headers: { cookie: admin.cookie },
      });
      expect(text(saved.body)).toContain('Ändringarna för BankID är sparade.');
      // The notice leads to the preview of the day BankID now starts.
      expect(saved.body).toContain('<a href="/admin/plan/preview?date=2027-06-01">Se hur sidorna ser ut den 1 juni 2027</a>');
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
      await restore();
    });

    it('asks to confirm a change that makes a method work today, saying so in plain words; saves nothing until confirmed', async () => {
      const audits = (await planAudits()).length;
      const before = await bankid();
      const res = await post('bankid', { ...bankidForm, enabledFrom: '2026-11-01', announceAs: 'day' });
      expect(res.statusCode).toBe(200);
      const page = text(res.body);
      expect(page).toContain('Kontrollera ändringen av BankID');
      expect(page).toContain('Det här händer om du sparar');
      expect(page).toContain('BankID börjar fungera för inloggning i dag och visas på inloggningssidan.');
      // The change, field by field: only what changes.
      expect(page).toContain('Startdatum 15 september 2027 1 november 2026');
      expect(page).toContain('Som mitten av månaden (i mitten av september 2027) Som dag (1 november 2026)');
      expect(page).not.toContain('Meddelande på svenska');
      expect(page).toContain('Vill du spara ändringen av BankID?');
      expect(res.body).toContain('name="action" value="confirm"');
      expect(res.body).toContain('name="action" value="revise"');
      expect(hidden(res.body)).toMatchObject({ enabledFrom: '2026-11-01', announceAs: 'day', noticeEn: bankidForm.noticeEn });
      expect(await bankid()).toEqual(before);
      expect((await planAudits()).length).toBe(audits);

      // "No, change it again": the form with what was typed, still nothing saved.
      const revise = await post('bankid', { ...hidden(res.body), action: 'revise' });
      expect(revise.statusCode).toBe(200);
      expect(revise.body).toContain('id="bankid-enabledFrom" name="enabledFrom" value="2026-11-01"');
      expect(revise.body).not.toContain('field-error');
      expect(await bankid()).toEqual(before);

      // Confirmed: saved once, audited once, and BankID is on the login page today.
      const confirmed = await post('bankid', { ...hidden(res.body), action: 'confirm' });
      expect(confirmed.statusCode).toBe(303);
      expect(confirmed.headers.location).toBe('/admin/plan?saved=bankid');
      expect((await bankid())?.enabledFrom.toISOString()).toBe('2026-10-31T23:00:00.000Z');
      expect((await planAudits()).length).toBe(audits + 1);
      expect((await t.app.inject('/login')).body.split('Kommande inloggningssätt')[0]).toContain('data-method="bankid"');
      // It works from today on, with no end: the saved notice leads to the preview of today.
      expect((await t.app.inject({ url: '/admin/plan?saved=bankid', headers: { cookie: admin.cookie } })).body).toContain(
        '<a href="/admin/plan/preview?date=2026-11-28">Se hur sidorna ser ut den 28 november 2026</a>',
      );

      // Moving it back takes it off the login page today: that is confirmed too.
      const back = await post('bankid', bankidForm);
      expect(back.statusCode).toBe(200);
      expect(text(back.body)).toContain(
        'BankID försvinner från inloggningssidan i dag. Ingen kan logga in med BankID förrän den 15 september 2027.',
      );
      expect((await post('bankid', { ...hidden(back.body), action: 'confirm' })).statusCode).toBe(303);
      expect((await bankid())?.enabledFrom.toISOString()).toBe('2027-09-14T22:00:00.000Z');
    });

    it('warns in English too, of an end date and of the day from which nobody can log in', async () => {
      const res = await post('telia_card', { ...teliaForm, enabledUntil: '2027-03-31' }, 'en');
      expect(res.statusCode).toBe(200);
      const page = text(res.body);
      expect(page).toContain('Check the change to ID card from Telia');
      expect(page).toContain('This happens if you save');
      expect(page).toContain(
        'ID card from Telia stops working for login on 31 March 2027 and then disappears from the login page.',
      );
      expect(page).toContain('From 31 March 2027 no login option works: nobody can log in to Kundwebben.');
      expect(page).toContain('End date No end date 31 March 2027');
      expect((await telia())?.enabledUntil).toBeNull();
    });

    it('refuses a plan in which no login method works today, next to the field and in the summary; nothing saved', async () => {
      const before = await telia();
      const audits = (await planAudits()).length;
      for (const [lang, message] of [
        ['sv', 'Det går inte att spara: då fungerar inget inloggningssätt i dag, och ingen kan logga in i Kundwebben.'],
        ['en', 'This cannot be saved: no login option would work today, and nobody could log in to Kundwebben.'],
      ] as const) {
        // Telia is the only method that works today: ending it now, or moving its start.
        for (const change of [{ enabledUntil: '2026-11-28' }, { enabledFrom: '2026-12-01' }]) {
          const res = await post('telia_card', { ...teliaForm, ...change }, lang);
          expect(res.statusCode).toBe(400);
          const id = `telia_card-${Object.keys(change)[0] ?? ''}`;
          expect(res.body).toContain(`<a href="#${id}">`);
          expect(res.body).toContain(`<p class="field-error" id="${id}-error">`);
          expect(text(res.body)).toContain(message);
          expect(res.body).not.toContain('value="confirm"');
        }
      }
      // Nor can a confirmation be forged for it.
      expect((await post('telia_card', { ...teliaForm, enabledUntil: '2026-11-28', action: 'confirm', confirmed: 'x' })).statusCode).toBe(400);
      expect(await telia()).toEqual(before);
      expect((await planAudits()).length).toBe(audits);
    });

    it('refuses a change when the plan was changed by someone else since the form or the confirmation was made (409); nothing saved', async () => {
      const res = await post('bankid', { ...bankidForm, enabledFrom: '2026-11-01', announceAs: 'day' });
      expect(res.statusCode).toBe(200);
      const confirmation = hidden(res.body);
      // Another admin changes the plan (here, Telia's notice) before this one confirms.
      await t.services.plan.change('telia_card', { notice: { sv: 'Nytt', en: 'New' } }, '195307040030');
      const audits = (await planAudits()).length;
      const refused = await post('bankid', { ...confirmation, action: 'confirm' });
      expect(refused.statusCode).toBe(409);
      const page = text(refused.body);
      expect(page).toContain('Någon annan har ändrat tidplanen sedan du öppnade sidan. Inget har sparats.');
      expect(page).toContain('Sparat för BankID just nu Startdatum 15 september 2027');
      // What was typed is kept, with the plan's new version.
      expect(refused.body).toContain('id="bankid-enabledFrom" name="enabledFrom" value="2026-11-01"');
      expect(hidden(refused.body)['version']).toBe(planVersion(await t.services.plan.current()));
      expect((await bankid())?.enabledFrom.toISOString()).toBe('2027-09-14T22:00:00.000Z');
      expect((await planAudits()).length).toBe(audits);

      // The edit form's own version counts as well, and a form without one is refused.
      expect((await post('bankid', { ...bankidForm, noticeSv: 'Ändrat', version: confirmation['version'] ?? '' })).statusCode).toBe(409);
      expect((await post('bankid', { ...bankidForm, noticeSv: 'Ändrat', version: '' })).statusCode).toBe(409);
      expect((await bankid())?.notice?.sv).toBe(bankidForm.noticeSv);

      // Saved again from the refreshed form: confirmed, then saved.
      const again = await post('bankid', { ...bankidForm, enabledFrom: '2026-11-01', announceAs: 'day', version: hidden(refused.body)['version'] ?? '' });
      expect(again.statusCode).toBe(200);
      expect((await post('bankid', { ...hidden(again.body), action: 'confirm' })).statusCode).toBe(303);
      await restore();
    });

    it('shows the confirmation again when what happens changed after it was shown (a time passed)', async () => {
      // BankID works today from 10:00 to 10:05 Stockholm time: it starts today and ends at 10:05.
      const res = await post('bankid', { ...bankidForm, enabledFrom: '2026-11-01', enabledUntil: '2026-11-28T10:05', announceAs: 'day' });
      expect(res.statusCode).toBe(200);
      expect(text(res.body)).toContain('BankID slutar fungera för inloggning den 28 november 2026 kl. 10:05');
      t.clock.advance(6 * 60_000);
      const later = await post('bankid', { ...hidden(res.body), action: 'confirm' });
      expect(later.statusCode).toBe(200);
      const page = text(later.body);
      expect(page).toContain('Det som händer har ändrats sedan du såg det');
      expect(page).toContain('BankID försvinner i dag från de kommande inloggningssätten på inloggningssidan och får status ”Avslutad” i Kundwebbinfo.');
      expect((await bankid())?.enabledFrom.toISOString()).toBe('2027-09-14T22:00:00.000Z');
      t.clock.set(TEST_NOW);
    });

    it('sets and clears an end date and the notices', async () => {
      // An end date of a method that works today is confirmed first.
      const res = await post('telia_card', {
        enabledFrom: '2012-01-01',
        enabledUntil: '2028-03-31T12:00',
        announceAs: 'day',
        noticeSv: '',
        noticeEn: '',
      });
      expect(res.statusCode).toBe(200);
      expect(text(res.body)).toContain(
        'ID-kort från Telia slutar fungera för inloggning den 31 mars 2028 kl. 12:00 och försvinner då från inloggningssidan.',
      );
      expect((await post('telia_card', { ...hidden(res.body), action: 'confirm' })).statusCode).toBe(303);
      let m = await telia();
      expect(m?.enabledUntil?.toISOString()).toBe('2028-03-31T10:00:00.000Z');
      expect(m?.notice).toBeNull();
      const page = await t.app.inject({ url: '/admin/plan/telia_card', headers: { cookie: admin.cookie } });
      expect(page.body).toContain(
        'id="telia_card-enabledUntil" name="enabledUntil" value="2028-03-31T12:00"',
      );
      expect(text((await t.app.inject({ url: '/admin/plan', headers: { cookie: admin.cookie } })).body)).toContain(
        '31 mars 2028 kl. 12:00',
      );
      // Clearing it changes nothing today: saved at once.
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
      m = await telia();
      expect(m?.enabledUntil).toBeNull();
      expect(m?.notice).toEqual({ sv: 'Å', en: 'A' });
      await restore();
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
