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
