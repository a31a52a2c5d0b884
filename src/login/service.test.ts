import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

for (const kind of DATABASE_KINDS) {
  describe(`login() service (${kind.name})`, () => {
    let t: TestApp;
    let closeDb: () => Promise<void>;
    beforeAll(async () => {
      const opened = await kind.open();
      closeDb = () => opened.close();
      t = await startTestApp({ db: opened.db, database: opened.database });
    });
    afterAll(async () => {
      await t.close(); // also destroys the Kysely instance
      await closeDb().catch(() => undefined);
    });

    it('logs a known person in with a new session id (no fixation) and records the credential', async () => {
      const anonymous = await t.services.sessions.create();
      const result = await t.services.login.login({
        personnummer: '198112289874',
        method: 'telia_card',
        evidence: { certificate: { issuer: 'CN=Telia e-legitimation CA', serial: '0a1b', notAfter: new Date('2028-01-01T00:00:00Z') } },
        previous: anonymous,
        ip: '192.0.2.10',
      });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.session.id).not.toBe(anonymous.id);
      expect(result.session.data.csrf).not.toBe(anonymous.data.csrf);
      expect(await t.services.sessions.load(anonymous.id)).toEqual({ kind: 'expired' });
      expect(result.principal).toMatchObject({ personnummer: '198112289874', name: 'Testa Testsson', orgnr: '5566778899', staff: [] });
      const seen = await t.services.db.selectFrom('credential_seen').selectAll().where('personnummer', '=', '198112289874').executeTakeFirstOrThrow();
      expect(seen).toMatchObject({ method: 'telia_card', cert_serial: '0a1b', cert_not_after: '2028-01-01T00:00:00.000Z' });
      const [event] = await t.services.audit.list({ actor: '198112289874', event: 'login' });
      expect(event).toMatchObject({ outcome: 'success', subject: 'telia_card', ip: '192.0.2.10' });
    });

    it('leaves the organisation open for someone acting for several, and carries staff roles', async () => {
      const tolvan = await t.services.login.login({ personnummer: '191212121212', method: 'telia_card', evidence: {}, previous: undefined, ip: null });
      expect(tolvan.ok && tolvan.principal.orgnr).toBeNull();
      const hedda = await t.services.login.login({ personnummer: '196408231238', method: 'telia_card', evidence: {}, previous: undefined, ip: null });
      expect(hedda.ok && hedda.principal.staff.sort()).toEqual(['admin', 'case_officer']);
    });

    it('an unknown person gets no account and no session, and the failure is audited', async () => {
      const before = await t.services.db.selectFrom('person').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const result = await t.services.login.login({ personnummer: '197505121231', method: 'telia_card', evidence: {}, previous: undefined, ip: null });
      expect(result).toEqual({ ok: false, reason: 'no_account' });
      const after = await t.services.db.selectFrom('person').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      expect(await t.services.audit.list({ actor: '197505121231', event: 'login_failed' })).toHaveLength(1);
    });

    it('refuses a method the plan has not enabled yet, and a deactivated person', async () => {
      expect(await t.services.login.login({ personnummer: '191212121212', method: 'bankid', evidence: {}, previous: undefined, ip: null })).toEqual({
        ok: false,
        reason: 'method_not_enabled',
      });
      await t.services.accounts.setPersonActive('198112289874', false);
      expect(await t.services.login.login({ personnummer: '198112289874', method: 'telia_card', evidence: {}, previous: undefined, ip: null })).toEqual({
        ok: false,
        reason: 'no_account',
      });
      await t.services.accounts.setPersonActive('198112289874', true);
      expect(await t.services.login.login({ personnummer: '19121212-1212', method: 'telia_card', evidence: {}, previous: undefined, ip: null })).toEqual({
        ok: false,
        reason: 'invalid_personnummer',
      });
    });
  });
}

describe('sessions on Redis (REDIS_URL), as several instances would share them', () => {
  it('logs in, reads the session from Redis, and logs out everywhere', async () => {
    const { startTestApp } = await import('../../test/support/app.js');
    const t = await startTestApp({ env: { REDIS_URL: process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15' } });
    const other = await startTestApp({ env: { REDIS_URL: process.env['KW_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15' } });
    try {
      expect(t.services.redis).toBeDefined();
      const { cookie, csrf } = await t.loginAs('191212121212');
      // The second instance (its own process state, same Redis) sees the same session…
      other.clock.set(t.clock.now());
      expect((await other.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(200);
      // …and a logout on the first ends it on the second.
      await t.app.inject({ method: 'POST', url: '/logout', headers: { cookie }, payload: { _csrf: csrf } });
      expect((await other.app.inject({ url: '/start', headers: { cookie } })).statusCode).toBe(401);
    } finally {
      await t.close();
      await other.close();
    }
  });
});
