/**
 * The page of a submitted case, and its confirmation, in few round trips (issue 14), on
 * SQLite and PostgreSQL, with the access rule exactly as strict as `caseFor`'s.
 *
 * What is counted: every SQL statement the app sends through Kysely while one request is
 * answered (a plugin on the test database sees each). Two kinds are not the page's own and
 * are counted apart: the session store's (`kv_store`), and the statements any logged-in
 * request sends before its route runs (the principal's refresh in web/context.ts: the
 * person, staff roles and memberships), found by asking a page that reads nothing itself
 * (`/tillganglighet`) with the same cookie.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import type { Db } from '../platform/db/index.js';

const TESTA = '198112289874'; // Nordvik, user
const KIM = '197010632391'; // Skärgården only
const HEDDA = '196408231238'; // staff: case officer + admin
const NORDVIK = '5566778899';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** Records the SQL text of every statement sent through the Kysely it is added to. */
class StatementLog implements KyselyPlugin {
  statements: string[] = [];
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.statements.push(this.#db.getExecutor().compileQuery(args.node, args.queryId).sql);
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

interface Who {
  cookie: string;
  csrf: string;
}

for (const kind of DATABASE_KINDS) {
  describe(`case page round trips (${kind.name})`, () => {
    let t: TestDatabase;
    let app: TestApp;
    let log: StatementLog;
    let testa: Who;
    let kim: Who;
    let hedda: Who;
    let caseId: string;

    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const get = (who: Who | undefined, url: string) => app.app.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} });
    const post = (who: Who, url: string, fields: Record<string, string> = {}) =>
      app.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: who.csrf, ...fields }) });
    function upload(who: Who, url: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer }) {
      const boundary = '----kwcasepage';
      const parts: Buffer[] = Object.entries({ _csrf: who.csrf, ...fields }).map(([k, v]) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      if (file) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/pdf\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return app.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(parts) });
    }

    /** The statements of one request: the page's own, and the session's and principal's. */
    async function statementsOf(who: Who, url: string) {
      log.statements = [];
      expect((await get(who, '/tillganglighet')).statusCode).toBe(200);
      const before = new Set(log.statements);
      log.statements = [];
      const res = await get(who, url);
      const all = log.statements;
      const store = all.filter((s) => /kv_store/.test(s));
      const principal = all.filter((s) => !store.includes(s) && before.has(s));
      const own = all.filter((s) => !store.includes(s) && !before.has(s));
      return { res, own, principal, store };
    }

    beforeAll(async () => {
      t = await kind.open();
      log = new StatementLog(t.db);
      app = await startTestApp({ db: t.db.withPlugin(log), database: t.database });
      testa = await app.loginAs(TESTA);
      kim = await app.loginAs(KIM);
      hedda = await app.loginAs(HEDDA);

      // A submitted case with an attachment of its own, signed; a message from the officer with a file.
      const created = await post(testa, '/cases', { type: 'other_case' });
      caseId = /^\/cases\/([0-9a-f-]{36})\//.exec(created.headers.location as string)![1]!;
      const revision = String((await app.services.cases.find(caseId))!.revision);
      expect((await post(testa, `/cases/${caseId}/steps/case`, { revision, _action: 'next', subject: 'Fråga om tillstånd', body: 'Hej!' })).statusCode).toBe(303);
      expect((await upload(testa, `/cases/${caseId}/attachments`, {}, { name: 'underlag.pdf', bytes: PDF })).statusCode).toBe(303);
      const review = await get(testa, `/cases/${caseId}/review`);
      const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)![1]!;
      const submitted = await post(testa, `/cases/${caseId}/submit`, { digest });
      const signId = /^\/sign\/([A-Za-z0-9_-]{32})$/.exec(submitted.headers.location as string)![1]!;
      const request = (await app.services.signing.find(signId))!;
      await app.services.signing.complete(request, { method: 'telia_card', signerPersonnummer: TESTA, signerName: 'Testa Testsson', signedAt: app.clock.now(), evidence: { format: 'test' } });
      expect((await post(hedda, `/cases/${caseId}/status`, { status: 'in_progress' })).statusCode).toBe(303);
      expect((await upload(hedda, `/cases/${caseId}/messages`, { body: 'Vi behöver slutanvändarintyget.' }, { name: 'blankett.pdf', bytes: Buffer.concat([PDF, Buffer.from('blankett')]) })).statusCode).toBe(303);
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    it('shows the case with an unread message in at most 3 round trips of its own on PostgreSQL, and 2 once read', async () => {
      const first = await statementsOf(testa, `/cases/${caseId}`);
      expect(first.res.statusCode).toBe(200);
      const body = first.res.body;
      for (const text of ['Fråga om tillstånd', 'Nordvik', 'Testa Testsson', 'underlag.pdf', 'Vi behöver slutanvändarintyget.', 'blankett.pdf', 'data-unread="true"']) {
        expect(body, text).toContain(text);
      }
      // The case with all it shows; the conversation; the markers of what was unread. On
      // SQLite the markers and their count are two statements of one transaction in the
      // process (no round trip); on PostgreSQL one statement.
      const writes = first.own.filter((s) => /^\s*(insert|update|delete|with)/i.test(s));
      expect(writes.length).toBe(kind.name === 'postgres' ? 1 : 2);
      expect(first.own.length - writes.length).toBe(2);
      if (kind.name === 'postgres') expect(first.own.length).toBeLessThanOrEqual(3);

      // Warm: nothing unread, nothing written: two statements of its own.
      const warm = await statementsOf(testa, `/cases/${caseId}`);
      expect(warm.res.statusCode).toBe(200);
      expect(warm.res.body).not.toContain('data-unread="true"');
      expect(warm.own, warm.own.join('\n')).toHaveLength(2);
      // The rest is what every logged-in page sends before its route (the principal's
      // person, staff roles and memberships), and the session store's.
      expect(warm.principal.length).toBeLessThanOrEqual(3);

      // The confirmation after submission: one statement of its own.
      const confirmation = await statementsOf(testa, `/cases/${caseId}/submitted`);
      expect(confirmation.res.statusCode).toBe(200);
      expect(confirmation.res.body).toContain('Testa Testsson');
      expect(confirmation.res.body).toContain('Nordvik');
      expect(confirmation.own, confirmation.own.join('\n')).toHaveLength(1);
    });

    it('keeps the access rule: members and staff see it, nobody else; unknown cases are 404', async () => {
      expect((await get(hedda, `/cases/${caseId}`)).statusCode).toBe(200);
      expect((await get(hedda, `/cases/${caseId}/submitted`)).statusCode).toBe(200);
      expect((await get(kim, `/cases/${caseId}`)).statusCode).toBe(403);
      expect((await get(kim, `/cases/${caseId}/submitted`)).statusCode).toBe(403);
      expect((await get(undefined, `/cases/${caseId}`)).statusCode).toBe(401);
      expect((await get(testa, '/cases/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
      expect((await get(testa, '/cases/not-a-case')).statusCode).toBe(404);
      // A member of an organisation that is no longer active is no member (as `memberships` says).
      await app.services.accounts.setOrganisationActive(NORDVIK, false);
      try {
        expect((await get(testa, `/cases/${caseId}`)).statusCode).toBe(403);
        expect((await get(testa, `/cases/${caseId}/submitted`)).statusCode).toBe(403);
      } finally {
        await app.services.accounts.setOrganisationActive(NORDVIK, true);
      }
      expect((await get(testa, `/cases/${caseId}`)).statusCode).toBe(200);
    });
  });
}
