import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { createAuditLog } from '../audit/service.js';
import { ManualClock } from '../platform/clock.js';
import { importUsers } from './import.js';
import { createAccounts } from './service.js';

const HEADER = 'name,personnummer,email,phone,orgnr,role';

for (const kind of DATABASE_KINDS) {
  describe(`CSV import of existing users (${kind.name})`, () => {
    let t: TestDatabase;
    const clock = new ManualClock('2026-11-28T10:00:00Z');
    let deps: { db: TestDatabase['db']; clock: ManualClock; audit: ReturnType<typeof createAuditLog> };
    beforeAll(async () => {
      t = await kind.open();
      deps = { db: t.db, clock, audit: createAuditLog(t.db, clock) };
      const accounts = createAccounts({ db: t.db, clock });
      await accounts.upsertOrganisation({ orgnr: '5566778899', name: 'Nordvik AB' });
      await accounts.upsertOrganisation({ orgnr: '5590123450', name: 'Skärgården AB' });
    });
    afterAll(() => t.close());

    it('imports a good file in one go, people acting for several organisations', async () => {
      const csv = [
        HEADER,
        'Tolvan Tolvansson,19121212-1212,tolvan@example.se,070-000 12 12,556677-8899,user',
        'Tolvan Tolvansson,19121212-1212,tolvan@example.se,070-000 12 12,5590123450,org_admin',
        '"Kim ""K"" Koordinatsson",701063-2391,,,5590123450,användare',
      ].join('\r\n');
      expect(await importUsers(deps, csv, { source: 'users.csv' })).toEqual({ ok: true, persons: 2, memberships: 3 });
      const accounts = createAccounts({ db: t.db, clock });
      expect((await accounts.memberships('191212121212')).map((m) => [m.orgnr, m.role])).toEqual([
        ['5566778899', 'user'],
        ['5590123450', 'org_admin'],
      ]);
      expect(await accounts.findPerson('197010632391')).toMatchObject({ name: 'Kim "K" Koordinatsson', email: null });
    });

    it('accepts semicolons, Swedish headers and any column order', async () => {
      const csv = 'roll;organisationsnummer;namn;personnummer;e-post;telefon\nuser;5566778899;Testa Testsson;198112289874;testa@example.se;\n';
      expect(await importUsers(deps, csv)).toEqual({ ok: true, persons: 1, memberships: 1 });
    });

    it('reports every bad row with its line number and imports nothing', async () => {
      const before = await t.db.selectFrom('membership').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const csv = [
        HEADER,
        'Ny Person,19640823-1238,ny@example.se,,5566778899,user', // good row: must not be imported
        ',19121212-1212,,,5566778899,user',
        'Fel Nummer,19121212-1213,,,5566778899,user',
        'Fel Org,19640823-1238,,,556677-8898,user',
        'Okänd Org,19640823-1238,,,802400-1235,user',
        'Fel Roll,19640823-1238,,,5590123450,chef',
        'Fel Post,19640823-1238,inte-en-adress,,5590123450,user',
        'Dubblett,19640823-1238,ny@example.se,,5566778899,user',
        'för,få,fält',
      ].join('\n');
      const result = await importUsers(deps, csv, { source: 'bad.csv' });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems.map((p) => [p.line, p.key])).toEqual([
        [3, 'import.error.name'],
        [4, 'import.error.personnummer'],
        [5, 'import.error.orgnr'],
        [6, 'import.error.unknownOrg'],
        [7, 'import.error.role'],
        [8, 'import.error.email'],
        [9, 'import.error.duplicate'],
        [10, 'import.error.columns'],
      ]);
      expect(await createAccounts({ db: t.db, clock }).findPerson('196408231238')).toBeUndefined();
      const after = await t.db.selectFrom('membership').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      const audit = await deps.audit.list({ event: 'users_import_refused' });
      expect(audit[0]).toMatchObject({ outcome: 'failure', subject: 'bad.csv' });
    });

    it('refuses a wrong header, an unclosed quote and an empty file', async () => {
      expect(await importUsers(deps, 'namn,pnr\nA,B')).toMatchObject({ ok: false, problems: [{ line: 1, key: 'import.error.header' }] });
      expect(await importUsers(deps, `${HEADER}\n"Open,191212121212,,,5566778899,user\n`)).toMatchObject({
        ok: false,
        problems: [{ line: 2, key: 'import.error.quote' }],
      });
      expect(await importUsers(deps, `${HEADER}\n`)).toMatchObject({ ok: false, problems: [{ key: 'import.error.empty' }] });
      expect(await importUsers(deps, '')).toMatchObject({ ok: false, problems: [{ key: 'import.error.empty' }] });
    });

    it('refuses the same person with different details on two lines', async () => {
      const csv = [HEADER, 'A Person,191212121212,a@example.se,,5566778899,user', 'B Person,191212121212,a@example.se,,5590123450,user'].join('\n');
      expect(await importUsers(deps, csv)).toMatchObject({ ok: false, problems: [{ line: 3, key: 'import.error.conflict', params: { line: 2 } }] });
    });
  });
}
