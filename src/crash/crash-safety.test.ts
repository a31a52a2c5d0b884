/**
 * Crash safety of the real process. The portal runs as a child (`devtools/demo/main.ts serve`: `serve` with the demo people, test
 * mode, a SQLite file or a fresh PostgreSQL schema) and is killed with SIGKILL at each step
 * of card login and of signing a case submission (KW_CRASH_AT, src/platform/crash.ts).
 * After every crash it is started again on the same database and the invariants are
 * checked: every case is a draft, or submitted with evidence that re-verifies — never in
 * between; no case_submission evidence without the case it submitted; a sign request is
 * completed at most once; a login that died half-way leaves no usable session, ticket or
 * bridge; and the restarted portal answers without errors.
 *
 * Everything is real: the card's login certificate is presented over TLS to the card
 * listener, the signature is a CMS made with the card's signing key (as Net iD would post
 * it to the bridge) and checked against the test PKI's OCSP responder.
 *
 * To keep the file fast, the process started after one crash is the one armed with the next
 * crash point: it first shows the state the previous crash left, then is driven into its
 * own crash. Each check runs before anything can reach the next point.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { childEnv } from '../../test/support/child-env.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmsSignature } from '../../devtools/netid-signer/cms.js';
import {
  ensureDemoPki,
  startOcspResponder,
  type DemoPki,
  type OcspResponder,
} from '../../devtools/test-pki/index.js';
import { DATABASE_KINDS, POSTGRES_URL } from '../../test/support/databases.js';
import { freePort } from '../../test/support/ports.js';
import type { Config } from '../config/config.js';
import type { CrashPoint } from '../config/crash-points.js';
import { createDatabase, type Db } from '../platform/db/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TESTA = '198112289874'; // one organisation: logged in straight to it
const SESSION_SECRET = 'crash-safety-test-session-secret-0123456789';
const IDLE_SECONDS = 1200;
/** Each step is a restart plus a flow; steps of one database run in order. */
const STEP = { concurrent: false, timeout: 60_000 } as const;

let dir: string;
let demo: DemoPki;
let ocsp: OcspResponder;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kw-crash-'));
  const clock = { now: () => new Date() };
  const ocspPort = await freePort();
  demo = await ensureDemoPki(path.join(dir, 'pki'), {
    clock,
    ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`,
    people: [{ personnummer: TESTA, givenName: 'Testa', surname: 'Testsson', issuer: 'telia' }],
    password: 'kundwebben',
  });
  ocsp = await startOcspResponder(demo.pki, { port: ocspPort, clock });
}, 60_000);

afterAll(async () => {
  await ocsp.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP(S) request on its own connection (no pool that could outlive a killed process). */
function send(
  url: string,
  options: {
    method?: string;
    cookie?: string;
    form?: Record<string, string>;
    json?: unknown;
    accept?: string;
    client?: { cert: string; key: string };
  } = {},
): Promise<Response> {
  const target = new URL(url);
  const body =
    options.form !== undefined
      ? new URLSearchParams(options.form).toString()
      : options.json !== undefined
        ? JSON.stringify(options.json)
        : undefined;
  const headers: Record<string, string> = {
    ...(options.cookie ? { cookie: options.cookie } : {}),
    ...(options.accept ? { accept: options.accept } : {}),
    ...(body !== undefined
      ? {
          'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        }
      : {}),
  };
  const tls = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const callback = (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    };
    const common = {
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: options.method ?? 'GET',
      headers,
      agent: false as const,
    };
    const req = tls
      ? httpsRequest(
          {
            ...common,
            servername: 'localhost',
            ca: readFileSync(demo.tls.caPath),
            ...(options.client ?? {}),
          },
          callback,
        )
      : httpRequest(common, callback);
    req.on('error', reject);
    req.end(body);
  });
}

function sessionCookie(res: Response): string | undefined {
  const value = (res.headers['set-cookie'] ?? [])
    .map((c) => /^kw_session=([^;]*)/.exec(c)?.[1])
    .find((v) => v !== undefined);
  return value ? `kw_session=${value}` : undefined;
}

function match(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`${String(pattern)} not found in:\n${text.slice(0, 2000)}`);
  return found;
}

interface Portal {
  url: string;
  cardUrl: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

for (const kind of DATABASE_KINDS.map((k) => k.name)) {
  // The two databases run side by side (each its own process and ports); the steps within
  // one are a sequence.
  describe.concurrent(`crash safety of the real process (${kind})`, () => {
    const schema = `t_crash_${Math.random().toString(16).slice(2, 10)}`;
    let database: Config['database'];
    let env: Record<string, string>;
    let portal: Portal;
    let db: Db | undefined;
    let port: number;
    let cardPort: number;

    beforeAll(async () => {
      port = await freePort();
      cardPort = await freePort();
      const dbDir = mkdtempSync(path.join(dir, `${kind}-`));
      database =
        kind === 'sqlite'
          ? { kind: 'sqlite', file: path.join(dbDir, 'kw.sqlite') }
          : { kind: 'postgres', url: POSTGRES_URL, schema };
      env = childEnv({
        KW_MODE: 'test',
        KW_HOST: '127.0.0.1',
        KW_PORT: String(port),
        KW_PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...(database.kind === 'sqlite'
          ? { KW_SQLITE_FILE: database.file }
          : { DATABASE_URL: database.url, KW_DATABASE_SCHEMA: schema }),
        KW_DEMO_SEED: 'true',
        KW_LOG_LEVEL: 'warn',
        KW_SESSION_SECRET: SESSION_SECRET,
        KW_SESSION_IDLE_SECONDS: String(IDLE_SECONDS),
        KW_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
        KW_CARD_ISSUERS_FILE: demo.issuersFile,
        KW_CARD_TLS_CERT: demo.tls.certPath,
        KW_CARD_TLS_KEY: demo.tls.keyPath,
        KW_CARD_PORT: String(cardPort),
        KW_CARD_PUBLIC_URL: `https://localhost:${cardPort}`,
        // Only its presence matters: the test posts to the bridge itself, as Net iD would.
        KW_CARD_SIGNER_URL: 'http://127.0.0.1:9/netid/sign',
        KW_OCSP_TIMEOUT_MS: '3000',
      });
      portal = await start('login:after-session');
      db = createDatabase(database);
    }, 60_000);

    afterAll(async () => {
      if (portal.child.exitCode === null && portal.child.signalCode === null) {
        portal.child.kill('SIGTERM');
        await portal.exited;
      }
      await db?.destroy();
      if (database.kind === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    }, 30_000);

    /** Starts the portal on the test database, armed to crash at `crashAt`. */
    async function start(crashAt: CrashPoint | undefined): Promise<Portal> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'devtools/demo/main.ts', 'serve'], {
        cwd: ROOT,
        env: { ...env, ...(crashAt ? { KW_CRASH_AT: crashAt } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 300; i++) {
        const status = await send(`${url}/health/ready`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200)
          return { url, cardUrl: `https://127.0.0.1:${cardPort}`, child, output: () => output, exited };
        if (child.exitCode !== null || child.signalCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGKILL');
      throw new Error(`portal did not start:\n${output}`);
    }

    /**
     * Runs `drive`, which must die with the connection when the process kills itself at
     * `at`; then starts the portal again (armed with `next`) on the same database.
     */
    async function crashThenRestart(
      at: CrashPoint,
      next: CrashPoint | undefined,
      drive: () => Promise<unknown>,
    ): Promise<void> {
      await expect(drive()).rejects.toThrow();
      const exit = await portal.exited;
      expect(exit.signal, portal.output()).toBe('SIGKILL');
      expect(portal.output()).toContain(`crash point ${at}: SIGKILL`);
      expectNoErrorsLogged(portal.output().replace(`crash point ${at}: SIGKILL\n`, ''));
      portal = await start(next);
    }

    function expectNoErrorsLogged(output: string): void {
      const errors = output
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line) || /^(Error|TypeError)\b/.test(line));
      expect(errors).toEqual([]);
    }

    const store = () => {
      if (!db) throw new Error('database not open');
      return db;
    };

    // ---- what a browser and Net iD do -------------------------------------------------

    /** The login page hands out a state; the card listener checks the card and returns a ticket. */
    async function beginCardLogin(): Promise<{ preLogin: string; returnUrl: string }> {
      const page = await send(`${portal.url}/login/card`);
      expect(page.status).toBe(200);
      const preLogin = sessionCookie(page);
      if (!preLogin) throw new Error('no pre-login session cookie');
      const state = match(page.body, /\/card\/login\?state=([A-Za-z0-9_-]{43})/);
      const card = demo.cards.find((c) => c.personnummer === TESTA);
      if (!card) throw new Error('no card');
      const client = {
        cert: readFileSync(card.login.certPath, 'utf8'),
        key: readFileSync(card.login.keyPath, 'utf8'),
      };
      const listener = await send(`${portal.cardUrl}/card/login?state=${state}`, { client });
      expect(listener.status).toBe(303);
      const returnUrl = String(listener.headers.location);
      expect(returnUrl).toMatch(new RegExp(`^${portal.url}/login/card/return\\?ticket=[A-Za-z0-9_-]{43}$`));
      return { preLogin, returnUrl };
    }

    async function loginWithCard(): Promise<{ cookie: string; csrf: string }> {
      const { preLogin, returnUrl } = await beginCardLogin();
      const done = await send(returnUrl, { cookie: preLogin });
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/start');
      const cookie = sessionCookie(done);
      if (!cookie) throw new Error('no session cookie');
      const page = await send(`${portal.url}/cases/new`, { cookie });
      expect(page.status).toBe(200);
      return { cookie, csrf: match(page.body, /name="_csrf" value="([^"]+)"/) };
    }

    async function whoIs(cookie: string): Promise<string> {
      const res = await send(`${portal.url}/start`, { cookie, accept: 'application/json' });
      if (res.status === 200) return 'logged in';
      return (JSON.parse(res.body) as { error: { code: string } }).error.code;
    }

    /** A complete "other case", reviewed and sent to signing; returns its sign request. */
    async function caseReadyToSign(who: { cookie: string; csrf: string }, subject: string) {
      const post = (url: string, form: Record<string, string>) =>
        send(`${portal.url}${url}`, {
          method: 'POST',
          cookie: who.cookie,
          form: { _csrf: who.csrf, ...form },
        });
      const created = await post('/cases', { type: 'other_case' });
      expect(created.status).toBe(303);
      const caseId = match(String(created.headers.location), /^\/cases\/([0-9a-f-]{36})\/steps\//);
      const step = await send(`${portal.url}/cases/${caseId}/steps/case`, { cookie: who.cookie });
      const revision = match(step.body, /name="revision" value="(\d+)"/);
      expect(
        (
          await post(`/cases/${caseId}/steps/case`, {
            revision,
            _action: 'next',
            subject,
            body: 'Vi undrar över tillstånd.',
          })
        ).status,
      ).toBe(303);
      const review = await send(`${portal.url}/cases/${caseId}/review`, { cookie: who.cookie });
      const digest = match(review.body, /name="digest" value="([0-9a-f]{64})"/);
      const submitted = await post(`/cases/${caseId}/submit`, { digest });
      expect(submitted.status).toBe(303);
      const signId = match(String(submitted.headers.location), /^\/sign\/([A-Za-z0-9_-]{32})$/);
      return { caseId, signId, digest };
    }

    /** "Sign with ID card" on the sign page: returns the Net iD bridge address. */
    async function cardBridge(who: { cookie: string; csrf: string }, signId: string): Promise<string> {
      const page = await send(`${portal.url}/sign/${signId}/card`, {
        method: 'POST',
        cookie: who.cookie,
        form: { _csrf: who.csrf },
      });
      expect(page.status).toBe(200);
      const launch = match(page.body, /href="([^"]*netid\/sign\?bridge=[^"]+)"/).replace(/&amp;/g, '&');
      return new URL(launch).searchParams.get('bridge') ?? '';
    }

    /** What Net iD does with a bridge: reads the job, signs it with the card, posts the CMS. */
    async function signAtBridge(bridge: string): Promise<Response> {
      const job = await send(bridge, { accept: 'application/json' });
      expect(job.status).toBe(200);
      const { document } = JSON.parse(job.body) as { document: string };
      const card = demo.cards.find((c) => c.personnummer === TESTA);
      if (!card) throw new Error('no card');
      const cms = createCmsSignature({
        document: new Uint8Array(Buffer.from(document, 'base64')),
        certificatePem: readFileSync(card.signing.certPath, 'utf8'),
        privateKeyPem: readFileSync(card.signing.keyPath, 'utf8'),
        signingTime: new Date(),
      });
      return send(bridge, { method: 'POST', json: { cms: Buffer.from(cms).toString('base64') } });
    }

    /** A bridge used once is gone, whatever happened to the process after it was used. */
    async function expectBridgeSpent(bridge: string): Promise<void> {
      expect((await send(bridge, { accept: 'application/json' })).status).toBe(404);
      expect((await send(bridge, { method: 'POST', json: { cms: 'AAAA' } })).status).toBe(404);
    }

    async function signState(who: { cookie: string }, signId: string): Promise<string> {
      const res = await send(`${portal.url}/sign/${signId}/status`, { cookie: who.cookie });
      expect(res.status).toBe(200);
      return (JSON.parse(res.body) as { state: string }).state;
    }

    // ---- the invariants ---------------------------------------------------------------

    /**
     * Every case is a draft without number or evidence, or submitted with evidence whose
     * digest is the case's and which re-verifies (over HTTP, in the restarted process);
     * every case_submission evidence belongs to the case it submitted.
     */
    async function expectNothingHalfWay(who: { cookie: string } | undefined): Promise<void> {
      const cases = await store().selectFrom('case_file').selectAll().execute();
      const evidence = await store()
        .selectFrom('signature_evidence')
        .selectAll()
        .where('purpose', '=', 'case_submission')
        .execute();
      for (const row of cases) {
        if (row.status === 'draft') {
          expect(row, row.id).toMatchObject({
            evidence_id: null,
            case_number: null,
            digest: null,
            submitted_at: null,
            submitted_by: null,
          });
          expect(
            evidence.filter((e) => e.subject === row.id),
            row.id,
          ).toEqual([]);
          continue;
        }
        expect(row.status).toBe('submitted');
        expect(row.case_number).toMatch(/^KW-\d{4}-\d{6}$/);
        const own = evidence.filter((e) => e.subject === row.id);
        expect(own.map((e) => e.id)).toEqual([row.evidence_id]);
        expect(own[0]?.digest).toBe(row.digest);
        if (who) {
          const check = await send(`${portal.url}/cases/${row.id}/signature`, {
            cookie: who.cookie,
            accept: 'application/json',
          });
          expect(check.status).toBe(200);
          expect(JSON.parse(check.body)).toMatchObject({
            caseNumber: row.case_number,
            digest: row.digest,
            valid: true,
            checks: { digest: true, case: true, signature: true, ocsp: true },
          });
        }
      }
      for (const e of evidence)
        expect(cases.find((c) => c.evidence_id === e.id)?.status, e.id).toBe('submitted');
      const numbers = cases.map((c) => c.case_number).filter((n) => n !== null);
      expect(new Set(numbers).size).toBe(numbers.length);
    }

    const loginAudits = async () =>
      (
        await store()
          .selectFrom('audit_event')
          .select('id')
          .where('event', '=', 'login')
          .where('actor', '=', TESTA)
          .execute()
      ).length;
    const credentialSeen = () =>
      store()
        .selectFrom('credential_seen')
        .select('last_used_at')
        .where('personnummer', '=', TESTA)
        .executeTakeFirst();
    /** Stored sessions of Testa (logged in), by store key: an HMAC of the cookie value. */
    const testaSessions = async () =>
      (await store().selectFrom('kv_store').selectAll().where('key', 'like', 'sess:%').execute()).filter(
        (r) => r.value.includes(`"personnummer":"${TESTA}"`),
      );

    // ---- login --------------------------------------------------------------------------

    let attempt: { preLogin: string; returnUrl: string };
    let testa: { cookie: string; csrf: string };

    it(
      'login killed after the session is stored: no cookie, the session is reachable by nobody and lapses, the ticket is spent',
      STEP,
      async () => {
        attempt = await beginCardLogin();
        const sessionsBefore = await testaSessions();
        await crashThenRestart('login:after-session', 'login:after-credential', () =>
          send(attempt.returnUrl, { cookie: attempt.preLogin }),
        );

        const orphans = (await testaSessions()).filter((s) => !sessionsBefore.some((b) => b.key === s.key));
        expect(orphans).toHaveLength(1);
        // Nobody holds its cookie (it never left the process), the store keeps only an HMAC
        // of it, and it ends by itself within the idle time.
        const orphan = orphans[0];
        if (!orphan) throw new Error('no orphan');
        expect(Number(orphan.expires_at)).toBeLessThanOrEqual(Date.now() + IDLE_SECONDS * 1000);
        expect(await whoIs(`kw_session=${orphan.key.slice('sess:'.length)}`)).toBe('session_expired');
        // The browser's pre-login session was replaced by the new one; its ticket was used.
        expect(await whoIs(attempt.preLogin)).not.toBe('logged in');
        const replay = await send(attempt.returnUrl, { cookie: attempt.preLogin });
        expect(replay.status).toBe(303);
        expect(replay.headers.location).toBe('/login/card/failed?code=ticket_invalid');
        expect(sessionCookie(replay)).toBeUndefined();
        // Nothing after the session was written: no credential_seen, no login audited.
        expect(await credentialSeen()).toBeUndefined();
        expect(await loginAudits()).toBe(0);
      },
    );

    it(
      'login killed after credential_seen: no cookie, no usable session, ticket spent; the credential is noted without a login event',
      STEP,
      async () => {
        attempt = await beginCardLogin();
        await crashThenRestart('login:after-credential', 'sign:after-evidence', () =>
          send(attempt.returnUrl, { cookie: attempt.preLogin }),
        );

        expect(await whoIs(attempt.preLogin)).not.toBe('logged in');
        const replay = await send(attempt.returnUrl, { cookie: attempt.preLogin });
        expect(replay.headers.location).toBe('/login/card/failed?code=ticket_invalid');
        // Accepted either way by design: the credential was seen, the login never finished.
        expect(await credentialSeen()).toBeDefined();
        expect(await loginAudits()).toBe(0);

        // The restarted portal logs the person in normally; the login is audited once.
        testa = await loginWithCard();
        expect(await whoIs(testa.cookie)).toBe('logged in');
        expect(await loginAudits()).toBe(1);
      },
    );

    // ---- signing a case submission ------------------------------------------------------

    let first: { caseId: string; signId: string; digest: string };
    let bridge: string;

    it(
      'killed after the evidence insert, before the case handler: a draft, no evidence; the request can still be signed',
      STEP,
      async () => {
        first = await caseReadyToSign(testa, 'Första ärendet');
        bridge = await cardBridge(testa, first.signId);
        await crashThenRestart('sign:after-evidence', 'sign:before-commit', () => signAtBridge(bridge));

        // The session survived the crash (stored in the database, not the process).
        expect(await whoIs(testa.cookie)).toBe('logged in');
        await expectNothingHalfWay(testa);
        expect(
          (
            await store()
              .selectFrom('case_file')
              .select('status')
              .where('id', '=', first.caseId)
              .executeTakeFirstOrThrow()
          ).status,
        ).toBe('draft');
        expect(await store().selectFrom('signature_evidence').select('id').execute()).toEqual([]);
        expect(await signState(testa, first.signId)).toBe('pending');
        await expectBridgeSpent(bridge);
      },
    );

    it(
      'killed after the case update, before commit: still a draft, no evidence, no case number used',
      STEP,
      async () => {
        bridge = await cardBridge(testa, first.signId);
        await crashThenRestart('sign:before-commit', 'sign:after-commit', () => signAtBridge(bridge));

        await expectNothingHalfWay(testa);
        expect(
          await store()
            .selectFrom('case_file')
            .select(['status', 'case_number'])
            .where('id', '=', first.caseId)
            .executeTakeFirstOrThrow(),
        ).toEqual({ status: 'draft', case_number: null });
        expect(await store().selectFrom('signature_evidence').select('id').execute()).toEqual([]);
        expect(await signState(testa, first.signId)).toBe('pending');
        await expectBridgeSpent(bridge);
      },
    );

    it(
      'killed after commit, before the request is marked: submitted with verified evidence, and the request counts as completed',
      STEP,
      async () => {
        bridge = await cardBridge(testa, first.signId);
        await crashThenRestart('sign:after-commit', 'sign:after-mark', () => signAtBridge(bridge));

        await expectNothingHalfWay(testa);
        const row = await store()
          .selectFrom('case_file')
          .selectAll()
          .where('id', '=', first.caseId)
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({ status: 'submitted', digest: first.digest });
        // The evidence is the truth: the sign request is done, and cannot be signed again.
        expect(await signState(testa, first.signId)).toBe('completed');
        const again = await send(`${portal.url}/sign/${first.signId}/card`, {
          method: 'POST',
          cookie: testa.cookie,
          form: { _csrf: testa.csrf },
        });
        expect(again.status).toBe(303);
        expect(again.headers.location).toBe(`/sign/${first.signId}`);
        // Its page leads on to the case's confirmation, which offers the check of the signature.
        const page = await send(`${portal.url}/sign/${first.signId}`, { cookie: testa.cookie });
        expect(page.status).toBe(303);
        expect(page.headers.location).toBe(`/cases/${first.caseId}/submitted`);
        const confirmation = await send(`${portal.url}/cases/${first.caseId}/submitted`, { cookie: testa.cookie });
        expect(confirmation.body).toContain(String(row.case_number));
        expect(confirmation.body).toContain(`/cases/${first.caseId}/signature`);
        await expectBridgeSpent(bridge);
      },
    );

    it(
      'killed after the request is marked, before the answer: submitted with verified evidence, completed once',
      STEP,
      async () => {
        const second = await caseReadyToSign(testa, 'Andra ärendet');
        bridge = await cardBridge(testa, second.signId);
        await crashThenRestart('sign:after-mark', undefined, () => signAtBridge(bridge));

        await expectNothingHalfWay(testa);
        expect(
          (
            await store()
              .selectFrom('case_file')
              .select('status')
              .where('id', '=', second.caseId)
              .executeTakeFirstOrThrow()
          ).status,
        ).toBe('submitted');
        expect(await signState(testa, second.signId)).toBe('completed');
        const again = await send(`${portal.url}/sign/${second.signId}/card`, {
          method: 'POST',
          cookie: testa.cookie,
          form: { _csrf: testa.csrf },
        });
        expect(again.headers.location).toBe(`/sign/${second.signId}`);
        await expectBridgeSpent(bridge);
        expect(
          await store()
            .selectFrom('signature_evidence')
            .select('id')
            .where('request_id', '=', second.signId)
            .execute(),
        ).toHaveLength(1);

        // And the restarted portal carries on: the next case is signed and numbered anew.
        const third = await caseReadyToSign(testa, 'Tredje ärendet');
        const answer = await signAtBridge(await cardBridge(testa, third.signId));
        expect(answer.status, answer.body).toBe(200);
        await expectNothingHalfWay(testa);
        expect(
          await store().selectFrom('case_file').select('status').where('status', '=', 'submitted').execute(),
        ).toHaveLength(3);
        expectNoErrorsLogged(portal.output());
      },
    );
  });
}
