/**
 * Card signing end to end over HTTP: the portal's sign page hands a job to the (simulated)
 * Net iD signer through the bridge, the signer signs with the demo card's real signing key,
 * and the portal verifies the CMS before storing evidence. Attacks open each test.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmsSignature } from '../../devtools/netid-signer/cms.js';
import { buildSigner, type SignerCard } from '../../devtools/netid-signer/server.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { CARD_PEOPLE, signerCards, startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { parseCertificate, pemToDerList } from '../platform/pki.js';

let tb: CardTestbed;
let signer: FastifyInstance;
let signerUrl: string;

function signerCardsOf(activated = true): SignerCard[] {
  return signerCards(
    tb.demo,
    (pnr) => {
      const person = CARD_PEOPLE.find((p) => p.personnummer === pnr);
      return `${person?.givenName ?? ''} ${person?.surname ?? ''}`;
    },
    activated,
  );
}

beforeAll(async () => {
  tb = await startCardTestbed({ listen: true });
  signer = await buildSigner({ portalUrl: tb.portalUrl, cards: signerCardsOf(), signingCode: '123456', clock: tb.clock });
  signerUrl = await signer.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await signer.close();
  await tb.close();
});

const TOLVAN = '191212121212';

/** Logs Tolvan in, creates a sign request and starts card signing; returns the bridge URL. */
async function startSigning(document: Record<string, string> = { case: 'KW-1', text: 'Ansökan' }) {
  const { cookie, csrf } = await tb.t.loginAs(TOLVAN);
  const request = await tb.t.services.signing.create({
    personnummer: TOLVAN,
    purpose: 'test',
    subject: document['case'] ?? 'x',
    document,
    text: 'Ansökan om utförseltillstånd KW-1',
    returnPath: '/start',
  });
  const page = await tb.t.app.inject({ method: 'POST', url: `/sign/${request.id}/card`, headers: { cookie }, payload: { _csrf: csrf } });
  expect(page.statusCode).toBe(200);
  const launch = /href="([^"]*netid\/sign\?bridge=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const bridge = new URL(launch).searchParams.get('bridge') ?? '';
  return { cookie, csrf, request, bridge };
}

async function signWith(bridge: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${signerUrl}/api/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bridge, personnummer: TOLVAN, ...body }),
  });
  return (await res.json()) as { status: number; body: { status?: string; error?: string; evidenceId?: string } };
}

describe('card signing', () => {
  it('signs with the card’s signing certificate; the evidence is stored and re-verifies', async () => {
    const { cookie, request, bridge } = await startSigning();
    const job = (await (await fetch(bridge)).json()) as { digest: string; text: string; document: string };
    expect(job.digest).toBe(request.digest);
    expect(Buffer.from(job.document, 'base64').toString()).toBe(request.document);
    const result = await signWith(bridge);
    expect(result).toMatchObject({ status: 200, body: { status: 'completed' } });
    // Signed: the sign page (Net iD's return address) leads on to where the purpose continues.
    const done = await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie } });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(request.returnPath);
    const evidenceId = result.body.evidenceId ?? '';
    const check = await tb.t.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie, accept: 'application/json' } });
    expect(check.json()).toMatchObject({
      valid: true,
      checks: { digest: true, signature: true, chain: true, certificate: true, ocsp: true, signer: true },
    });
    const html = await tb.t.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie } });
    expect(html.body).toContain('Underskriften är giltig');
  });

  it('a request is completed once: the bridge cannot be used again', async () => {
    const { bridge } = await startSigning({ case: 'KW-2' });
    expect((await signWith(bridge)).body.status).toBe('completed');
    expect((await signWith(bridge)).status).toBe(404);
  });

  it('attack: a CMS made by openssl alone whose signer is named by subject key identifier (-keyid) → invariant: verified like any other (no 500, the bridge not burnt)', async () => {
    const { request, bridge } = await startSigning({ case: 'KW-SKI' });
    const job = (await (await fetch(bridge)).json()) as { document: string };
    const dir = await mkdtemp(path.join(tmpdir(), 'kw-cms-keyid-'));
    try {
      const signing = tb.card(TOLVAN, 'signing');
      await writeFile(path.join(dir, 'doc'), Buffer.from(job.document, 'base64'));
      await writeFile(path.join(dir, 'cert.pem'), signing.cert);
      await writeFile(path.join(dir, 'key.pem'), signing.key);
      // openssl stamps signingTime from its own clock: run it at the portal's (the test's) time.
      const at = tb.clock.now().toISOString().replace('T', ' ').slice(0, 19);
      await promisify(execFile)('faketime', [at, 'openssl', 'cms', '-sign', '-binary', '-keyid', '-md', 'sha256', '-nodetach', '-in', 'doc', '-signer', 'cert.pem', '-inkey', 'key.pem', '-outform', 'DER', '-out', 'sig.der'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC' } });
      const cms = (await readFile(path.join(dir, 'sig.der'))).toString('base64');
      const res = await fetch(bridge, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cms }) });
      expect(await res.json()).toMatchObject({ status: 'completed' });
      expect((await tb.t.services.signing.find(request.id))?.state).toBe('completed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('re-verification still holds offline, later, with the responder gone', async () => {
    const { bridge } = await startSigning({ case: 'KW-3' });
    const { body } = await signWith(bridge);
    tb.ocsp.faults.mode = 'down';
    tb.clock.advance(400 * 24 * 3600_000);
    try {
      const evidence = await tb.t.services.signing.evidence(body.evidenceId ?? '');
      expect(evidence).toBeDefined();
      if (evidence) expect((await tb.t.services.signing.reverify(evidence)).ok).toBe(true);
    } finally {
      tb.ocsp.faults.mode = 'ok';
      tb.clock.set('2026-11-28T09:00:00Z');
    }
  });
});

describe('refused card signatures: nothing is stored and the person is told why', () => {
  it.each([
    ['the login certificate instead of the signing certificate', { certificate: 'login' }, 'not_a_signing_certificate'],
    ['a signature over another digest (digest substitution)', { tamper: 'digest' }, 'digest_mismatch'],
    ['a signature enveloping other content', { tamper: 'content' }, 'content_mismatch'],
    ['another person’s card', { personnummer: '197505121231' }, 'wrong_person'],
  ])('%s', async (_name, body, code) => {
    const { cookie, request, bridge } = await startSigning({ case: `bad-${code}` });
    const result = await signWith(bridge, body);
    expect(result).toMatchObject({ status: 422, body: { error: code } });
    expect(await tb.t.services.db.selectFrom('signature_evidence').select('id').where('request_id', '=', request.id).executeTakeFirst()).toBeUndefined();
    const page = await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie } });
    expect(page.body).toContain('role="alert"');
    expect(page.body).toContain('<h1>Underteckna</h1>');
  });

  it('a card without an activated signing certificate: the person is told how to activate it', async () => {
    const unactivated = await buildSigner({ portalUrl: tb.portalUrl, cards: signerCardsOf(false), signingCode: '123456', clock: tb.clock });
    const url = await unactivated.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { cookie, request, bridge } = await startSigning({ case: 'noact' });
      const res = await fetch(`${url}/api/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bridge, personnummer: TOLVAN }) });
      expect(await res.json()).toMatchObject({ status: 200, body: { status: 'noted' } });
      const page = await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie } });
      expect(page.body).toContain('lås upp signering i Net iD Client och sätt en egen signeringskod');
    } finally {
      await unactivated.close();
    }
  });

  it('someone else cannot open or start another person’s sign request', async () => {
    const { request } = await startSigning({ case: 'other' });
    const other = await tb.t.loginAs('198112289874');
    expect((await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie: other.cookie } })).statusCode).toBe(403);
    const start = await tb.t.app.inject({ method: 'POST', url: `/sign/${request.id}/card`, headers: { cookie: other.cookie }, payload: { _csrf: other.csrf } });
    expect(start.statusCode).toBe(403);
  });

  it('stored evidence that was altered afterwards no longer verifies', async () => {
    const { bridge } = await startSigning({ case: 'KW-9' });
    const { body } = await signWith(bridge);
    const evidence = await tb.t.services.signing.evidence(body.evidenceId ?? '');
    if (!evidence) throw new Error('no evidence');
    const altered = { ...evidence, document: evidence.document.replace('KW-9', 'KW-8') };
    expect(await tb.t.services.signing.reverify(altered)).toMatchObject({ ok: false, checks: { digest: false } });
  });

  it('an OCSP answer about another certificate (replayed into the evidence) does not verify', async () => {
    const { bridge } = await startSigning({ case: 'KW-11' });
    const { body } = await signWith(bridge);
    const evidence = await tb.t.services.signing.evidence(body.evidenceId ?? '');
    if (!evidence || !tb.t.services.ocsp) throw new Error('setup');
    const parsed = JSON.parse(evidence.evidence) as { ocsp: string; chain: string[] };
    // A genuine, good answer — but about Tolvan's login certificate, not the signing one.
    const login = parseCertificate(pemToDerList(tb.card(TOLVAN, 'login').cert)[0] ?? new Uint8Array());
    const issuer = parseCertificate(new Uint8Array(Buffer.from(parsed.chain[1] ?? '', 'base64')));
    const answer = await tb.t.services.ocsp.check(login, issuer, tb.demo.issuers.telia.ocspUrl);
    expect(answer.status).toBe('good');
    const replayed = { ...evidence, evidence: JSON.stringify({ ...parsed, ocsp: Buffer.from(answer.responseDer).toString('base64') }) };
    expect(await tb.t.services.signing.reverify(replayed)).toMatchObject({ ok: false, checks: { ocsp: false, signature: true } });
  });
  it('attack: a card revoked at the issuer right after a signature (its good answer cached until nextUpdate) signs again → invariant: the signature asks the responder, is refused as revoked, and no evidence is kept', async () => {
    const first = await startSigning({ case: 'KW-20' });
    expect(await signWith(first.bridge)).toMatchObject({ status: 200, body: { status: 'completed' } });
    const signingCert = parseCertificate(pemToDerList(tb.card(TOLVAN, 'signing').cert)[0] ?? new Uint8Array());
    tb.demo.pki.revoke(signingCert.x509.serialNumber, { reason: 1 });
    const requestsBefore = tb.t.services.ocsp?.stats.requests ?? 0;
    const second = await startSigning({ case: 'KW-21' });
    const refused = await signWith(second.bridge);
    expect(refused).toMatchObject({ status: 422, body: { error: 'revoked' } });
    expect(tb.t.services.ocsp?.stats.requests).toBeGreaterThan(requestsBefore);
    expect(await tb.t.services.db.selectFrom('signature_evidence').select('id').where('request_id', '=', second.request.id).execute()).toHaveLength(0);
  });
});

describe('a card refused for its certificate: the sign page says why, in Swedish and English', () => {
  const GENERIC = { sv: 'Underskriften godtogs inte. Försök igen eller kontakta IT-supporten.', en: 'The signature was not accepted. Try again or contact IT support.' };
  const cases: [string, 'revoked' | 'unknown_issuer' | 'ocsp_unavailable', { sv: string; en: string }][] = [
    ['a card whose signing certificate is revoked', 'revoked', { sv: 'certifikat för underskrift är spärrat', en: 'signing certificate on your ID card is revoked' }],
    ['a card from an issuer the agency does not accept (a look-alike CA)', 'unknown_issuer', { sv: 'inte utfärdat av någon som vi godtar', en: 'not from an issuer we accept' }],
    ['a card whose revocation check cannot be reached (responder down)', 'ocsp_unavailable', { sv: 'kontrollen inte gick att nå just nu', en: 'the check cannot be reached right now' }],
  ];
  it.each(cases)('defect: %s got the generic "try again" message → invariant: the sign page names the reason (%s) in sv and en, and nothing is signed', async (_name, code, expected) => {
    const card = await tb.demo.pki.issueCard({ issuer: 'telia', personnummer: TOLVAN, givenName: 'Tolvan', surname: 'Tolvansson', ...(code === 'unknown_issuer' ? { variant: 'foreignCa' as const } : {}) });
    if (code === 'revoked') tb.demo.pki.revoke(card.sign.serialHex, { reason: 1 });
    const { cookie, request, bridge } = await startSigning({ case: `KW-${code}` });
    const cms = createCmsSignature({
      document: new Uint8Array(Buffer.from(request.document, 'utf8')),
      certificatePem: card.sign.certPem,
      privateKeyPem: card.sign.keyPem,
      signingTime: tb.clock.now(),
    });
    if (code === 'ocsp_unavailable') tb.ocsp.faults.mode = 'down';
    let res: Response;
    try {
      res = await fetch(bridge, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cms: Buffer.from(cms).toString('base64') }) });
    } finally {
      tb.ocsp.faults.mode = 'ok';
    }
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: code });
    expect((await tb.t.services.signing.find(request.id))?.state).toBe('pending');
    expect(await tb.t.services.db.selectFrom('signature_evidence').select('id').where('request_id', '=', request.id).executeTakeFirst()).toBeUndefined();
    for (const lang of ['sv', 'en'] as const) {
      const page = await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie: `${cookie}; kw_lang=${lang}` } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('role="alert"');
      expect(page.body).toContain(expected[lang]);
      expect(page.body).not.toContain(GENERIC[lang]);
      // Still to be signed: the methods are offered again.
      expect(page.body).toContain(`action="/sign/${request.id}/start"`);
      expect(page.body).toContain('value="card:card"');
    }
  });
});

describe('an issuer profile that writes the personal number with its own prefix', () => {
  /** A portal whose Telia profile says the personal number follows "SE" (not the default "PNOSE-"). */
  let portal: TestApp;
  beforeAll(async () => {
    const issuers = JSON.parse(await readFile(tb.demo.issuersFile, 'utf8')) as { issuers: { id: string; personnummerPrefixes?: string[] }[] };
    for (const issuer of issuers.issuers) if (issuer.id === 'telia') issuer.personnummerPrefixes = ['SE'];
    const file = path.join(path.dirname(tb.demo.issuersFile), 'card-issuers-se-prefix.json');
    await writeFile(file, JSON.stringify(issuers));
    portal = await startTestApp({
      clock: tb.clock,
      env: {
        KW_CARD_ISSUERS_FILE: file,
        KW_CARD_TLS_CERT: tb.demo.tls.certPath,
        KW_CARD_TLS_KEY: tb.demo.tls.keyPath,
        KW_CARD_SIGNER_URL: 'http://127.0.0.1:9/netid/sign',
        KW_OCSP_TIMEOUT_MS: '1500',
      },
    });
  }, 60_000);
  afterAll(() => portal.close());

  it('defect: a card whose serialNumber carries the profile’s configured prefix ("SE…") signs live, but its stored evidence re-verified as invalid (only "PNOSE-" was stripped) → invariant: re-verification reads the personal number with the same profile prefixes as the live check, and the evidence is valid', async () => {
    const card = await tb.demo.pki.issueCard({ issuer: 'telia', personnummer: TOLVAN, givenName: 'Tolvan', surname: 'Tolvansson', serialNumberPrefix: 'SE' });
    const { cookie, csrf } = await portal.loginAs(TOLVAN);
    const request = await portal.services.signing.create({
      personnummer: TOLVAN,
      purpose: 'test',
      subject: 'KW-SE',
      document: { case: 'KW-SE', text: 'Ansökan' },
      text: 'Ansökan KW-SE',
      returnPath: '/start',
    });
    const page = await portal.app.inject({ method: 'POST', url: `/sign/${request.id}/card`, headers: { cookie }, payload: { _csrf: csrf } });
    const launch = /href="([^"]*bridge=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const bridge = new URL(new URL(launch).searchParams.get('bridge') ?? '').pathname;
    const cms = createCmsSignature({
      document: new Uint8Array(Buffer.from(request.document, 'utf8')),
      certificatePem: card.sign.certPem,
      privateKeyPem: card.sign.keyPem,
      signingTime: tb.clock.now(),
    });
    const res = await portal.app.inject({ method: 'POST', url: bridge, headers: { 'content-type': 'application/json' }, payload: { cms: Buffer.from(cms).toString('base64') } });
    expect(res.json()).toMatchObject({ status: 'completed' });
    const evidenceId = res.json<{ evidenceId: string }>().evidenceId;
    const evidence = await portal.services.signing.evidence(evidenceId);
    if (!evidence) throw new Error('no evidence');
    expect(evidence.signer_personnummer).toBe(TOLVAN);
    expect(await portal.services.signing.reverify(evidence)).toMatchObject({ ok: true, checks: { signer: true, chain: true } });
    const check = await portal.app.inject({ url: `/signatures/${evidenceId}`, headers: { cookie, accept: 'application/json' } });
    expect(check.json()).toMatchObject({ valid: true, checks: { signer: true } });
  });
});
