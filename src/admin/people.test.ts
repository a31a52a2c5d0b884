import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { parsePeopleQuery } from './people.js';

const HEDDA = '196408231238';
const TOLVAN = '191212121212';
const TESTA = '198112289874';
/** Valid test numbers nobody in the demo data has. */
const NEW_PERSON = '194910259284';
const NEW_ORG = '8024001235';

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the people search box', () => {
  const today = new Date('2026-11-28T09:00:00Z');
  it('normalises a full personnummer in any usual shape, and refuses an invalid one', () => {
    for (const q of ['196408231238', '19640823-1238', '640823-1238', ' 6408231238 ']) {
      expect(parsePeopleQuery(q, today)).toEqual({ kind: 'personnummer', value: HEDDA });
    }
    expect(parsePeopleQuery('19640823-1239', today)).toEqual({
      kind: 'invalid',
      key: 'admin.error.personnummer',
    });
  });

  it('reads shorter digits as the start of a number, and anything else as a name of two characters or more', () => {
    expect(parsePeopleQuery('1964', today)).toEqual({ kind: 'prefix', value: '1964' });
    expect(parsePeopleQuery('  Hedda ', today)).toEqual({ kind: 'name', value: 'Hedda' });
    expect(parsePeopleQuery('H', today)).toEqual({ kind: 'invalid', key: 'admin.people.error.query' });
    expect(parsePeopleQuery('', today)).toEqual({ kind: 'none' });
  });
});

for (const kind of DATABASE_KINDS) {
  describe(`people and organisations on the admin side (${kind.name})`, () => {
    let t: TestApp;
    let closeDb: () => Promise<void>;
    let admin: { cookie: string; csrf: string };
    beforeAll(async () => {
      const opened = await kind.open();
      closeDb = () => opened.close();
      t = await startTestApp({ db: opened.db, database: opened.database });
      admin = await t.loginAs(HEDDA);
    });
    afterAll(async () => {
      await t.close();
      await closeDb().catch(() => undefined);
    });

    const get = (url: string) => t.app.inject({ url, headers: { cookie: admin.cookie } });
    const post = (url: string, fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: admin.cookie },
        payload: { _csrf: admin.csrf, ...fields },
      });
    const audits = (event: string) =>
      t.services.db.selectFrom('audit_event').selectAll().where('event', '=', event).orderBy('id').execute();
    const snapshot = async () => ({
      people: await t.services.db.selectFrom('person').selectAll().orderBy('personnummer').execute(),
      orgs: await t.services.db.selectFrom('organisation').selectAll().orderBy('orgnr').execute(),
      memberships: await t.services.db
        .selectFrom('membership')
        .selectAll()
        .orderBy('personnummer')
        .orderBy('orgnr')
        .execute(),
      audits: (await t.services.db.selectFrom('audit_event').select('id').execute()).length,
    });

    it('finds people by name (any case) and by personnummer in any shape', async () => {
      let res = await get('/admin/people?q=tolvan');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`href="/admin/people/${TOLVAN}"`);
      expect(text(res.body)).toContain('1 person hittades');
      res = await get('/admin/people?q=640823-1238');
      expect(res.body).toContain(`href="/admin/people/${HEDDA}"`);
      expect(text(res.body)).toContain('19640823-1238');
      res = await get('/admin/people?q=19');
      expect(text(res.body)).toContain('4 personer hittades');
      res = await get('/admin/people?q=%25');
      expect(res.statusCode).toBe(400);
      res = await get('/admin/people?q=__');
      expect(text(res.body)).toContain('Ingen person matchar sökningen.');
      res = await get('/admin/people?q=19640823-1239');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Ange ett giltigt personnummer eller samordningsnummer');
    });

    it('shows a person with memberships and staff roles; an unknown or malformed number is 404', async () => {
      const res = await get(`/admin/people/${TOLVAN}`);
      expect(res.statusCode).toBe(200);
      const page = text(res.body);
      expect(page).toContain('Nordvik Försvarsteknik AB (556677-8899)');
      expect(page).toContain('Administratör för organisationen');
      expect(page).toContain('Inga roller på myndigheten.');
      expect(text((await get(`/admin/people/${HEDDA}`)).body)).toContain('Handläggare');
      expect((await get(`/admin/people/${NEW_PERSON}`)).statusCode).toBe(404);
      expect((await get('/admin/people/19640823-1238')).statusCode).toBe(404);
    });

    it('adds a person, audited; refuses a duplicate and bad fields, saving nothing', async () => {
      let before = await snapshot();
      let res = await post('/admin/people', {
        personnummer: '4910259284',
        name: '',
        email: 'inte-en-adress',
        phone: 'abc',
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('id="new-name-error"');
      expect(res.body).toContain('id="new-email-error"');
      expect(res.body).toContain('id="new-phone-error"');
      expect(res.body).toContain('value="inte-en-adress"');
      expect(await snapshot()).toEqual(before);

      res = await post('/admin/people', {
        personnummer: '491025-9284',
        name: 'Nina Nyberg',
        email: 'nina@example.se',
        phone: '070-123 45 67',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/admin/people/${NEW_PERSON}?done=added`);
      expect(await t.services.accounts.findPerson(NEW_PERSON)).toEqual({
        personnummer: NEW_PERSON,
        name: 'Nina Nyberg',
        email: 'nina@example.se',
        phone: '070-123 45 67',
        active: true,
      });
      expect((await audits('person_added')).at(-1)).toMatchObject({ actor: HEDDA, subject: NEW_PERSON });

      before = await snapshot();
      res = await post('/admin/people', {
        personnummer: NEW_PERSON,
        name: 'Someone Else',
        email: '',
        phone: '',
      });
      expect(res.statusCode).toBe(400);
      expect(text(res.body)).toContain('Det finns redan en person med det personnumret.');
      expect(await snapshot()).toEqual(before);
    });

    it('edits name, e-mail and phone, audited with before and after', async () => {
      let res = await post(`/admin/people/${NEW_PERSON}`, {
        name: 'Nina Nyberg-Ek',
        email: '',
        phone: '+46 70 123 45 67',
      });
      expect(res.statusCode).toBe(303);
      expect(await t.services.accounts.findPerson(NEW_PERSON)).toMatchObject({
        name: 'Nina Nyberg-Ek',
        email: null,
        phone: '+46 70 123 45 67',
      });
      const audit = (await audits('person_changed')).at(-1);
      expect(JSON.parse(audit?.details ?? '{}')).toEqual({
        before: { name: 'Nina Nyberg', email: 'nina@example.se', phone: '070-123 45 67' },
        after: { name: 'Nina Nyberg-Ek', email: null, phone: '+46 70 123 45 67' },
      });
      const before = await snapshot();
      res = await post(`/admin/people/${NEW_PERSON}`, { name: 'x'.repeat(201), email: '', phone: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Texten är för lång: 201 tecken');
      expect(await snapshot()).toEqual(before);
    });

    it('links a person to an organisation and removes the link, audited; refuses unknown organisations', async () => {
      let before = await snapshot();
      let res = await post(`/admin/people/${NEW_PERSON}/memberships`, { orgnr: '556677-8898', role: 'user' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Ange ett giltigt organisationsnummer');
      res = await post(`/admin/people/${NEW_PERSON}/memberships`, { orgnr: NEW_ORG, role: 'user' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Organisationen finns inte i Kundwebben.');
      res = await post(`/admin/people/${NEW_PERSON}/memberships`, { orgnr: '556677-8899', role: 'boss' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Välj en roll i listan.');
      expect(await snapshot()).toEqual(before);

      res = await post(`/admin/people/${NEW_PERSON}/memberships`, {
        orgnr: '556677-8899',
        role: 'org_admin',
      });
      expect(res.statusCode).toBe(303);
      expect(await t.services.accounts.memberships(NEW_PERSON)).toEqual([
        { orgnr: '5566778899', orgName: 'Nordvik Försvarsteknik AB', role: 'org_admin' },
      ]);
      expect((await audits('membership_added')).at(-1)).toMatchObject({ actor: HEDDA, subject: NEW_PERSON });

      res = await post(`/admin/people/${NEW_PERSON}/memberships/5566778899/remove`, {});
      expect(res.statusCode).toBe(303);
      expect(await t.services.accounts.memberships(NEW_PERSON)).toEqual([]);
      expect(JSON.parse((await audits('membership_removed')).at(-1)?.details ?? '{}')).toEqual({
        orgnr: '5566778899',
        role: 'org_admin',
      });
      before = await snapshot();
      expect((await post(`/admin/people/${NEW_PERSON}/memberships/5566778899/remove`, {})).statusCode).toBe(
        404,
      );
      expect(await snapshot()).toEqual(before);
    });

    it('deactivates a person (who can then not log in) and reactivates them, audited', async () => {
      let res = await post(`/admin/people/${TESTA}/active`, { active: '0' });
      expect(res.statusCode).toBe(303);
      expect(text((await get(`/admin/people/${TESTA}?done=deactivated`)).body)).toContain(
        'Personen är inaktiverad och kan inte logga in.',
      );
      await expect(t.loginAs(TESTA)).rejects.toThrow(/no_account/);
      res = await post(`/admin/people/${TESTA}/active`, { active: '1' });
      expect(res.statusCode).toBe(303);
      await expect(t.loginAs(TESTA)).resolves.toBeDefined();
      expect((await audits('person_deactivated')).at(-1)).toMatchObject({ subject: TESTA, actor: HEDDA });
      expect((await audits('person_reactivated')).at(-1)).toMatchObject({ subject: TESTA, actor: HEDDA });
      expect((await post(`/admin/people/${TESTA}/active`, { active: 'yes' })).statusCode).toBe(400);
    });

    it('lists and searches organisations; adds, renames and deactivates one, audited', async () => {
      let res = await get('/admin/organisations');
      expect(res.statusCode).toBe(200);
      expect(text(res.body)).toContain('Nordvik Försvarsteknik AB');
      expect(text(res.body)).toContain('Skärgårdens Sensorer AB');
      res = await get('/admin/organisations?q=sensor');
      expect(text(res.body)).not.toContain('Nordvik');
      res = await get('/admin/organisations?q=556677');
      expect(text(res.body)).toContain('Nordvik');
      expect(text(res.body)).not.toContain('Skärgårdens');

      let before = await snapshot();
      res = await post('/admin/organisations', { orgnr: '802400-1234', name: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('id="org-orgnr-error"');
      expect(res.body).toContain('id="org-name-error"');
      res = await post('/admin/organisations', { orgnr: '5566778899', name: 'Kopia AB' });
      expect(text(res.body)).toContain('Det finns redan en organisation med det organisationsnumret.');
      expect(await snapshot()).toEqual(before);

      res = await post('/admin/organisations', { orgnr: '802400-1235', name: 'Exportkontroll Test AB' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/admin/organisations/${NEW_ORG}?done=added`);
      expect((await audits('organisation_added')).at(-1)).toMatchObject({ subject: NEW_ORG, actor: HEDDA });

      res = await post(`/admin/organisations/${NEW_ORG}`, { name: 'Exportkontroll AB' });
      expect(res.statusCode).toBe(303);
      expect((await t.services.accounts.findOrganisation(NEW_ORG))?.name).toBe('Exportkontroll AB');
      expect(JSON.parse((await audits('organisation_renamed')).at(-1)?.details ?? '{}')).toEqual({
        before: 'Exportkontroll Test AB',
        after: 'Exportkontroll AB',
      });
      before = await snapshot();
      expect((await post(`/admin/organisations/${NEW_ORG}`, { name: '\u0007' })).statusCode).toBe(400);
      expect(await snapshot()).toEqual(before);

      // A deactivated organisation keeps its members, but nobody acts for it any more.
      await post(`/admin/people/${NEW_PERSON}/memberships`, { orgnr: NEW_ORG, role: 'user' });
      expect(text((await get(`/admin/organisations/${NEW_ORG}`)).body)).toContain('Nina Nyberg-Ek');
      res = await post(`/admin/organisations/${NEW_ORG}/active`, { active: '0' });
      expect(res.statusCode).toBe(303);
      expect(await t.services.accounts.memberships(NEW_PERSON)).toEqual([]);
      expect(text((await get(`/admin/people/${NEW_PERSON}`)).body)).toContain(
        '(organisationen är inaktiverad)',
      );
      expect((await audits('organisation_deactivated')).at(-1)).toMatchObject({ subject: NEW_ORG });
      await post(`/admin/organisations/${NEW_ORG}/active`, { active: '1' });
      expect((await t.services.accounts.memberships(NEW_PERSON)).map((m) => m.orgnr)).toEqual([NEW_ORG]);
      expect((await get('/admin/organisations/5566778898')).statusCode).toBe(404);
    });

    it('speaks English to an English reader', async () => {
      const res = await t.app.inject({
        url: `/admin/people/${TOLVAN}`,
        headers: { cookie: `${admin.cookie}; kw_lang=en` },
      });
      expect(text(res.body)).toContain('Administrator of the organisation');
      expect(text(res.body)).toContain('Link to an organisation');
    });
  });
}
