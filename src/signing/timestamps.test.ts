import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTsa, startTestTsaServer, type TestTsa, type TestTsaServer } from '../../devtools/test-tsa/index.js';
import { toPem } from '../../devtools/test-pki/crypto.js';
import { DATABASE_KINDS, type TestDatabase } from '../../test/support/databases.js';
import { createAuditLog } from '../audit/service.js';
import { ManualClock } from '../platform/clock.js';
import { createSqlStore } from '../platform/store/sql-store.js';
import { createSigning } from './service.js';
import { createEvidenceTimestamps, evidenceBytes, type EvidenceTimestamps } from './timestamps.js';

const run = promisify(execFile);

let tsa: TestTsa;
let server: TestTsaServer;
beforeAll(async () => {
  tsa = await createTestTsa();
  server = await startTestTsaServer(tsa);
});
afterAll(() => server.close());

for (const kind of DATABASE_KINDS) {
  describe(`timestamps of signature evidence (${kind.name})`, () => {
    let t: TestDatabase;
    const clock = new ManualClock('2026-11-28T10:00:00Z');
    let timestamps: EvidenceTimestamps;
    let signing: ReturnType<typeof createSigning>;
    const settings = () => ({ url: server.url, timeoutMs: 2000, retrySeconds: 60, anchors: [tsa.root.der] });
    beforeAll(async () => {
      t = await kind.open();
      const audit = createAuditLog(t.db, clock);
      timestamps = createEvidenceTimestamps({ db: t.db, clock, audit, settings: settings() });
      signing = createSigning({ db: t.db, store: createSqlStore(t.db, clock), clock, audit, timestamps });
      signing.registerReverifier('telia_card', { reverify: () => Promise.resolve({ ok: true, checks: { signature: true } }) });
    });
    afterAll(() => t.close());

    async function sign(subject: string) {
      const request = await signing.create({ personnummer: '191212121212', purpose: 'p', subject, document: { subject }, text: 'T', returnPath: '/start' });
      const evidence = await signing.complete(request, {
        method: 'telia_card',
        signerPersonnummer: '191212121212',
        signerName: 'Tolvan',
        signedAt: clock.now(),
        evidence: { format: 'test', subject, ocsp: 'MIIBxyz' },
      });
      await timestamps.settled();
      return evidence;
    }

    it('stores the evidence while the TSA is down, shows the timestamp pending, and the job stamps it once the TSA is back', async () => {
      server.faults.mode = 'down';
      const evidence = await sign('down-then-back');
      const pending = await signing.reverify(evidence);
      expect(pending).toMatchObject({ ok: true, timestamp: { state: 'pending' } });
      expect(pending.checks).not.toHaveProperty('timestamp');
      const row = await t.db.selectFrom('evidence_timestamp').selectAll().where('evidence_id', '=', evidence.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'pending', attempts: 1, token: null });
      expect(row.last_error).toContain('unavailable');
      expect(row.last_error).not.toContain('191212121212');

      server.faults.mode = 'ok';
      expect(await timestamps.stampDue()).toBe(0); // not due yet: backoff
      clock.advance(61_000);
      expect(await timestamps.stampDue()).toBe(1);
      const stamped = await signing.reverify(evidence);
      expect(stamped).toMatchObject({ ok: true, checks: { timestamp: true }, timestamp: { state: 'stamped', ok: true } });
      const stored = await signing.timestampOf(evidence.id);
      expect(stored.state).toBe('stamped');
      expect(stored.genTime).toBe(stamped.timestamp?.state === 'stamped' ? stamped.timestamp.genTime : 'none');
      const audit = await t.db.selectFrom('audit_event').select(['outcome', 'subject']).where('event', '=', 'evidence_timestamped').where('subject', '=', `evidence:${evidence.id}`).execute();
      expect(audit.map((a) => a.outcome).sort()).toEqual(['failure', 'success']);
    });

    it('stamps at once in the background when the TSA answers, and the token passes openssl ts -verify over the evidence bytes', async () => {
      server.faults.mode = 'ok';
      const evidence = await sign('at-once');
      const stored = await signing.timestampOf(evidence.id);
      expect(stored.state).toBe('stamped');
      const dir = await mkdtemp(path.join(tmpdir(), 'kw-evidence-tsa-'));
      try {
        await writeFile(path.join(dir, 'evidence.json'), evidenceBytes(evidence));
        await writeFile(path.join(dir, 'token.tst'), stored.tokenDer ?? new Uint8Array());
        await writeFile(path.join(dir, 'tsa-root.pem'), toPem(tsa.root.der, 'CERTIFICATE'));
        const { stdout } = await run('openssl', ['ts', '-verify', '-data', path.join(dir, 'evidence.json'), '-in', path.join(dir, 'token.tst'), '-token_in', '-CAfile', path.join(dir, 'tsa-root.pem')]);
        expect(stdout).toContain('Verification: OK');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('two instances running the job at once ask the TSA once and stamp once', async () => {
      server.faults.mode = 'down';
      const evidence = await sign('two-instances');
      server.faults.mode = 'ok';
      clock.advance(61_000);
      const other = createEvidenceTimestamps({ db: t.db, clock, audit: createAuditLog(t.db, clock), settings: settings() });
      const before = server.granted();
      const [a, b] = await Promise.all([timestamps.stamp(evidence.id), other.stamp(evidence.id)]);
      expect([a, b].sort()).toEqual(['skipped', 'stamped']);
      expect(server.granted() - before).toBe(1);
      expect(await other.stampDue()).toBe(0);
    });

    it('keeps a wrong answer pending (wrong imprint), and a token tampered with in storage fails re-verification', async () => {
      server.faults.mode = 'wrong_imprint';
      const evidence = await sign('wrong-imprint');
      expect(await signing.timestampOf(evidence.id)).toEqual({ state: 'pending' });
      const row = await t.db.selectFrom('evidence_timestamp').select('last_error').where('evidence_id', '=', evidence.id).executeTakeFirstOrThrow();
      expect(row.last_error).toContain('invalid_response');

      server.faults.mode = 'ok';
      const good = await sign('tampered');
      const foreign = await (await createTestTsa({ name: 'Foreign TSA' })).token({ data: evidenceBytes(good) });
      await t.db.updateTable('evidence_timestamp').set({ token: Buffer.from(foreign).toString('base64') }).where('evidence_id', '=', good.id).execute();
      const result = await signing.reverify(good);
      expect(result).toMatchObject({ ok: false, checks: { timestamp: false }, timestamp: { state: 'stamped', ok: false } });
    });

    it('adopts evidence stored before a TSA was configured and stamps it', async () => {
      server.faults.mode = 'ok';
      const audit = createAuditLog(t.db, clock);
      const plain = createSigning({ db: t.db, store: createSqlStore(t.db, clock), clock, audit });
      const request = await plain.create({ personnummer: '191212121212', purpose: 'p', subject: 'before-tsa', document: { x: 'before' }, text: 'T', returnPath: '/start' });
      const evidence = await plain.complete(request, { method: 'telia_card', signerPersonnummer: '191212121212', signerName: 'Tolvan', signedAt: clock.now(), evidence: { format: 'test', subject: 'before-tsa' } });
      expect(await signing.timestampOf(evidence.id)).toEqual({ state: 'none' });
      const [a, b] = await Promise.all([timestamps.stampDue(), createEvidenceTimestamps({ db: t.db, clock, audit, settings: settings() }).stampDue()]);
      expect(a + b).toBeGreaterThanOrEqual(1);
      expect((await signing.timestampOf(evidence.id)).state).toBe('stamped');
      expect(await t.db.selectFrom('evidence_timestamp').select('evidence_id').where('evidence_id', '=', evidence.id).execute()).toHaveLength(1);
    });

    it('an instance that dies while asking the TSA holds the evidence only until its lease ends; then another stamps it', async () => {
      server.faults.mode = 'down';
      const evidence = await sign('crash-mid-request');
      clock.advance(3600_000);
      // The dying instance: claims the row, then never hears back (as if killed mid-request).
      const dying = createEvidenceTimestamps({ db: t.db, clock, audit: createAuditLog(t.db, clock), settings: settings(), request: () => new Promise(() => undefined) });
      void dying.stamp(evidence.id);
      for (let i = 0; i < 50; i++) {
        const row = await t.db.selectFrom('evidence_timestamp').select('next_attempt_at').where('evidence_id', '=', evidence.id).executeTakeFirstOrThrow();
        if (row.next_attempt_at > clock.now().toISOString()) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      server.faults.mode = 'ok';
      expect(await timestamps.stamp(evidence.id)).toBe('skipped');
      clock.advance(settings().timeoutMs + 30_001);
      expect(await timestamps.stamp(evidence.id)).toBe('stamped');
    });

    it('while the TSA is down a run of the job waits on it once, not once per pending evidence', async () => {
      server.faults.mode = 'down';
      for (const subject of ['down-1', 'down-2', 'down-3']) await sign(subject);
      clock.advance(3600_000);
      const attempts = async () => {
        const rows = await t.db.selectFrom('evidence_timestamp').select('attempts').where('state', '=', 'pending').execute();
        return rows.reduce((sum, r) => sum + r.attempts, 0);
      };
      const before = await attempts();
      expect(await timestamps.stampDue()).toBe(0);
      expect((await attempts()) - before).toBe(1);
      server.faults.mode = 'ok';
    });
  });
}
