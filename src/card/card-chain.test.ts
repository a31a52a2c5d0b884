/**
 * Certification paths longer than root → intermediate → card, over real TLS and at the
 * signing bridge: the path is built through the issuer's configured intermediates, with
 * each issuer a CA whose pathLenConstraint holds, a bounded depth and no loops; and the
 * readiness probe watches the configured intermediates' expiry as it does the anchors'.
 * Each test opens with the defect or attack and the invariant.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmsSignature } from '../../devtools/netid-signer/cms.js';
import { OID, distinguishedName, extensions, signCertificate, type Signer } from '../../devtools/test-pki/certificates.js';
import { DAY_MS, YEAR_MS, generateKeyPair, randomSerial, spanOf, toPem, windowAround, wholeSeconds } from '../../devtools/test-pki/crypto.js';
import { startOcspResponder, type OcspResponder } from '../../devtools/test-pki/index.js';
import { TEST_NOW } from '../../test/support/app.js';
import { chainProfile, createChainPki, type ChainPki } from '../../test/support/card-chains.js';
import { freePort, startCardTestbed, type CardTestbed } from '../../test/support/card.js';
import { ManualClock } from '../platform/clock.js';

const TOLVAN = '191212121212';

let tb: CardTestbed;
let chains: ChainPki;
let ocsp: OcspResponder;
let dir: string;
/** A card issued by the CA `a` of a loop of two CAs that issue each other (see makeLoop). */
let loopCard: { cert: string; key: string };

/** CAs `a` and `b`, each issued and signed by the other, and a card certificate issued by `a`. */
async function makeLoop(clock: ManualClock): Promise<{ a: Signer; b: Signer; card: { cert: string; key: string } }> {
  const span = spanOf(clock);
  const window = windowAround(span, YEAR_MS, 10 * YEAR_MS);
  const caExtensions = [extensions.basicConstraints(true), extensions.keyUsage(['keyCertSign', 'cRLSign'])];
  const dn = (cn: string) => distinguishedName([[OID.country, 'SE'], [OID.commonName, cn]]);
  const [aKeys, bKeys, cardKeys] = await Promise.all([generateKeyPair(), generateKeyPair(), generateKeyPair()]);
  // B first self-signed, only to sign A; then B again, signed by A.
  const bSelf = await signCertificate({ subject: dn('Loop CA B'), keys: bKeys, serial: randomSerial(), ...window, extensions: caExtensions });
  const a = await signCertificate({ subject: dn('Loop CA A'), keys: aKeys, issuer: bSelf, serial: randomSerial(), ...window, extensions: caExtensions });
  const b = await signCertificate({ subject: dn('Loop CA B'), keys: bKeys, issuer: a, serial: randomSerial(), ...window, extensions: caExtensions });
  const card = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.serialNumber, TOLVAN],
      [OID.commonName, 'Tolvan Tolvansson'],
    ]),
    keys: cardKeys,
    issuer: a,
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, YEAR_MS),
    extensions: [extensions.keyUsage(['digitalSignature']), extensions.extKeyUsage([OID.clientAuth]), extensions.ocspAccess('http://127.0.0.1:9/ocsp/loop')],
  });
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', card.privateKey));
  return { a, b, card: { cert: toPem(card.der, 'CERTIFICATE'), key: toPem(pkcs8, 'PRIVATE KEY') } };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kw-card-chain-'));
  const clock = new ManualClock(TEST_NOW);
  const ocspPort = await freePort();
  const ca = (name: string, more: { ca?: boolean; pathLen?: number } = {}) => ({ name, ...more });
  chains = await createChainPki({
    clock,
    ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`,
    issuers: [
      // Every pathLenConstraint as tight as the path allows: an off-by-one would refuse it.
      { id: 'four', cas: [ca('Four Root CA'), ca('Four Second Intermediate CA', { pathLen: 2 }), ca('Four Intermediate CA', { pathLen: 1 }), ca('Four Issuing CA', { pathLen: 0 })] },
      { id: 'five', cas: [ca('Five Root CA'), ca('Five CA 3'), ca('Five CA 2'), ca('Five CA 1'), ca('Five Issuing CA')] },
      { id: 'six', cas: [ca('Six Root CA'), ca('Six CA 4'), ca('Six CA 3'), ca('Six CA 2'), ca('Six CA 1'), ca('Six Issuing CA')] },
      { id: 'noca', cas: [ca('NoCA Root CA'), ca('NoCA Second Intermediate CA'), ca('NoCA Intermediate (not a CA)', { ca: false }), ca('NoCA Issuing CA')] },
      { id: 'pathlen', cas: [ca('PathLen Root CA'), ca('PathLen Second Intermediate CA', { pathLen: 0 }), ca('PathLen Intermediate CA'), ca('PathLen Issuing CA')] },
      // Three levels, as the test PKI's issuers, but the anchor allows no CA below it.
      { id: 'anchorpathlen', cas: [ca('AnchorPathLen Root CA', { pathLen: 0 }), ca('AnchorPathLen Issuing CA')] },
      { id: 'anchornoca', cas: [ca('AnchorNoCA Root (not a CA)', { ca: false }), ca('AnchorNoCA Issuing CA')] },
      {
        id: 'soon',
        cas: [
          ca('Soon Root CA'),
          // Expires ten days after the portal's clock: readiness must warn (30-day window).
          { name: 'Soon Issuing CA', validity: (span) => ({ notBefore: windowAround(span, YEAR_MS, 0).notBefore, notAfter: wholeSeconds(new Date(clock.now().getTime() + 10 * DAY_MS)) }) },
        ],
      },
    ],
  });
  const loop = await makeLoop(clock);
  loopCard = loop.card;
  const profile = (id: string) => chainProfile(dir, id, chains.cas.get(id) ?? [], { policyOid: chains.policyOid });
  const issuers = [
    ...(await Promise.all(['four', 'five', 'six', 'noca', 'pathlen', 'anchorpathlen', 'anchornoca', 'soon'].map(profile))),
    await chainProfile(dir, 'loop', [], { policyOid: chains.policyOid, anchors: (chains.cas.get('four') ?? []).slice(0, 1), intermediates: [loop.a, loop.b] }),
  ];
  const file = path.join(dir, 'card-issuers.json');
  await writeFile(file, JSON.stringify({ issuers }));
  tb = await startCardTestbed({ env: { KW_CARD_ISSUERS_FILE: file } });
  ocsp = await startOcspResponder(chains.pki, { port: ocspPort, clock: tb.clock });
}, 120_000);

afterAll(async () => {
  await ocsp.close();
  await tb.close();
  await rm(dir, { recursive: true, force: true });
});

/** The whole journey: portal start page → card listener (TLS client cert) → ticket back. */
async function cardLogin(client: { cert: string; key: string }) {
  const start = await tb.t.app.inject('/login/card?method=telia_card');
  const cookie = String(start.headers['set-cookie']).split(';')[0] ?? '';
  const state = /card\/login\?state=([A-Za-z0-9_-]{43})/.exec(start.body)?.[1] ?? '';
  const res = await tb.cardGet(`/card/login?state=${state}`, client);
  expect(res.status).toBe(303);
  const location = new URL(res.location ?? '');
  if (location.pathname === '/login/card/failed') return { failed: location.searchParams.get('code') };
  const back = await tb.t.app.inject({ url: location.pathname + location.search, headers: { cookie } });
  return { failed: null, location: back.headers.location };
}

/** Tolvan signs a new request with `signing` at the bridge; the bridge's answer and the request. */
async function cardSign(signing: { cert: string; key: string }, caseId: string) {
  const { cookie, csrf } = await tb.t.loginAs(TOLVAN);
  const request = await tb.t.services.signing.create({
    personnummer: TOLVAN,
    purpose: 'test',
    subject: caseId,
    document: { case: caseId, text: 'Ansökan' },
    text: `Ansökan ${caseId}`,
    returnPath: '/start',
  });
  const page = await tb.t.app.inject({ method: 'POST', url: `/sign/${request.id}/card`, headers: { cookie }, payload: { _csrf: csrf } });
  const launch = /href="([^"]*bridge=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const bridge = new URL(new URL(launch).searchParams.get('bridge') ?? '').pathname;
  const cms = createCmsSignature({
    document: new Uint8Array(Buffer.from(request.document, 'utf8')),
    certificatePem: signing.cert,
    privateKeyPem: signing.key,
    signingTime: tb.clock.now(),
  });
  const res = await tb.t.app.inject({ method: 'POST', url: bridge, headers: { 'content-type': 'application/json' }, payload: { cms: Buffer.from(cms).toString('base64') } });
  return { res, request };
}

async function cardOf(issuer: string) {
  const card = await chains.pki.issueCard({ issuer, personnummer: TOLVAN, givenName: 'Tolvan', surname: 'Tolvansson' });
  return { login: { cert: card.auth.certPem, key: card.auth.keyPem }, signing: { cert: card.sign.certPem, key: card.sign.keyPem } };
}

async function expectAcceptedEverywhere(issuer: string, cas: number) {
  const card = await cardOf(issuer);
  const login = await cardLogin(card.login);
  // Tolvan acts for two companies: a login ends at the choice of company.
  expect(login).toEqual({ failed: null, location: '/start/organisation' });
  const { res } = await cardSign(card.signing, `KW-${issuer}`);
  expect(res.json()).toMatchObject({ status: 'completed' });
  const evidence = await tb.t.services.signing.evidence(res.json<{ evidenceId: string }>().evidenceId);
  if (!evidence) throw new Error('no evidence');
  // The path is stored whole: the card, every CA between, and the anchor.
  expect((JSON.parse(evidence.evidence) as { chain: string[] }).chain).toHaveLength(cas + 1);
  expect(await tb.t.services.signing.reverify(evidence)).toMatchObject({ ok: true, checks: { chain: true, ocsp: true, signer: true } });
}

async function expectRefusedEverywhere(card: { login: { cert: string; key: string }; signing?: { cert: string; key: string } }, issuer: string) {
  expect((await cardLogin(card.login)).failed).toBe('unknown_issuer');
  if (!card.signing) return;
  const { res, request } = await cardSign(card.signing, `KW-${issuer}-refused`);
  expect(res.statusCode).toBe(422);
  expect(res.json()).toEqual({ error: 'unknown_issuer' });
  expect(await tb.t.services.db.selectFrom('signature_evidence').select('id').where('request_id', '=', request.id).executeTakeFirst()).toBeUndefined();
}

describe('certification paths through configured intermediates', () => {
  it('defect: a card whose chain is four CAs deep (issuing CA → intermediate → second intermediate → root), every CA configured, was refused as not issued by Telia or AB Svenska Pass → invariant: the path is built through the configured intermediates; the card logs in, signs, and its evidence re-verifies', async () => {
    await expectAcceptedEverywhere('four', 4);
  });

  it('attack: a chain whose middle CA is not a CA (basicConstraints cA=false) issues a CA below it → invariant: no path through it; refused at login and at signing as an unknown issuer, nothing stored', async () => {
    await expectRefusedEverywhere(await cardOf('noca'), 'noca');
    // The same for an anchor that is not a CA, under a three-level chain.
    await expectRefusedEverywhere(await cardOf('anchornoca'), 'anchornoca');
  });

  it('attack: a chain that breaks a CA’s pathLenConstraint (pathLen 0 with two CAs below it) → invariant: refused at login and at signing', async () => {
    await expectRefusedEverywhere(await cardOf('pathlen'), 'pathlen');
    // Also when it is the anchor's: pathLen 0 with the issuing CA below it.
    await expectRefusedEverywhere(await cardOf('anchorpathlen'), 'anchorpathlen');
  });

  it('attack: a chain deeper than the bound (six CAs, every one configured) → invariant: refused at login and at signing, while five CAs (the bound) are accepted', async () => {
    await expectRefusedEverywhere(await cardOf('six'), 'six');
    await expectAcceptedEverywhere('five', 5);
  });

  it('attack: two configured CAs that issue each other (a loop), one of them the card’s issuer → invariant: path building ends and the card is refused', async () => {
    await expectRefusedEverywhere({ login: loopCard }, 'loop');
  });
});

describe('readiness', () => {
  it('defect: readiness warned about expiring card anchors only → invariant: a configured card intermediate that expires within the warning window is warned about too', async () => {
    const ready = await tb.t.app.inject('/health/ready');
    const body = ready.json<{ warnings: string[]; certificates: Record<string, string> }>();
    expect(body.warnings).toContainEqual(expect.stringMatching(/^card-intermediate-soon-0: expires /));
    expect(body.certificates).toHaveProperty('card-intermediate-four-2');
    // The others are far from expiry: no warning about them.
    expect(body.warnings.filter((w) => w.startsWith('card-') && !w.startsWith('card-intermediate-soon-') && !w.startsWith('card-listener'))).toEqual([]);
  });
});
