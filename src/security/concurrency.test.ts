/**
 * Crowds × every check-then-write: 20 requests at once against each limit, uniqueness rule,
 * approval and submission, on SQLite and on PostgreSQL (READ COMMITTED, a pool of
 * connections), with the stored data checked afterwards. Each test opens with the attack and
 * the invariant.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { createMembershipRequests } from '../admin/requests.js';
import { multipart } from './fixture.js';

const TESTA = '198112289874'; // Nordvik, user
const TOLVAN = '191212121212'; // Nordvik user, Skärgården org_admin
const HEDDA = '196408231238'; // staff: case officer + admin
const NORDVIK = '5566778899';
const SKARGARDEN = '5590123450';
const PDF = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
const CROWD = 20;

interface Who {
  cookie: string;
  csrf: string;
}

for (const kind of DATABASE_KINDS) {
  describe(`${CROWD} requests at once (${kind.name})`, () => {
    let t: TestDatabase;
    let app: TestApp;
    let testa: Who;

    beforeAll(async () => {
      t = await kind.open();
      app = await startTestApp({ db: t.db, database: t.database });
      testa = await app.loginAs(TESTA);
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

    async function newDraft(): Promise<string> {
      const res = await post(testa, '/cases', { type: 'other_case' });
      expect(res.statusCode).toBe(303);
      return /^\/cases\/([0-9a-f-]{36})\//.exec(res.headers.location as string)![1]!;
    }

    it(`attack: ${CROWD} parallel uploads of different files to a draft that has 10 → invariant: the draft ends with exactly the limit (20), every other upload is refused`, async () => {
      expect(app.config.cases.maxAttachments).toBe(20);
      const id = await newDraft();
      for (let i = 0; i < 10; i++) expect((await upload(testa, id, Buffer.from(`${PDF}% before ${i}\n`))).statusCode).toBe(303);
      const answers = await Promise.all(Array.from({ length: CROWD }, (_, i) => upload(testa, id, Buffer.from(`${PDF}% crowd ${i}\n`))));
      const stored = await count(sql`select count(*) as n from attachment where case_id = ${id}`);
      expect(stored).toBe(20);
      expect(answers.filter((a) => a.statusCode === 303)).toHaveLength(10);
      // The revision grew once per stored file, no more, no less.
      expect((await app.services.cases.find(id))!.revision).toBe(1 + 20);
    });

    it(`attack: ${CROWD} parallel uploads of one and the same file → invariant: it is attached once`, async () => {
      const id = await newDraft();
      const bytes = Buffer.from(`${PDF}% same\n`);
      const answers = await Promise.all(Array.from({ length: CROWD }, (_, i) => upload(testa, id, bytes, `kopia-${i}.pdf`)));
      expect(answers.filter((a) => a.statusCode === 303)).toHaveLength(1);
      expect(await count(sql`select count(*) as n from attachment where case_id = ${id}`)).toBe(1);
    });

    it(`attack: ${CROWD} parallel requests to add the same person to an organisation → invariant: one pending request, the rest told it is already pending`, async () => {
      const results = await Promise.allSettled(
        Array.from({ length: CROWD }, () =>
          app.services.register.requestMembership({
            orgnr: SKARGARDEN,
            action: 'add',
            personnummer: '200001012384',
            name: 'Ny Person',
            email: 'ny@example.se',
            phone: null,
            role: 'user',
            requestedBy: TOLVAN,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('duplicate');
      expect(await count(sql`select count(*) as n from membership_request where orgnr = ${SKARGARDEN} and personnummer = ${'200001012384'} and status = 'pending'`)).toBe(1);
    });

    it(`attack: ${CROWD} admins approve the same request at once → invariant: applied once, one audit event, the rest told it is handled`, async () => {
      await app.services.register.requestMembership({
        orgnr: NORDVIK,
        action: 'add',
        personnummer: '200001022383',
        name: 'Andra Person',
        email: null,
        phone: null,
        role: 'user',
        requestedBy: TOLVAN,
      });
      const id = (await sql<{ id: string }>`select id from membership_request where personnummer = ${'200001022383'} and status = 'pending'`.execute(t.db)).rows[0]!.id;
      const requests = createMembershipRequests({ db: t.db, clock: app.clock, audit: app.services.audit });
      const results = await Promise.all(
        Array.from({ length: CROWD }, () => requests.approve(id, { personnummer: HEDDA, ip: '127.0.0.1' })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'already_handled')).toHaveLength(CROWD - 1);
      expect(await count(sql`select count(*) as n from membership where personnummer = ${'200001022383'} and orgnr = ${NORDVIK}`)).toBe(1);
      expect(await count(sql`select count(*) as n from audit_event where event = 'membership_request_approved' and subject = ${id}`)).toBe(1);
    });

    it(`attack: ${CROWD} drafts submitted and signed at the same moment → invariant: every one is submitted with its own case number`, async () => {
      const ids = await Promise.all(Array.from({ length: CROWD }, () => newDraft()));
      for (const id of ids) {
        const row = (await app.services.cases.find(id))!;
        const res = await post(testa, `/cases/${id}/steps/case`, { revision: String(row.revision), _action: 'next', subject: `Fråga ${id}`, body: 'Hej!' });
        expect(res.statusCode).toBe(303);
      }
      const signIds = await Promise.all(
        ids.map(async (id) => {
          const review = await app.app.inject({ url: `/cases/${id}/review`, headers: { cookie: testa.cookie } });
          const digest = /name="digest" value="([0-9a-f]{64})"/.exec(review.body)![1]!;
          const res = await post(testa, `/cases/${id}/submit`, { digest });
          return /^\/sign\/([A-Za-z0-9_-]{32})$/.exec(res.headers.location as string)![1]!;
        }),
      );
      const results = await Promise.all(
        signIds.map(async (signId) =>
          app.services.signing.complete((await app.services.signing.find(signId))!, {
            method: 'telia_card',
            signerPersonnummer: TESTA,
            signerName: 'Testa Testsson',
            signedAt: app.clock.now(),
            evidence: { format: 'test' },
          }),
        ),
      );
      expect(results).toHaveLength(CROWD);
      const rows = await Promise.all(ids.map(async (id) => (await app.services.cases.find(id))!));
      expect(rows.every((r) => r.status === 'submitted')).toBe(true);
      expect(new Set(rows.map((r) => r.case_number)).size).toBe(CROWD);
    });
  });
}
