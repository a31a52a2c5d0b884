/**
 * Attacks on card login and card signing beyond src/card/card-login.test.ts and
 * card-sign.test.ts: the bad-certificate matrix again through the reverse-proxy header,
 * a certificate policy the agency does not accept (over real TLS and via the proxy), forged
 * and spoofed proxy headers, and CMS wrapping and replay against the signing bridge. One
 * test PKI and OCSP responder serve several portals configured differently. Each test names
 * the attack and the invariant.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmsSignature } from '../../devtools/netid-signer/cms.js';
import type { Card, CardVariant } from '../../devtools/test-pki/index.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { startCardTestbed, type CardTestbed } from '../../test/support/card.js';

const TOLVAN = '191212121212';
const OKAND = '197505121231';

interface Portal {
  t: TestApp;
  /** GET on the card listener: over TLS presenting `client`, or plain HTTP as the proxy would. */
  get(pathAndQuery: string, client?: { cert: string; key: string }, headers?: Record<string, string>): Promise<{ status: number; location: string | undefined }>;
}

let tb: CardTestbed;
/** Proxy mode, trusting 127.0.0.1; Svenska Pass profile accepts only Telia's policy. */
let proxy: Portal;
/** TLS mode with the same strict issuers file. */
let strictTls: Portal;
/** Proxy mode trusting only 10.9.9.9. */
let farProxy: Portal;
const extra: Portal[] = [];
const cards = new Map<string, Card>();

async function startPortal(env: Record<string, string>): Promise<Portal> {
  const t = await startTestApp({
    clock: tb.clock,
    env: {
      KW_CARD_ISSUERS_FILE: tb.demo.issuersFile,
      KW_CARD_TLS_CERT: tb.demo.tls.certPath,
      KW_CARD_TLS_KEY: tb.demo.tls.keyPath,
      KW_OCSP_TIMEOUT_MS: '1500',
      KW_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      ...env,
    },
  });
  // Svenska Pass cards are accepted from week 35 in the plan; these portals accept them now.
  await t.services.plan.change('svenska_pass_card', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
  const listener = t.cardListener;
  if (!listener) throw new Error('no card listener');
  await listener.listen({ host: '127.0.0.1', port: 0 });
  const address = listener.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const tlsCa = readFileSync(tb.demo.tls.caPath, 'utf8');
  const portal: Portal = {
    t,
    async get(pathAndQuery, client, headers = {}) {
      if (env['KW_CARD_MODE'] === 'proxy') {
        const res = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, { headers, redirect: 'manual' });
        return { status: res.status, location: res.headers.get('location') ?? undefined };
      }
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: pathAndQuery, servername: 'localhost', ca: tlsCa, headers, agent: false, ...(client ?? {}) },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
  };
  extra.push(portal);
  return portal;
}

async function issue(name: string, variant?: CardVariant, issuer: 'telia' | 'svenska_pass' = 'telia'): Promise<void> {
  cards.set(name, await tb.demo.pki.issueCard({ issuer, personnummer: TOLVAN, givenName: 'Tolvan', surname: 'Tolvansson', ...(variant ? { variant } : {}) }));
}

beforeAll(async () => {
  tb = await startCardTestbed();
  // The same anchors, but the Svenska Pass profile accepts only Telia's certificate policy:
  // a genuine Svenska Pass card then carries a policy the agency does not accept.
  const issuers = JSON.parse(readFileSync(tb.demo.issuersFile, 'utf8')) as { issuers: { id: string; policyOids: string[] }[] };
  for (const issuer of issuers.issuers) if (issuer.id === 'svenska_pass') issuer.policyOids = [tb.demo.pki.issuer('telia').policyOid];
  const strictFile = path.join(path.dirname(tb.demo.issuersFile), 'card-issuers-strict.json');
  writeFileSync(strictFile, JSON.stringify(issuers));
  [proxy, strictTls, farProxy] = await Promise.all([
    startPortal({ KW_CARD_ISSUERS_FILE: strictFile, KW_CARD_MODE: 'proxy', KW_CARD_PROXY_ADDRESSES: '127.0.0.1,::1' }),
    startPortal({ KW_CARD_ISSUERS_FILE: strictFile }),
    startPortal({ KW_CARD_MODE: 'proxy', KW_CARD_PROXY_ADDRESSES: '10.9.9.9' }),
  ]);
  await Promise.all([
    issue('good'),
    issue('revoked'),
    issue('expired', 'expired'),
    issue('notYetValid', 'notYetValid'),
    issue('authWithNonRepudiationOnly', 'authWithNonRepudiationOnly'),
    issue('noSerialNumber', 'noSerialNumber'),
    issue('malformedSerialNumber', 'malformedSerialNumber'),
    issue('foreignCa', 'foreignCa'),
    issue('selfSigned', 'selfSigned'),
    issue('noAia', 'noAia'),
    issue('otherPolicy', undefined, 'svenska_pass'),
  ]);
  const revoked = cards.get('revoked');
  if (revoked) tb.demo.pki.revoke(revoked.auth.serialHex, { reason: 1 });
}, 90_000);

afterAll(async () => {
  for (const portal of extra) await portal.t.close();
  await tb.close();
});

function cardOf(name: string): Card {
  const card = cards.get(name);
  if (!card) throw new Error(`no card ${name}`);
  return card;
}

/** The whole journey on `portal`: start page → card listener → ticket back; the failure code or null. */
async function cardLogin(portal: Portal, present: { client?: { cert: string; key: string }; headers?: Record<string, string> }) {
  const start = await portal.t.app.inject('/login/card?method=telia_card');
  const cookie = String(start.headers['set-cookie']).split(';')[0] ?? '';
  const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
  const res = await portal.get(`/card/login?state=${state}`, present.client, present.headers);
  expect(res.status).toBe(303);
  const location = new URL(res.location ?? '');
  if (location.pathname === '/login/card/failed') return { failed: location.searchParams.get('code'), location: location.pathname + location.search };
  const back = await portal.t.app.inject({ url: location.pathname + location.search, headers: { cookie } });
  return { failed: null, location: back.headers.location };
}

/** Refused with `code`: the page says so, nobody logged in, the refusal audited with its reason. */
async function expectRefused(portal: Portal, present: Parameters<typeof cardLogin>[1], code: string, audited = true) {
  const logins = (await portal.t.services.audit.list({ event: 'login', limit: 1000 })).length;
  const result = await cardLogin(portal, present);
  expect(result.failed).toBe(code);
  const page = await portal.t.app.inject({ url: result.location ?? '', headers: { cookie: 'kw_lang=en' } });
  expect(page.statusCode).toBe(code === 'ocsp_unavailable' ? 503 : 403);
  expect(page.body).toContain(`data-code="${code}"`);
  expect((await portal.t.services.audit.list({ event: 'login', limit: 1000 })).length).toBe(logins);
  if (!audited) return;
  const [failure] = await portal.t.services.audit.list({ event: 'login_failed', limit: 1 });
  expect(failure?.details).toMatchObject({ reason: code });
}

const forwarded = (pem: string) => ({ headers: { 'x-client-cert': encodeURIComponent(pem) } });

describe('the bad-certificate matrix through the reverse-proxy header: refused with the specific reason', () => {
  const matrix: [string, () => { headers: Record<string, string> }, string][] = [
    ['no certificate forwarded', () => ({ headers: {} }), 'no_certificate'],
    ['the card’s signing certificate', () => forwarded(tb.card(TOLVAN, 'signing').cert), 'signing_certificate_for_login'],
    ['an expired card', () => forwarded(cardOf('expired').auth.certPem), 'expired'],
    ['a card not yet valid', () => forwarded(cardOf('notYetValid').auth.certPem), 'not_yet_valid'],
    ['a login certificate with nonRepudiation only', () => forwarded(cardOf('authWithNonRepudiationOnly').auth.certPem), 'signing_certificate_for_login'],
    ['no personnummer in the subject', () => forwarded(cardOf('noSerialNumber').auth.certPem), 'no_personnummer'],
    ['a malformed personnummer', () => forwarded(cardOf('malformedSerialNumber').auth.certPem), 'invalid_personnummer'],
    ['a look-alike issuer (same names, other keys)', () => forwarded(cardOf('foreignCa').auth.certPem), 'unknown_issuer'],
    ['a self-signed copy of Tolvan’s subject', () => forwarded(cardOf('selfSigned').auth.certPem), 'self_signed'],
    ['a card with no OCSP address', () => forwarded(cardOf('noAia').auth.certPem), 'ocsp_unavailable'],
    ['a revoked card', () => forwarded(cardOf('revoked').auth.certPem), 'revoked'],
    ['a genuine card with a certificate policy the agency does not accept', () => forwarded(cardOf('otherPolicy').auth.certPem), 'policy_not_accepted'],
  ];
  it.each(matrix)('%s', async (_name, present, code) => {
    await expectRefused(proxy, present(), code);
  });

  it('while a good card through the same proxy logs in (the matrix is not refusing everything)', async () => {
    expect(await cardLogin(proxy, forwarded(cardOf('good').auth.certPem))).toMatchObject({ failed: null, location: '/start/organisation' });
  });
});

describe('policy over real TLS', () => {
  it('a genuine card whose certificate policy the agency does not accept is refused at the TLS listener', async () => {
    const card = cardOf('otherPolicy');
    await expectRefused(strictTls, { client: { cert: card.auth.certPem, key: card.auth.keyPem } }, 'policy_not_accepted');
    const good = cardOf('good');
    expect(await cardLogin(strictTls, { client: { cert: good.auth.certPem, key: good.auth.keyPem } })).toMatchObject({ failed: null, location: '/start/organisation' });
  });
});

describe('forged proxy headers', () => {
  it('on the TLS listener a certificate header is ignored: only the handshake counts', async () => {
    await expectRefused(strictTls, forwarded(tb.card(TOLVAN).cert), 'no_certificate');
    // With another person's card in the handshake, the header does not make it Tolvan's login.
    const okand = tb.card(OKAND);
    const result = await cardLogin(strictTls, { client: okand, ...forwarded(tb.card(TOLVAN).cert) });
    expect(result).toMatchObject({ failed: null, location: '/login/no-account' });
  });

  it('X-Forwarded-For naming the configured proxy does not make another sender trusted', async () => {
    const spoofed = { headers: { 'x-forwarded-for': '10.9.9.9', 'x-real-ip': '10.9.9.9', 'x-client-cert': encodeURIComponent(tb.card(TOLVAN).cert) } };
    // Refused before any certificate is looked at (logged as a warning by the listener, not audited).
    await expectRefused(farProxy, spoofed, 'untrusted_forwarded_certificate', false);
  });
});

describe('CMS wrapping and replay at the signing bridge: nothing is stored, the person is told', () => {
  const sha256 = (text: string) => new Uint8Array(createHash('sha256').update(text, 'utf8').digest());

  /** Logs Tolvan in, creates a sign request and opens card signing; the bridge path and the request. */
  async function startSigning(caseId: string) {
    const { cookie, csrf } = await tb.t.loginAs(TOLVAN);
    const request = await tb.t.services.signing.create({
      personnummer: TOLVAN,
      purpose: 'test',
      subject: caseId,
      document: { case: caseId, text: 'Ansökan om utförseltillstånd' },
      text: `Ansökan ${caseId}`,
      returnPath: '/start',
    });
    const page = await tb.t.app.inject({ method: 'POST', url: `/sign/${request.id}/card`, headers: { cookie }, payload: { _csrf: csrf } });
    const launch = /href="([^"]*bridge=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const bridge = new URL(new URL(launch).searchParams.get('bridge') ?? '').pathname;
    return { cookie, request, bridge };
  }

  const sign = (document: string, options: { digestOverride?: Uint8Array; signingTime?: Date; personnummer?: string } = {}) => {
    const card = tb.card(options.personnummer ?? TOLVAN, 'signing');
    return createCmsSignature({
      document: new Uint8Array(Buffer.from(document, 'utf8')),
      certificatePem: card.cert,
      privateKeyPem: card.key,
      signingTime: options.signingTime ?? tb.clock.now(),
      ...(options.digestOverride ? { digestOverride: options.digestOverride } : {}),
    });
  };
  const signedDataOf = (der: Uint8Array) =>
    new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(new Uint8Array(der).buffer).result }).content });
  const encode = (signed: pkijs.SignedData) =>
    new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) }).toSchema().toBER());
  const other = '{"case":"KW-OTHER","text":"Något annat"}';

  const attacks: [string, (ours: string) => Uint8Array, string][] = [
    [
      'a genuine signature over other content, wrapped around our document as its content',
      (ours) => sign(ours, { digestOverride: sha256(other) }),
      'digest_mismatch',
    ],
    ['the person’s genuine signature of another sign request, replayed', () => sign(other), 'content_mismatch'],
    [
      'a second signer added next to the person’s genuine signature',
      (ours) => {
        const signed = signedDataOf(sign(ours));
        const second = signedDataOf(sign(ours, { personnummer: OKAND }));
        signed.signerInfos.push(...second.signerInfos);
        signed.certificates?.push(...(second.certificates ?? []));
        return encode(signed);
      },
      'cms_malformed',
    ],
    [
      'the genuine signature nested as the content of an outer SignedData',
      (ours) => {
        const outer = signedDataOf(sign(other));
        outer.encapContentInfo = new pkijs.EncapsulatedContentInfo({
          eContentType: '1.2.840.113549.1.7.2',
          eContent: new asn1js.OctetString({ valueHex: new Uint8Array(sign(ours)).buffer }),
        });
        return encode(outer);
      },
      'cms_malformed',
    ],
    [
      'a genuine signature of this document made two days ago, replayed',
      (ours) => sign(ours, { signingTime: new Date(tb.clock.now().getTime() - 2 * 24 * 3600_000) }),
      'signing_time_invalid',
    ],
  ];

  it.each(attacks)('%s', async (_name, build, code) => {
    const { cookie, request, bridge } = await startSigning(`KW-${code}-${Math.random().toString(36).slice(2, 8)}`);
    const res = await tb.t.app.inject({
      method: 'POST',
      url: bridge,
      headers: { 'content-type': 'application/json' },
      payload: { cms: Buffer.from(build(request.document)).toString('base64') },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ error: code });
    const stored = await tb.t.services.db.selectFrom('signature_evidence').select('id').where('request_id', '=', request.id).executeTakeFirst();
    expect(stored).toBeUndefined();
    const page = await tb.t.app.inject({ url: `/sign/${request.id}`, headers: { cookie } });
    expect(page.body).toContain('role="alert"');
    const [event] = await tb.t.services.audit.list({ event: 'signature_failed', limit: 1 });
    expect(event?.details).toMatchObject({ method: 'card', reason: code });
  });

  it('while the person’s genuine signature of this document is accepted (the attacks fail for their own reason)', async () => {
    const { request, bridge } = await startSigning('KW-GENUINE');
    const res = await tb.t.app.inject({
      method: 'POST',
      url: bridge,
      headers: { 'content-type': 'application/json' },
      payload: { cms: Buffer.from(sign(request.document)).toString('base64') },
    });
    expect(res.json()).toMatchObject({ status: 'completed' });
  });
});
