import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import type { MembershipRequestTable } from '../platform/db/schema.js';
import { createMembershipRequests, type MembershipRequests } from './requests.js';

const HEDDA = '196408231238';
const TOLVAN = '191212121212'; // org_admin of 5590123450
const TESTA = '198112289874';
const NEW_PERSON = '194910259284';
const ORG = '5590123450';

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

for (const kind of DATABASE_KINDS) {
  describe(`membership requests (${kind.name})`, () => {
    let t: TestApp;
    let closeDb: () => Promise<void>;
    let requests: MembershipRequests;
    let admin: { cookie: string; csrf: string };
    const actor = { personnummer: HEDDA, ip: '127.0.0.1' };
    let seq = 0;

    beforeAll(async () => {
      const opened = await kind.open();
      closeDb = () => opened.close();
      t = await startTestApp({ db: opened.db, database: opened.database });
      requests = createMembershipRequests(t.services);
      admin = await t.loginAs(HEDDA);
    });
    afterAll(async () => {
      await t.close();
      await closeDb().catch(() => undefined);
    });

    /** A request as the organisation admin's page would store it. */
    async function insertRequest(fields: Partial<MembershipRequestTable> = {}): Promise<string> {
      const id = `req-${kind.name}-${++seq}`;
      await t.services.db
        .insertInto('membership_request')
        .values({
          id,
          orgnr: ORG,
          action: 'add',
          personnummer: NEW_PERSON,
          name: 'Nina Nyberg',
          email: 'nina@example.se',
          phone: null,
          role: 'user',
          status: 'pending',
          requested_by: TOLVAN,
          requested_at: `2026-11-2${seq % 8}T10:00:00.000Z`,
          handled_by: null,
          handled_at: null,
          note: null,
          ...fields,
          ...(fields.id ? {} : { id }),
        })
        .execute();
      return fields.id ?? id;
    }
    const row = (id: string) =>
      t.services.db
        .selectFrom('membership_request')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const memberships = (pnr: string) => t.services.accounts.allMemberships(pnr);

    it('approving an "add" creates the person and the membership, marks it handled, and audits it', async () => {
      const id = await insertRequest({ role: 'org_admin' });
      expect((await requests.pending()).map((r) => r.id)).toContain(id);
      const result = await requests.approve(id, actor);
      expect(result).toMatchObject({
        ok: true,
        request: { id, status: 'approved', handledBy: HEDDA, orgName: 'Skärgårdens Sensorer AB' },
      });
      expect(await t.services.accounts.findPerson(NEW_PERSON)).toMatchObject({
        name: 'Nina Nyberg',
        email: 'nina@example.se',
        active: true,
      });
      expect((await memberships(NEW_PERSON)).map((m) => [m.orgnr, m.role])).toEqual([[ORG, 'org_admin']]);
      expect(await row(id)).toMatchObject({
        status: 'approved',
        handled_by: HEDDA,
        handled_at: t.clock.now().toISOString(),
      });
      const audit = await t.services.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'membership_request_approved')
        .where('subject', '=', id)
        .executeTakeFirstOrThrow();
      expect(audit.actor).toBe(HEDDA);
      expect(JSON.parse(audit.details ?? '{}')).toMatchObject({
        orgnr: ORG,
        action: 'add',
        personnummer: NEW_PERSON,
        role: 'org_admin',
      });
      expect((await requests.pending()).map((r) => r.id)).not.toContain(id);
      expect((await requests.recent()).map((r) => r.id)).toContain(id);
    });

    it('approving an "add" for a known person keeps their e-mail and phone when the request has none', async () => {
      const before = await t.services.accounts.findPerson(TESTA);
      const id = await insertRequest({
        personnummer: TESTA,
        name: 'Testa Testsson',
        email: null,
        phone: null,
      });
      expect((await requests.approve(id, actor)).ok).toBe(true);
      expect(await t.services.accounts.findPerson(TESTA)).toEqual(before);
      expect((await memberships(TESTA)).map((m) => m.orgnr).sort()).toEqual(['5566778899', ORG]);
    });

    it('approving a "remove" deletes the membership', async () => {
      const id = await insertRequest({ action: 'remove', personnummer: TESTA, name: 'Testa Testsson' });
      expect((await requests.approve(id, actor, 'Har slutat')).ok).toBe(true);
      expect((await memberships(TESTA)).map((m) => m.orgnr)).toEqual(['5566778899']);
      expect((await row(id)).note).toBe('Har slutat');
    });

    it('rejecting needs a note, changes no membership, and is audited', async () => {
      const id = await insertRequest({ personnummer: TESTA, name: 'Testa Testsson' });
      expect(await requests.reject(id, actor, '  ')).toEqual({
        ok: false,
        reason: 'note',
        error: { key: 'admin.requests.error.noteRequired' },
      });
      expect(await requests.reject(id, actor, 'rad ett\nrad två')).toEqual({
        ok: false,
        reason: 'note',
        error: { key: 'admin.error.controlChars' },
      });
      expect((await row(id)).status).toBe('pending');
      const result = await requests.reject(id, actor, 'Personen är inte anställd hos er.');
      expect(result).toMatchObject({
        ok: true,
        request: { status: 'rejected', note: 'Personen är inte anställd hos er.' },
      });
      expect((await memberships(TESTA)).map((m) => m.orgnr)).toEqual(['5566778899']);
      const audits = await t.services.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'membership_request_rejected')
        .where('subject', '=', id)
        .execute();
      expect(audits).toHaveLength(1);
    });

    it('a request handled twice is refused and applied once, whichever way', async () => {
      const approved = await insertRequest({ action: 'remove', personnummer: NEW_PERSON });
      expect((await requests.approve(approved, actor)).ok).toBe(true);
      await t.services.accounts.addMembership(NEW_PERSON, ORG, 'user'); // re-added since
      expect(await requests.approve(approved, actor)).toEqual({ ok: false, reason: 'already_handled' });
      expect(await requests.reject(approved, actor, 'för sent')).toEqual({
        ok: false,
        reason: 'already_handled',
      });
      expect((await memberships(NEW_PERSON)).map((m) => m.orgnr)).toEqual([ORG]);
      expect((await row(approved)).status).toBe('approved');

      const withdrawn = await insertRequest({ status: 'withdrawn' });
      expect(await requests.approve(withdrawn, actor)).toEqual({ ok: false, reason: 'already_handled' });
      expect(await requests.approve('no-such-request', actor)).toEqual({ ok: false, reason: 'not_found' });
    });

    it('two admins approving at the same moment: one wins, the other is refused', async () => {
      const id = await insertRequest({ personnummer: TESTA, name: 'Testa Testsson', role: 'org_admin' });
      const results = await Promise.all([
        requests.approve(id, actor),
        requests.approve(id, { personnummer: TOLVAN, ip: null }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'already_handled' }]);
      const audits = await t.services.db
        .selectFrom('audit_event')
        .selectAll()
        .where('subject', '=', id)
        .execute();
      expect(audits).toHaveLength(1);
    });

    it("attack: an organisation admin asks to add the agency's case officer with a new name and their own e-mail → invariant: approval adds the membership and changes neither; the page showed the current values and the staff roles", async () => {
      const before = (await t.services.accounts.findPerson(HEDDA))!;
      const id = await insertRequest({ personnummer: HEDDA, name: 'Hedda Kapad', email: 'hedda@angripare.example', phone: '070-000 00 00' });
      const page = await t.app.inject({ url: '/admin/requests', headers: { cookie: admin.cookie } });
      const card = text(page.body.slice(page.body.indexOf(`data-request="${id}"`)));
      expect(card).toContain('Personen finns redan i Kundwebben');
      expect(card).toContain(`Namn i Kundwebben ${before.name}`);
      expect(card).toContain(`E-post i Kundwebben ${before.email ?? 'Uppgift saknas'}`);
      expect(card).toMatch(/Roller på myndigheten (Administratör på myndigheten, Handläggare|Handläggare, Administratör på myndigheten)/);
      expect(card).toContain('Namn enligt organisationen Hedda Kapad');
      expect(page.body).toContain(`href="/admin/people/${HEDDA}"`);
      expect((await requests.approve(id, actor)).ok).toBe(true);
      const after = (await t.services.accounts.findPerson(HEDDA))!;
      expect(after.name).toBe(before.name);
      expect(after.email).toBe(before.email);
      expect(after.phone).toBe(before.phone ?? '070-000 00 00');
      expect((await memberships(HEDDA)).map((m) => m.orgnr)).toContain(ORG);
      await t.services.accounts.removeMembership(HEDDA, ORG);
    });

    it('over HTTP: lists pending requests, approves, refuses a second approval with 409, rejects with a note', async () => {
      const id = await insertRequest({ personnummer: TESTA, name: 'Testa Testsson', action: 'remove' });
      // One pending request per person and organisation (a constraint): the other is for someone else.
      const other = await insertRequest({ personnummer: '195505051234', name: 'Olle Olsson', role: 'org_admin' });
      let res = await t.app.inject({ url: '/admin/requests', headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      expect(text(res.body)).toContain('Ta bort Testa Testsson från Skärgårdens Sensorer AB (559012-3450)');
      expect(text(res.body)).toContain('Tolvan Tolvansson (19121212-1212)');
      const post = (url: string, fields: Record<string, string> = {}) =>
        t.app.inject({
          method: 'POST',
          url,
          headers: { cookie: admin.cookie },
          payload: { _csrf: admin.csrf, ...fields },
        });

      res = await post(`/admin/requests/${id}/approve`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/requests?done=approved');
      res = await post(`/admin/requests/${id}/approve`);
      expect(res.statusCode).toBe(409);
      expect(text(res.body)).toContain(
        'Begäran har redan hanterats, kanske av någon annan. Inget har ändrats.',
      );

      res = await post(`/admin/requests/${other}/reject`, { note: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`id="note-${other}-error"`);
      expect(text(res.body)).toContain('Skriv varför begäran avslås.');
      expect((await row(other)).status).toBe('pending');
      res = await post(`/admin/requests/${other}/reject`, { note: 'Fel person.' });
      expect(res.statusCode).toBe(303);
      res = await t.app.inject({ url: '/admin/requests?done=rejected', headers: { cookie: admin.cookie } });
      expect(text(res.body)).toContain('Begäran är avslagen.');
      expect(text(res.body)).toContain('Fel person.');
      expect((await post('/admin/requests/nope/approve')).statusCode).toBe(404);
      expect((await post(`/admin/requests/${other}/delete`)).statusCode).toBe(404);
    });
  });
}
