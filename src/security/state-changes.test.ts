/**
 * State changes × live sessions: what the agency changes about a person (deactivation, staff
 * roles, memberships, the organisation itself) takes effect on that person's very next
 * request, on every class of route, not when the session would have lapsed. Each test opens
 * with the attack and the invariant.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

const TOLVAN = '191212121212'; // user at Nordvik, org admin at Skärgårdens Sensorer
const TESTA = '198112289874'; // one organisation
const HEDDA = '196408231238'; // case officer and admin
const NORDVIK = '5566778899';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function asAdmin() {
  return t.loginAs(HEDDA);
}

async function post(who: { cookie: string; csrf: string }, url: string, form: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.config.http.publicUrl).origin },
    payload: new URLSearchParams({ _csrf: who.csrf, ...form }).toString(),
  });
}

const get = (who: { cookie: string }, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });

async function caseCount(orgnr: string): Promise<number> {
  const row = await sql<{ n: number | string }>`select count(*) as n from case_file where orgnr = ${orgnr}`.execute(t.services.db);
  return Number(row.rows[0]?.n ?? 0);
}

describe('an admin deactivates a person who is logged in', () => {
  it('attack: the deactivated company user goes on creating and reading cases with the session they have → invariant: the next request has no session, nothing is created', async () => {
    const testa = await t.loginAs(TESTA);
    expect((await get(testa, '/cases')).statusCode).toBe(200);
    const admin = await asAdmin();
    expect((await post(admin, `/admin/people/${TESTA}/active`, { active: '0' })).statusCode).toBe(303);
    try {
      const before = await caseCount(NORDVIK);
      const page = await get(testa, '/cases');
      expect(page.statusCode).not.toBe(200);
      expect(page.headers['set-cookie']).toMatch(/kw_session=;/);
      const created = await post(testa, '/cases', { type: 'export_licence' });
      expect(created.statusCode).toBeGreaterThanOrEqual(400);
      expect(await caseCount(NORDVIK)).toBe(before);
      // The session is gone for good, not only hidden for one request.
      expect((await get(testa, '/start')).statusCode).not.toBe(200);
    } finally {
      await post(await asAdmin(), `/admin/people/${TESTA}/active`, { active: '1' });
    }
  });

  it('attack: a deactivated admin keeps /admin and reactivates themselves → invariant: refused on the next request, still deactivated', async () => {
    const hedda = await asAdmin();
    expect((await get(hedda, '/admin')).statusCode).toBe(200);
    await t.services.accounts.setPersonActive(HEDDA, false);
    try {
      expect((await get(hedda, '/admin')).statusCode).not.toBe(200);
      const again = await post(hedda, `/admin/people/${HEDDA}/active`, { active: '1' });
      expect(again.statusCode).toBeGreaterThanOrEqual(400);
      expect((await t.services.accounts.findPerson(HEDDA))?.active).toBe(false);
    } finally {
      await t.services.accounts.setPersonActive(HEDDA, true);
    }
  });
});

describe('an admin changes roles and memberships of a person who is logged in', () => {
  it('attack: staff whose admin role was taken away go on using /admin → invariant: 403 on the next request; the case officer role they keep still works', async () => {
    const hedda = await asAdmin();
    expect((await get(hedda, '/admin')).statusCode).toBe(200);
    await t.services.db.deleteFrom('staff_role').where('personnummer', '=', HEDDA).where('role', '=', 'admin').execute();
    try {
      expect((await get(hedda, '/admin')).statusCode).toBe(403);
      expect((await get(hedda, '/start')).statusCode).toBe(200);
    } finally {
      await t.services.accounts.addStaffRole(HEDDA, 'admin');
    }
  });

  it('attack: a person removed from the organisation they act for goes on acting for it → invariant: the session no longer names it, nothing is created in its name', async () => {
    const testa = await t.loginAs(TESTA);
    const admin = await asAdmin();
    expect((await post(admin, `/admin/people/${TESTA}/memberships/${NORDVIK}/remove`)).statusCode).toBe(303);
    try {
      const before = await caseCount(NORDVIK);
      expect((await get(testa, '/start')).statusCode).toBe(200);
      const stored = await t.services.sessions.load(testa.cookie.split('=')[1], false);
      expect(stored.kind === 'live' && stored.session.data.principal?.orgnr).toBe(null);
      const created = await post(testa, '/cases', { type: 'export_licence' });
      expect(created.statusCode).toBe(403);
      expect(await caseCount(NORDVIK)).toBe(before);
    } finally {
      await t.services.accounts.addMembership(TESTA, NORDVIK, 'user');
    }
  });

  it('attack: a person of a deactivated organisation goes on acting for it → invariant: the session no longer names it', async () => {
    const tolvan = await t.loginAs(TOLVAN);
    await post(tolvan, '/start/organisation', { orgnr: NORDVIK });
    await t.services.accounts.setOrganisationActive(NORDVIK, false);
    try {
      expect((await get(tolvan, '/start')).statusCode).toBe(200);
      const stored = await t.services.sessions.load(tolvan.cookie.split('=')[1], false);
      expect(stored.kind === 'live' && stored.session.data.principal?.orgnr).not.toBe(NORDVIK);
    } finally {
      await t.services.accounts.setOrganisationActive(NORDVIK, true);
    }
  });
});

/**
 * The battery as a matrix: every admin change of a person, membership, organisation or role,
 * made over the admin's own HTTP routes, × every class of route the affected person uses
 * (read a list, read one case, write, organisation admin), each on the next request.
 */
describe('admin changes × live sessions × route classes', () => {
  const SKARGARDEN = '5590123450';
  type Who = { cookie: string; csrf: string };
  type RouteClass = 'list' | 'case' | 'write' | 'orgAdmin';
  interface Change {
    name: string;
    person: string;
    orgnr: string;
    apply: (admin: Who) => Promise<unknown>;
    undo: (admin: Who) => Promise<unknown>;
    /** Route classes that still work after the change (the rest must be refused). */
    stillWorks: readonly RouteClass[];
  }
  const changes: Change[] = [
    {
      name: 'the person is deactivated',
      person: TOLVAN,
      orgnr: SKARGARDEN,
      apply: (a) => post(a, `/admin/people/${TOLVAN}/active`, { active: '0' }),
      undo: (a) => post(a, `/admin/people/${TOLVAN}/active`, { active: '1' }),
      stillWorks: [],
    },
    {
      name: 'the membership is removed',
      person: TOLVAN,
      orgnr: SKARGARDEN,
      apply: (a) => post(a, `/admin/people/${TOLVAN}/memberships/${SKARGARDEN}/remove`),
      undo: (a) => post(a, `/admin/people/${TOLVAN}/memberships`, { orgnr: SKARGARDEN, role: 'org_admin' }),
      stillWorks: [],
    },
    {
      name: 'the organisation is deactivated',
      person: TOLVAN,
      orgnr: SKARGARDEN,
      apply: (a) => post(a, `/admin/organisations/${SKARGARDEN}/active`, { active: '0' }),
      undo: (a) => post(a, `/admin/organisations/${SKARGARDEN}/active`, { active: '1' }),
      stillWorks: [],
    },
    {
      name: 'the organisation admin becomes a user',
      person: TOLVAN,
      orgnr: SKARGARDEN,
      apply: (a) => post(a, `/admin/people/${TOLVAN}/memberships`, { orgnr: SKARGARDEN, role: 'user' }),
      undo: (a) => post(a, `/admin/people/${TOLVAN}/memberships`, { orgnr: SKARGARDEN, role: 'org_admin' }),
      stillWorks: ['list', 'case', 'write'],
    },
  ];

  async function requestCount(orgnr: string): Promise<number> {
    const row = await sql<{ n: number | string }>`select count(*) as n from membership_request where orgnr = ${orgnr}`.execute(t.services.db);
    return Number(row.rows[0]?.n ?? 0);
  }

  const attempt: Record<RouteClass, (who: Who, ctx: { caseId: string; caseUrl: string; orgnr: string }) => Promise<boolean>> = {
    async list(who, { caseId }) {
      const res = await get(who, '/cases');
      return res.statusCode === 200 && res.body.includes(caseId);
    },
    async case(who, { caseUrl }) {
      return (await get(who, caseUrl)).statusCode === 200;
    },
    async write(who, { orgnr }) {
      const before = await caseCount(orgnr);
      const res = await post(who, '/cases', { type: 'other_case' });
      const made = (await caseCount(orgnr)) - before;
      expect(made === 1).toBe(res.statusCode === 303);
      return made === 1;
    },
    async orgAdmin(who, { orgnr }) {
      const before = await requestCount(orgnr);
      const res = await post(who, '/organisation/users/requests', {
        action: 'add',
        'user-personnummer': '19550505-1234',
        'user-name': 'Olle Olsson',
        'user-email': 'olle@example.se',
        'user-role': 'user',
      });
      const made = (await requestCount(orgnr)) - before;
      expect(made === 1).toBe(res.statusCode === 303);
      if (made === 1) await t.services.db.deleteFrom('membership_request').where('orgnr', '=', orgnr).where('personnummer', '=', '195505051234').execute();
      return made === 1;
    },
  };

  for (const change of changes) {
    for (const routeClass of ['list', 'case', 'write', 'orgAdmin'] as const) {
      const works = change.stillWorks.includes(routeClass);
      it(`attack: ${change.name} while they are logged in, then they use a ${routeClass} route → invariant: ${works ? 'it still works' : 'refused on the next request, nothing written'}`, async () => {
        const who = await t.loginAs(change.person);
        expect((await post(who, '/start/organisation', { orgnr: change.orgnr })).statusCode).toBe(303);
        const created = await post(who, '/cases', { type: 'other_case' });
        expect(created.statusCode).toBe(303);
        const caseUrl = created.headers.location as string;
        const caseId = /^\/cases\/([0-9a-f-]{36})\//.exec(caseUrl)![1]!;
        // Before the change every class works.
        expect(await attempt[routeClass](who, { caseId, caseUrl, orgnr: change.orgnr })).toBe(true);
        const admin = await asAdmin();
        expect(((await change.apply(admin)) as { statusCode: number }).statusCode).toBe(303);
        try {
          expect(await attempt[routeClass](who, { caseId, caseUrl, orgnr: change.orgnr })).toBe(works);
        } finally {
          expect(((await change.undo(admin)) as { statusCode: number }).statusCode).toBe(303);
        }
      });
    }
  }
});
