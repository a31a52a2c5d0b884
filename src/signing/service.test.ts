import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { createAccounts } from '../accounts/service.js';
import { createAuditLog } from '../audit/service.js';
import { ManualClock } from '../platform/clock.js';
import { createSqlStore } from '../platform/store/sql-store.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { createSigning, SigningError } from './service.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, escapes strings, refuses unsafe numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 'x'], c: null }, 'å': true })).toBe('{"a":{"c":null,"d":[3,"x"]},"b":1,"å":true}');
    expect(canonicalJson({ text: 'rad 1\n"citat"' })).toBe('{"text":"rad 1\\n\\"citat\\""}');
    expect(() => canonicalJson({ amount: 12.5 })).toThrow(RangeError);
  });
});

for (const kind of DATABASE_KINDS) {
  describe(`signing service (${kind.name})`, () => {
    let t: TestDatabase;
    const clock = new ManualClock('2026-11-28T10:00:00Z');
    let signing: ReturnType<typeof createSigning>;
    beforeAll(async () => {
      t = await kind.open();
      const accounts = createAccounts({ db: t.db, clock });
      await accounts.upsertOrganisation({ orgnr: '5566778899', name: 'Nordvik AB' });
      signing = createSigning({ db: t.db, store: createSqlStore(t.db, clock), clock, audit: createAuditLog(t.db, clock) });
    });
    afterAll(() => t.close());

    const verified = (pnr = '191212121212') => ({
      method: 'telia_card' as const,
      signerPersonnummer: pnr,
      signerName: 'Tolvan',
      signedAt: clock.now(),
      evidence: { format: 'test' },
    });

    it('fixes the document and its digest, and belongs to one person', async () => {
      const req = await signing.create({ personnummer: '191212121212', purpose: 'p', subject: 's1', document: { b: 2, a: 1 }, text: 'Sign this', returnPath: '/start' });
      expect(req.document).toBe('{"a":1,"b":2}');
      expect(req.digest).toBe(sha256Hex('{"a":1,"b":2}'));
      await expect(signing.findFor(req.id, '198112289874')).rejects.toMatchObject({ code: 'not_yours' });
      await expect(signing.findFor('x'.repeat(32), '191212121212')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('completes once: evidence stored and the request marked, a second completion refused', async () => {
      const req = await signing.create({ personnummer: '191212121212', purpose: 'p', subject: 's2', document: { x: 1 }, text: 'T', returnPath: '/start' });
      const evidence = await signing.complete(req, verified());
      expect(evidence).toMatchObject({ request_id: req.id, digest: req.digest, signer_personnummer: '191212121212' });
      expect(await signing.find(req.id)).toMatchObject({ state: 'completed', evidenceId: evidence.id });
      await expect(signing.complete(req, verified())).rejects.toBeInstanceOf(SigningError);
      const rows = await t.db.selectFrom('signature_evidence').selectAll().where('request_id', '=', req.id).execute();
      expect(rows).toHaveLength(1);
    });

    it('refuses a signature by someone other than the person asked', async () => {
      const req = await signing.create({ personnummer: '191212121212', purpose: 'p', subject: 's3', document: { x: 1 }, text: 'T', returnPath: '/start' });
      await expect(signing.complete(req, verified('198112289874'))).rejects.toMatchObject({ code: 'not_yours' });
    });

    it('stores evidence and the feature’s change together, or neither (a failing handler undoes the evidence)', async () => {
      signing.registerPurpose('atomic', {
        async onSigned(trx, request) {
          await trx.insertInto('organisation').values({ orgnr: '8024001235', name: request.subject, active: 1, created_at: clock.now().toISOString() }).execute();
          if (request.subject === 'fail') throw new Error('store failed in the middle');
        },
      });
      const bad = await signing.create({ personnummer: '191212121212', purpose: 'atomic', subject: 'fail', document: { x: 2 }, text: 'T', returnPath: '/start' });
      await expect(signing.complete(bad, verified())).rejects.toThrow('store failed in the middle');
      expect(await t.db.selectFrom('signature_evidence').select('id').where('request_id', '=', bad.id).executeTakeFirst()).toBeUndefined();
      expect(await t.db.selectFrom('organisation').select('orgnr').where('orgnr', '=', '8024001235').executeTakeFirst()).toBeUndefined();
      expect(await signing.find(bad.id)).toMatchObject({ state: 'pending' });

      const good = await signing.create({ personnummer: '191212121212', purpose: 'atomic', subject: 'ok', document: { x: 3 }, text: 'T', returnPath: '/start' });
      await signing.complete(good, verified());
      expect(await t.db.selectFrom('organisation').select('name').where('orgnr', '=', '8024001235').executeTakeFirst()).toEqual({ name: 'ok' });
    });

    it('lapses after 15 minutes', async () => {
      const req = await signing.create({ personnummer: '191212121212', purpose: 'p', subject: 's4', document: {}, text: 'T', returnPath: '/start' });
      clock.advance(15 * 60_000 + 1);
      expect(await signing.find(req.id)).toBeUndefined();
    });
  });
}
