/**
 * What grows without bound: storage and rows under repeated create/delete, drafts and
 * bytes per organisation (anonymous sessions: src/bankid/bankid.test.ts). On SQLite and
 * PostgreSQL; each test opens with the attack and the invariant.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { multipart } from './fixture.js';

const TESTA = '198112289874'; // Nordvik, user
const KIM = '197010632391'; // Skärgården only
const SKARGARDEN = '5590123450';
const NORDVIK = '5566778899';
const MIB = 1024 * 1024;
const DRAFT_LIMIT = 5;

interface Who {
  cookie: string;
  csrf: string;
}

/** A PDF of about `size` bytes that passes the content check; `tag` makes it unique. */
function pdf(tag: string, size = 200): Buffer {
  const head = `%PDF-1.4\n% ${tag}\n`;
  const tail = '1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
  return Buffer.from(head + `%${'x'.repeat(Math.max(0, size - head.length - tail.length - 2))}\n` + tail);
}

for (const kind of DATABASE_KINDS) {
  describe(`resource bounds (${kind.name})`, () => {
    let t: TestDatabase;
    let app: TestApp;
    let testa: Who;
    let kim: Who;

    beforeAll(async () => {
      t = await kind.open();
      app = await startTestApp({
        db: t.db,
        database: t.database,
        env: {
          KW_MAX_DRAFTS_PER_ORGANISATION: String(DRAFT_LIMIT),
          KW_MAX_DRAFT_BYTES_PER_ORGANISATION: String(MIB),
          KW_MAX_ATTACHMENT_BYTES: String(MIB),
        },
      });
    });
    // Fresh sessions for every test: the housekeeping test moves the clock past the idle time.
    beforeEach(async () => {
      testa = await app.loginAs(TESTA);
      kim = await app.loginAs(KIM);
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    const post = (who: Who, url: string, fields: Record<string, string> = {}) =>
      app.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    const upload = (who: Who, id: string, bytes: Buffer, name = 'bilaga.pdf') => {
      const body = multipart({ _csrf: who.csrf }, { name, bytes });
      return app.app.inject({ method: 'POST', url: `/cases/${id}/attachments`, headers: { cookie: who.cookie, 'content-type': body.contentType }, payload: body.payload });
    };
    const count = async (query: ReturnType<typeof sql<{ n: number | string }>>) => Number((await query.execute(t.db)).rows[0]?.n ?? 0);
    const contents = () => count(sql`select count(*) as n from file_content`);
    const drafts = (orgnr: string) => count(sql`select count(*) as n from case_file where orgnr = ${orgnr} and status = 'draft'`);

    async function newDraft(who: Who = testa): Promise<string> {
      const res = await post(who, '/cases', { type: 'other_case' });
      expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
      return /^\/cases\/([0-9a-f-]{36})\//.exec(res.headers.location as string)![1]!;
    }
    const deleteDraft = async (who: Who, id: string) => expect((await post(who, `/cases/${id}/delete`)).statusCode).toBe(303);

    it('attack: create a draft, attach files, delete it, again and again → invariant: no file content is left behind', async () => {
      const before = await contents();
      for (let round = 0; round < 5; round++) {
        const id = await newDraft();
        for (let i = 0; i < 3; i++) expect((await upload(testa, id, pdf(`round ${round} file ${i}`))).statusCode).toBe(303);
        expect(await contents()).toBe(before + 3);
        await deleteDraft(testa, id);
        expect(await contents()).toBe(before);
      }
    });

    it('attack: attach and remove files one by one → invariant: each removed file takes its content with it; content two drafts share stays until the last one lets go', async () => {
      const before = await contents();
      const a = await newDraft();
      const b = await newDraft();
      const shared = pdf('shared');
      expect((await upload(testa, a, shared)).statusCode).toBe(303);
      expect((await upload(testa, b, shared)).statusCode).toBe(303);
      expect(await contents()).toBe(before + 1);
      const attachmentOf = async (id: string) => (await sql<{ id: string }>`select id from attachment where case_id = ${id}`.execute(t.db)).rows[0]!.id;
      expect((await post(testa, `/cases/${a}/attachments/${await attachmentOf(a)}/delete`)).statusCode).toBe(303);
      expect(await contents()).toBe(before + 1);
      expect(await app.services.cases.content((await sql<{ sha256: string }>`select sha256 from attachment where case_id = ${b}`.execute(t.db)).rows[0]!.sha256)).toBeDefined();
      expect((await post(testa, `/cases/${b}/attachments/${await attachmentOf(b)}/delete`)).statusCode).toBe(303);
      expect(await contents()).toBe(before);
      await deleteDraft(testa, a);
      await deleteDraft(testa, b);
    });

    it('attack: file contents left by an earlier version (no attachment refers to them) → invariant: housekeeping removes them after an hour, not before', async () => {
      const before = await contents();
      await t.db
        .insertInto('file_content')
        .values({ sha256: 'f'.repeat(64), size: 3, bytes: Buffer.from('old'), created_at: app.clock.now().toISOString() })
        .execute();
      expect((await app.services.housekeeping.runOnce())['unreferencedFileContents']).toBe(0);
      expect(await contents()).toBe(before + 1);
      app.clock.advance(3600_000 + 1000);
      expect((await app.services.housekeeping.runOnce())['unreferencedFileContents']).toBe(1);
      expect(await contents()).toBe(before);
    });

    it(`attack: an organisation's users make draft after draft → invariant: at most ${DRAFT_LIMIT} at a time, a clear message in the user's language, and room again after a delete`, async () => {
      const ids: string[] = [];
      while ((await drafts(NORDVIK)) < DRAFT_LIMIT) ids.push(await newDraft());
      const refused = await post(testa, '/cases', { type: 'other_case' });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('Organisationen har nått gränsen för utkast');
      const english = await app.app.inject({
        method: 'POST',
        url: '/cases',
        headers: { cookie: `${testa.cookie}; kw_lang=en`, 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
        payload: new URLSearchParams({ _csrf: testa.csrf, type: 'other_case' }).toString(),
      });
      expect(english.statusCode).toBe(409);
      expect(await drafts(NORDVIK)).toBe(DRAFT_LIMIT);
      // Another organisation is not affected.
      await deleteDraft(kim, await newDraft(kim));
      await deleteDraft(testa, ids.pop() ?? (await newDraft()));
      ids.push(await newDraft());
      for (const id of ids) await deleteDraft(testa, id);
      expect(await drafts(NORDVIK)).toBe(0);
    });

    it(`attack: 20 parallel new drafts at the limit's edge → invariant: exactly ${DRAFT_LIMIT} drafts exist afterwards`, async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(kim, '/cases', { type: 'other_case' })));
      expect(answers.filter((a) => a.statusCode === 303)).toHaveLength(DRAFT_LIMIT);
      expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(20 - DRAFT_LIMIT);
      expect(await drafts(SKARGARDEN)).toBe(DRAFT_LIMIT);
      const ids = (await sql<{ id: string }>`select id from case_file where orgnr = ${SKARGARDEN} and status = 'draft'`.execute(t.db)).rows;
      for (const { id } of ids) await deleteDraft(kim, id);
    });

    it('attack: fill the drafts with large files (also 20 at once) → invariant: the bytes in one organisation’s drafts stay within its limit; the refusal says why', async () => {
      const a = await newDraft();
      const b = await newDraft();
      expect((await upload(testa, a, pdf('big 1', 400 * 1024))).statusCode).toBe(303);
      expect((await upload(testa, b, pdf('big 2', 400 * 1024))).statusCode).toBe(303);
      const refused = await upload(testa, a, pdf('big 3', 400 * 1024));
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('gränsen för utkast eller för lagrade bilagor');
      await deleteDraft(testa, b);
      const crowd = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(testa, a, pdf(`crowd ${i}`, 100 * 1024))));
      const held = await count(sql`select coalesce(sum(a.size), 0) as n from attachment a join case_file c on c.id = a.case_id where c.orgnr = ${NORDVIK} and c.status = 'draft'`);
      expect(held).toBeLessThanOrEqual(MIB);
      expect(crowd.filter((r) => r.statusCode === 303).length).toBe(Math.floor((MIB - 400 * 1024) / (100 * 1024)));
      await deleteDraft(testa, a);
    });
  });
}
