import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS } from '../../test/support/databases.js';

const HEDDA = '196408231238';
const HEADER = 'name,personnummer,email,phone,orgnr,role';

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

for (const kind of DATABASE_KINDS) {
  describe(`CSV import in the admin UI (${kind.name})`, () => {
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

    const post = (action: string, csv: string, lang = 'sv') =>
      t.app.inject({
        method: 'POST',
        url: '/admin/import',
        headers: { cookie: `${admin.cookie}; kw_lang=${lang}` },
        payload: { _csrf: admin.csrf, action, csv },
      });
    const counts = async () => ({
      people: (await t.services.db.selectFrom('person').select('personnummer').execute()).length,
      memberships: (await t.services.db.selectFrom('membership').select('orgnr').execute()).length,
      imports: (
        await t.services.db
          .selectFrom('audit_event')
          .select('id')
          .where('event', '=', 'users_imported')
          .execute()
      ).length,
    });

    const good = [
      HEADER,
      'Nina Nyberg,491025-9284,nina@example.se,,559012-3450,user',
      'Tolvan Tolvansson,19121212-1212,tolvan@nordvik.example,+46 70 000 12 12,5566778899,org_admin',
    ].join('\r\n');
    const bad = [
      HEADER,
      'Nina Nyberg,491025-9284,nina@example.se,,559012-3450,user',
      'Fel Nummer,19121212-1213,,,5566778899,user',
      'Okänd Org,19640823-1238,,,802400-1235,chef',
    ].join('\n');

    it('a check shows the row errors with line numbers, in the reader’s language, and imports nothing', async () => {
      const before = await counts();
      let res = await post('check', bad);
      expect(res.statusCode).toBe(400);
      const page = text(res.body);
      expect(page).toContain('Rad 3: Ogiltigt personnummer eller samordningsnummer: ”19121212-1213”.');
      expect(page).toContain('Rad 4: Organisationen 802400-1235 finns inte i Kundwebben.');
      expect(page).toContain('Rad 4: Okänd roll ”chef”');
      expect(page).toContain('3 fel hittades. Inget har importerats.');
      expect(res.body).toContain('Fel Nummer,19121212-1213'); // the textarea keeps the CSV
      res = await post('check', bad, 'en');
      expect(text(res.body)).toContain('Line 3: Invalid personal identity or co-ordination number');
      expect(await counts()).toEqual(before);
    });

    it('a check of a good file shows what would be imported and changes nothing', async () => {
      const before = await counts();
      const res = await post('check', good);
      expect(res.statusCode).toBe(200);
      const page = text(res.body);
      expect(page).toContain(
        'Filen är korrekt. En import sparar 2 personer och 2 kopplingar till organisationer. Inget är sparat ännu.',
      );
      expect(page).toContain('19491025-9284');
      expect(page).toContain('Ny');
      expect(page).toContain('Finns redan, uppgifterna uppdateras');
      expect(await counts()).toEqual(before);
      expect(await t.services.accounts.findPerson('194910259284')).toBeUndefined();
    });

    it('an import with any bad row imports nothing; a good one imports all, audited', async () => {
      const before = await counts();
      let res = await post('import', bad);
      expect(res.statusCode).toBe(400);
      expect(text(res.body)).toContain('Rad 3:');
      expect(await t.services.accounts.findPerson('194910259284')).toBeUndefined();
      expect(await counts()).toEqual(before);
      const refused = await t.services.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'users_import_refused')
        .execute();
      expect(refused.at(-1)).toMatchObject({ actor: HEDDA, outcome: 'failure' });

      res = await post('import', good);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/import?persons=2&memberships=2');
      const done = await t.app.inject({
        url: String(res.headers.location),
        headers: { cookie: admin.cookie },
      });
      expect(text(done.body)).toContain('Importen klar: 2 personer och 2 kopplingar till organisationer.');
      expect((await t.services.accounts.memberships('194910259284')).map((m) => m.orgnr)).toEqual([
        '5590123450',
      ]);
      const imported = await t.services.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'users_imported')
        .execute();
      expect(imported.at(-1)).toMatchObject({ actor: HEDDA, subject: 'admin' });
    });

    it('an empty paste is an error next to the field; an unknown action is a bad request', async () => {
      let res = await post('check', '  ');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('id="import-csv-error"');
      expect(res.body).toContain('<a href="#import-csv">');
      res = await post('delete-everything', good);
      expect(res.statusCode).toBe(400);
    });
  });
}
