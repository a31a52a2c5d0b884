/**
 * The stored unread counts of the start page (cases/unread.ts) on SQLite and PostgreSQL:
 * always exactly what counting over the organisation's cases gives. A message from an
 * officer is one more unread for every member, none for its author; a message from the
 * company none for anyone; reading takes one off for that person only; a person who joins
 * later has every message unread; a case removed by the retention purge takes its messages
 * and markers with it; and 20 posts or 20 readings at once leave the counts right.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import type { CaseRow } from './model.js';

const ORG = '5590123450'; // Skärgårdens Sensorer AB: Tolvan (org admin) and Kim
const TOLVAN = '191212121212';
const KIM = '197010632391';
const HEDDA = '196408231238'; // case officer
const NEWCOMER = '194509259287';

for (const kind of DATABASE_KINDS) {
  describe(`stored unread counts (${kind.name})`, () => {
    let t: TestDatabase;
    let app: TestApp;

    beforeAll(async () => {
      t = await kind.open();
      app = await startTestApp({ db: t.db, database: t.database });
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    const cases = () => app.services.cases;

    /** A submitted case of ORG, written straight in (the submission is tested elsewhere). */
    async function submittedCase(): Promise<CaseRow> {
      const id = randomUUID();
      const at = app.clock.now().toISOString();
      await t.db
        .insertInto('case_file')
        .values({
          id,
          orgnr: ORG,
          type_id: 'other_case',
          kind: 'case',
          status: 'in_progress',
          title: 'Övrigt ärende',
          data: JSON.stringify({ subject: 'Fråga' }),
          revision: 2,
          case_number: `UD-${id.slice(0, 8)}`,
          created_by: KIM,
          created_at: at,
          updated_by: KIM,
          updated_at: at,
          submitted_by: KIM,
          submitted_at: at,
          evidence_id: null,
          digest: null,
          officer: HEDDA,
          closed_at: null,
        })
        .execute();
      return (await cases().find(id))!;
    }

    const stored = async (reader: string) => (await cases().startSummary(ORG, reader, 'sv')).unread;
    const scanned = async (reader: string) => [...(await cases().unreadByCase(ORG, reader)).values()].reduce((a, b) => a + b, 0);
    /** Reads a case as `reader` does on its page: the conversation, then the markers of what was unread. */
    async function read(row: CaseRow, reader: string): Promise<void> {
      const shown = await cases().conversation(row.id, reader, []);
      await cases().markRead(row, reader, shown.filter((m) => !m.read));
    }
    async function expectExact(expected: Record<string, number>): Promise<void> {
      for (const [reader, n] of Object.entries(expected)) {
        expect(await scanned(reader), `${reader} counted over the cases`).toBe(n);
        expect(await stored(reader), `${reader} as stored`).toBe(n);
      }
    }
    const post = (row: CaseRow, side: 'agency' | 'organisation', author: string, body = 'Hej') =>
      cases().postMessage({ row, side, author, body });

    it('counts a message from an officer for every member, and reading for the reader only', async () => {
      await expectExact({ [KIM]: 0, [TOLVAN]: 0, [HEDDA]: 0 });
      const a = await submittedCase();
      const b = await submittedCase();
      await post(a, 'agency', HEDDA, 'Vi behöver ett intyg.');
      await expectExact({ [KIM]: 1, [TOLVAN]: 1, [HEDDA]: 0 });
      await post(b, 'agency', HEDDA);
      await post(a, 'agency', HEDDA);
      await expectExact({ [KIM]: 3, [TOLVAN]: 3, [HEDDA]: 0 });
      // The company's own messages are nobody's unread here (this count is of the agency's).
      await post(a, 'organisation', KIM, 'Här är intyget.');
      await expectExact({ [KIM]: 3, [TOLVAN]: 3, [HEDDA]: 0 });

      // Kim opens case a on its page: Kim's two of it are read, Tolvan's stay.
      const page = await app.app.inject({ method: 'GET', url: `/cases/${a.id}`, headers: { cookie: (await app.loginAs(KIM)).cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Vi behöver ett intyg.');
      await expectExact({ [KIM]: 1, [TOLVAN]: 3, [HEDDA]: 0 });
      // Read again: nothing more is written, nothing changes.
      await read(a, KIM);
      await expectExact({ [KIM]: 1, [TOLVAN]: 3 });
      await read(b, TOLVAN);
      await expectExact({ [KIM]: 1, [TOLVAN]: 2 });
      // The start page says it (Kim acts for Skärgården, the only organisation Kim is in).
      const start = await app.app.inject({ method: 'GET', url: '/start', headers: { cookie: (await app.loginAs(KIM)).cookie } });
      expect(start.body).toContain('Du har 1 oläst meddelande från våra handläggare.');
    });

    it('gives a person who joins later every message of the organisation unread', async () => {
      const before = await scanned(TOLVAN);
      const everything = await scanned(NEWCOMER);
      expect(everything).toBeGreaterThanOrEqual(before);
      await app.services.accounts.upsertPerson({ personnummer: NEWCOMER, name: 'Nyanställd Person' });
      await app.services.accounts.addMembership(NEWCOMER, ORG, 'user');
      await expectExact({ [NEWCOMER]: everything });
      const c = await submittedCase();
      await post(c, 'agency', HEDDA);
      await expectExact({ [NEWCOMER]: everything + 1 });
      await read(c, NEWCOMER);
      await expectExact({ [NEWCOMER]: everything });
    });

    it('takes a case removed by the retention purge out of the counts, with its markers', async () => {
      const c = await submittedCase();
      await post(c, 'agency', HEDDA);
      await post(c, 'agency', HEDDA);
      await post(c, 'organisation', KIM);
      await read(c, KIM);
      const kim = await scanned(KIM);
      const tolvan = await scanned(TOLVAN);
      const hedda = await scanned(HEDDA);
      // Closed eleven years ago: the purge's rule for closed cases names it.
      const closedAt = new Date(app.clock.now().getTime() - 11 * 365 * 86_400_000).toISOString();
      await t.db.updateTable('case_file').set({ status: 'closed', closed_at: closedAt }).where('id', '=', c.id).execute();
      const removed = await t.db.transaction().execute((trx) =>
        cases().retention.removeCase(trx, c.id, { kind: 'closed', before: app.clock.now().toISOString() }),
      );
      expect(removed).toMatchObject({ cases: 1, messages: 3 });
      // Kim had read both: nothing changes for Kim; Tolvan had not: two fewer.
      await expectExact({ [KIM]: kim, [TOLVAN]: tolvan - 2, [HEDDA]: hedda });
      expect(await stored(NEWCOMER)).toBe(await scanned(NEWCOMER));
    });

    it('stays right with 20 posts and 20 readings at once', async () => {
      const rows = await Promise.all(Array.from({ length: 4 }, () => submittedCase()));
      const kim = await scanned(KIM);
      const tolvan = await scanned(TOLVAN);
      // 20 messages from officers at once, over four cases, with a company message among them.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => post(rows[i % 4]!, i % 5 === 4 ? 'organisation' : 'agency', i % 5 === 4 ? KIM : HEDDA, `Nr ${i}`)),
      );
      await expectExact({ [KIM]: kim + 16, [TOLVAN]: tolvan + 16, [HEDDA]: 0 });
      // 20 readings at once: the same person of the same case in several tabs, and others.
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i < 10 ? read(rows[0]!, TOLVAN) : read(rows[i % 4]!, i % 2 === 0 ? KIM : NEWCOMER))));
      await expectExact({ [KIM]: await scanned(KIM), [TOLVAN]: tolvan + 12, [NEWCOMER]: await scanned(NEWCOMER) });
      // And posting while others read.
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? post(rows[1]!, 'agency', HEDDA) : read(rows[1]!, i % 4 === 1 ? KIM : TOLVAN))));
      for (const reader of [KIM, TOLVAN, HEDDA, NEWCOMER]) expect(await stored(reader), reader).toBe(await scanned(reader));
    });
  });
}
