/**
 * Attack: a company user (or nobody) calls the admin pages directly, with or without a
 * valid CSRF token. Invariant: every admin route answers 401 to nobody and 403 to anyone
 * without the staff role `admin`, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

const TOLVAN = '191212121212';
const HEDDA = '196408231238';

/** Every route of the admin side. */
const ADMIN_ROUTES: readonly { method: 'GET' | 'POST'; url: string }[] = [
  { method: 'GET', url: '/admin' },
  { method: 'GET', url: '/admin/plan' },
  { method: 'POST', url: '/admin/plan/bankid' },
  { method: 'GET', url: '/admin/plan/preview?date=2027-09-16' },
  { method: 'GET', url: '/admin/plan/bankid' },
  { method: 'GET', url: '/admin/people?q=Tolvan' },
  { method: 'GET', url: '/admin/people/new' },
  { method: 'POST', url: '/admin/people' },
  { method: 'GET', url: `/admin/people/${TOLVAN}` },
  { method: 'GET', url: `/admin/people/${TOLVAN}/registerutdrag` },
  { method: 'POST', url: `/admin/people/${TOLVAN}` },
  { method: 'POST', url: `/admin/people/${TOLVAN}/active` },
  { method: 'POST', url: `/admin/people/${TOLVAN}/memberships` },
  { method: 'POST', url: `/admin/people/${TOLVAN}/memberships/5590123450/remove` },
  { method: 'GET', url: '/admin/organisations' },
  { method: 'POST', url: '/admin/organisations' },
  { method: 'GET', url: '/admin/organisations/5590123450' },
  { method: 'POST', url: '/admin/organisations/5590123450' },
  { method: 'POST', url: '/admin/organisations/5590123450/active' },
  { method: 'GET', url: '/admin/import' },
  { method: 'POST', url: '/admin/import' },
  { method: 'GET', url: '/admin/requests' },
  { method: 'POST', url: '/admin/requests/r1/approve' },
  { method: 'POST', url: '/admin/requests/r1/reject' },
  { method: 'GET', url: '/admin/audit' },
  { method: 'GET', url: '/admin/audit.csv' },
];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function auditCount(): Promise<number> {
  const row = await t.services.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('admin routes need a logged-in staff admin', () => {
  it.each(ADMIN_ROUTES)('$method $url: 401 for nobody, with the translated page', async ({ method, url }) => {
    const res = await t.app.inject({
      method,
      url,
      ...(method === 'POST' ? { payload: { active: '0', name: 'X' } } : {}),
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Du behöver logga in för att se sidan.');
  });

  it.each(ADMIN_ROUTES)(
    '$method $url: 403 for a company user, even with a valid CSRF token, and nothing changes',
    async ({ method, url }) => {
      const { cookie, csrf } = await t.loginAs(TOLVAN);
      const before = await auditCount();
      const res = await t.app.inject({
        method,
        url,
        headers: { cookie, 'accept-language': 'en' },
        ...(method === 'POST'
          ? {
              payload: {
                _csrf: csrf,
                active: '0',
                name: 'Mallory',
                orgnr: '5566778899',
                role: 'org_admin',
                enabledFrom: '2026-01-01',
                announceAs: 'day',
                action: 'import',
                csv: 'x',
              },
            }
          : {}),
      });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('You do not have access to this page.');
      expect(await auditCount()).toBe(before);
    },
  );

  it('shows the admin link in the header only to staff admins', async () => {
    const tolvan = await t.loginAs(TOLVAN);
    expect((await t.app.inject({ url: '/start', headers: { cookie: tolvan.cookie } })).body).not.toContain(
      'href="/admin"',
    );
    const hedda = await t.loginAs(HEDDA);
    const res = await t.app.inject({ url: '/start', headers: { cookie: hedda.cookie } });
    expect(res.body).toContain('<a href="/admin">Administration</a>');
  });

  it.each(ADMIN_ROUTES.filter((r) => r.method === 'GET'))(
    'GET $url works for a staff admin',
    async ({ url }) => {
      const { cookie } = await t.loginAs(HEDDA);
      const res = await t.app.inject({ url, headers: { cookie } });
      expect(res.statusCode).toBe(200);
    },
  );

  it('the index links every section, the at-risk report included', async () => {
    const { cookie } = await t.loginAs(HEDDA);
    const body = (await t.app.inject({ url: '/admin', headers: { cookie } })).body;
    for (const href of [
      '/admin/plan',
      '/admin/people',
      '/admin/organisations',
      '/admin/import',
      '/admin/requests',
      '/admin/audit',
      '/admin/at-risk',
    ]) {
      expect(body).toContain(`href="${href}"`);
    }
    expect(body).toContain('Användare i riskzonen');
  });
});
