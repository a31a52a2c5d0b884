/**
 * The long lists a page at a time (issue 14): a company's drafts, submitted cases and
 * messages each by their own page number, and the case officers' inbox; plain previous/next
 * links in a named navigation landmark; a bad page number is page 1, never an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

const TESTA = '198112289874'; // Nordvik, user
const HEDDA = '196408231238'; // staff: case officer + admin
const NORDVIK = '5566778899';

const id = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${String(i).padStart(12, '0')}`;

for (const kind of DATABASE_KINDS) {
  describe(`long case lists a page at a time (${kind.name})`, () => {
    let t: TestDatabase;
    let app: TestApp;
    let testa: { cookie: string };
    let hedda: { cookie: string };

    beforeAll(async () => {
      t = await kind.open();
      app = await startTestApp({ db: t.db, database: t.database });
      const at = (i: number) => new Date(Date.UTC(2026, 9, 1, 8, 0, i)).toISOString();
      const row = (caseId: string, i: number, status: 'draft' | 'submitted') => ({
        id: caseId,
        orgnr: NORDVIK,
        type_id: 'other_case',
        kind: 'case' as const,
        status,
        title: `Ärende ${i}`,
        data: JSON.stringify({ subject: `Fråga ${i}` }),
        revision: 1,
        case_number: status === 'draft' ? null : `UD-TEST-${i}`,
        created_by: TESTA,
        created_at: at(i),
        updated_by: TESTA,
        updated_at: at(i),
        submitted_by: status === 'draft' ? null : TESTA,
        submitted_at: status === 'draft' ? null : at(i),
        evidence_id: null,
        digest: null,
        officer: null,
        closed_at: null,
      });
      await t.db
        .insertInto('case_file')
        .values([
          ...Array.from({ length: 60 }, (_, i) => row(id('dddddddd', i), i, 'draft')),
          ...Array.from({ length: 55 }, (_, i) => row(id('bbbbbbbb', i), i, 'submitted')),
        ])
        .execute();
      testa = await app.loginAs(TESTA);
      hedda = await app.loginAs(HEDDA);
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    const get = (who: { cookie: string }, url: string) => app.app.inject({ url, headers: { cookie: who.cookie } });
    const count = (html: string, prefix: string) => (html.match(new RegExp(`href="/cases/${prefix}-`, 'g')) ?? []).length;

    it('shows a company 25 drafts and 25 submitted cases a page, each list paged on its own', async () => {
      let res = await get(testa, '/cases');
      expect(res.statusCode).toBe(200);
      expect(count(res.body, 'dddddddd')).toBe(25);
      expect(count(res.body, 'bbbbbbbb')).toBe(25);
      expect(res.body).toContain('<nav aria-label="Sidor i utkast">');
      expect(res.body).toContain('href="/cases?drafts=2#drafts-h" rel="next"');
      expect(res.body).toContain('href="/cases?submitted=2#submitted-h" rel="next"');
      expect(res.body).not.toContain('rel="prev"');

      res = await get(testa, '/cases?drafts=3');
      expect(count(res.body, 'dddddddd')).toBe(10);
      expect(count(res.body, 'bbbbbbbb')).toBe(25); // the other list stays on its page
      expect(res.body).toContain('Sida 3');
      expect(res.body).toContain('href="/cases?drafts=2#drafts-h" rel="prev"');
      expect(res.body).toContain('href="/cases?drafts=3&amp;submitted=2#submitted-h" rel="next"');
      // the newest first: the oldest ten drafts are on page 3
      expect(res.body).toContain(`href="/cases/${id('dddddddd', 0)}"`);
      expect(res.body).not.toContain(`href="/cases/${id('dddddddd', 59)}"`);
    });

    it('takes a bad page number as page 1 and one past the end as an empty page with a way back', async () => {
      for (const bad of ['x', '-1', '0', '1.5', '99999999999']) {
        const res = await get(testa, `/cases?drafts=${bad}`);
        expect(res.statusCode).toBe(200);
      }
      expect(count((await get(testa, '/cases?drafts=x')).body, 'dddddddd')).toBe(25);
      // page 2 links back to the first page without a number
      expect((await get(testa, '/cases?drafts=2')).body).toContain('href="/cases#drafts-h" rel="prev"');
      const past = await get(testa, '/cases?drafts=5');
      expect(past.statusCode).toBe(200);
      expect(count(past.body, 'dddddddd')).toBe(0);
      expect(past.body).toContain('href="/cases?drafts=4#drafts-h" rel="prev"');
    });

    it('shows the case officers 50 submitted cases a page, keeping the status filter', async () => {
      let res = await get(hedda, '/officer/cases?status=submitted');
      expect(res.statusCode).toBe(200);
      expect(count(res.body, 'bbbbbbbb')).toBe(50);
      expect(count(res.body, 'dddddddd')).toBe(0);
      expect(res.body).toContain('href="/officer/cases?status=submitted&amp;page=2" rel="next"');
      res = await get(hedda, '/officer/cases?status=submitted&page=2');
      expect(count(res.body, 'bbbbbbbb')).toBe(5);
      expect(res.body).toContain('href="/officer/cases?status=submitted" rel="prev"');
      expect(res.body).not.toContain('rel="next"');
      expect((await get(hedda, '/officer/cases?page=abc')).statusCode).toBe(200);
    });
  });
}
