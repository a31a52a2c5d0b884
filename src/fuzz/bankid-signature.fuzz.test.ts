/**
 * Fuzzing the BankID completion verifier (verifyBankIdCompletion) with real completionData
 * from the local BankID test server: the XML signature mutated as text and as a tree
 * (attributes, element names and namespaces, comments, processing instructions, wrapping
 * and duplicated elements, entity declarations), base64 garbage, and mutated OCSP answers.
 * So that the OCSP nonce (SHA-1 of the signature text) cannot be what saves the day, each
 * mutated signature gets a genuine OCSP answer bound to it, from the test PKI's responder.
 * Invariants: never a throw; a refusal with a known code; an accepted mutation is one that
 * changed nothing signed (the same person, certificate and signed data as the original).
 */
import { DOMParser, XMLSerializer, type Document as XmlDocument, type Element as XmlElement, type Node as XmlNode } from '@xmldom/xmldom';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { createUserOcspResponse, ocspNonceFor } from '../../devtools/bankid-test-server/ocsp.js';
import { bankIdStateOf } from '../../devtools/bankid-test-server/pki.js';
import { TEST_NOW } from '../../test/support/app.js';
import { fraction, fuzzRuns, fuzzTimeout, mutatedBytes, mutatedText } from '../../test/support/fuzz.js';
import { createBankIdClient, type BankIdClient, type CompletionData } from '../bankid/rp-client.js';
import { rootsFromPem, verifyBankIdCompletion, type BankIdVerification } from '../bankid/verify.js';
import { ManualClock } from '../platform/clock.js';
import type { ParsedCertificate } from '../platform/pki.js';

const RUNS = fuzzRuns(0.5);
const TOLVAN = { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' };
const ANNA = { personnummer: '198112289874', givenName: 'Anna', surname: 'Andersson' };
const VISIBLE = Buffer.from('# Underteckna\n\nAnsökan KW-4711', 'utf8').toString('base64');
const NON_VISIBLE = Buffer.from('kundwebben:sign:KW-4711:sha256=00ff', 'utf8').toString('base64');
/** What a decoy copy of bankIdSignedData claims was shown. */
const DECOY_VISIBLE = Buffer.from('# Underteckna\n\nNågot annat', 'utf8').toString('base64');
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const BIDSIG = 'http://www.bankid.com/signature/v1.0.0/types';

const VERIFY_CODES: readonly string[] = [
  'signature_malformed',
  'references_invalid',
  'signature_invalid',
  'chain_invalid',
  'certificate_not_valid',
  'data_mismatch',
  'ocsp_invalid',
  'ocsp_not_good',
  'personnummer_mismatch',
];

const clock = new ManualClock(TEST_NOW);
let server: BankIdTestServer;
let client: BankIdClient;
let roots: ParsedCertificate[];
let completion: CompletionData;
let xml: string;
let original: Extract<BankIdVerification, { ok: true }>;
/** A genuine OCSP answer about Tolvan's certificate, bound to `signature` by its nonce. */
let ocspFor: (signature: string) => Promise<string>;
/** Another BankID user's certificate from the same PKI (base64 DER), for substitution. */
let annaCert: string;

beforeAll(async () => {
  const pki = await createBankIdTestPki({ clock, people: [TOLVAN, ANNA] });
  server = await startBankIdTestServer({ pki, people: [TOLVAN, ANNA], clock, sweepIntervalMs: 3_600_000 });
  annaCert = (pki.user(ANNA.personnummer)?.certPem ?? '').replace(/-----[^-]+-----|\s+/g, '');
  client = createBankIdClient({ baseUrl: server.url, ca: server.serverCaPem, cert: server.rpCertPem, key: server.rpKeyPem, timeoutMs: 10_000, clock });
  roots = rootsFromPem(server.userRootPem);
  const order = await client.sign({ endUserIp: '127.0.0.1', userVisibleData: VISIBLE, userNonVisibleData: NON_VISIBLE });
  server.testApp.scan({ autoStartToken: order.autoStartToken });
  await server.testApp.complete({ orderRef: order.orderRef, personnummer: TOLVAN.personnummer, deviceIp: '127.0.0.1' });
  const collected = await client.collect(order.orderRef);
  if (collected.status !== 'complete') throw new Error(`order not complete: ${collected.status}`);
  completion = collected.completionData;
  xml = Buffer.from(completion.signature, 'base64').toString('utf8');
  const state = bankIdStateOf(pki);
  const user = state.users.get(TOLVAN.personnummer);
  if (!user) throw new Error('no BankID for Tolvan');
  ocspFor = async (signature) =>
    Buffer.from(
      await createUserOcspResponse({
        userCert: user.signer,
        issuer: state.hierarchy.customerCa,
        responder: state.hierarchy.responder,
        status: 'good',
        now: clock.now(),
        nonce: ocspNonceFor(signature),
      }),
    ).toString('base64');
  const result = verify(completion);
  if (!result.ok) throw new Error(`the real completion does not verify: ${result.code} ${result.detail}`);
  original = result;
}, 120_000);
afterAll(async () => {
  await client.close();
  await server.close();
});

function verify(c: CompletionData): BankIdVerification {
  return verifyBankIdCompletion({ completion: c, expectedVisibleData: VISIBLE, expectedNonVisibleData: NON_VISIBLE, roots, at: clock.now() });
}

/** Verifies `mutated` as the signature, with a genuine OCSP answer bound to it. */
async function verifyXml(mutated: string): Promise<BankIdVerification> {
  const signature = Buffer.from(mutated, 'utf8').toString('base64');
  return verify({ ...completion, signature, ocspResponse: await ocspFor(signature) });
}

/** Refused with a known code, or accepted as exactly the original: nothing signed changed. */
function expectRefusedOrUnchanged(r: BankIdVerification, input: string) {
  if (!r.ok) {
    expect(VERIFY_CODES).toContain(r.code);
    return;
  }
  const { personnummer, name, funcId, certificate } = original;
  expect(r, `accepted: ${input}`).toMatchObject({ personnummer, name, funcId, certificate });
}

// ---------------------------------------------------------------------------------------
// Tree mutations of the signature document.

type XmlOp = 'setAttribute' | 'removeAttribute' | 'rename' | 'renamespace' | 'comment' | 'pi' | 'text' | 'clone' | 'move' | 'wrap' | 'remove';

interface XmlEdit {
  op: XmlOp;
  /** Which element (a fraction of the element count), and which other element. */
  p: number;
  q: number;
  name: string;
  value: string;
}

const TRICKY_VALUES = ['bidSignedData', 'bidKeyInfo', '#bidSignedData', '#bidKeyInfo', '', ' ', DSIG, BIDSIG, 'http://www.w3.org/2001/10/xml-exc-c14n#', 'x', '&amp;', '<', '"'];
const TRICKY_NAMES = ['Id', 'ID', 'id', 'URI', 'Algorithm', 'xmlns', 'xmlns:ds', 'xmlns:bid', 'ds:Id', 'Type'];
const ELEMENT_NAMES = ['Signature', 'SignedInfo', 'Reference', 'KeyInfo', 'X509Data', 'X509Certificate', 'Object', 'bankIdSignedData', 'usrVisibleData', 'usrNonVisibleData', 'ds:KeyInfo', 'Wrapper'];

const xmlEditArb: fc.Arbitrary<XmlEdit> = fc.record({
  op: fc.constantFrom<XmlOp>('setAttribute', 'removeAttribute', 'rename', 'renamespace', 'comment', 'pi', 'text', 'clone', 'move', 'wrap', 'remove'),
  p: fraction,
  q: fraction,
  name: fc.oneof(fc.constantFrom(...TRICKY_NAMES), fc.constantFrom(...ELEMENT_NAMES)),
  value: fc.oneof(fc.constantFrom(...TRICKY_VALUES), fc.string({ maxLength: 12 })),
});

function elementsOf(doc: XmlDocument): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (n: XmlNode) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 1) {
        out.push(c as XmlElement);
        walk(c);
      }
    }
  };
  walk(doc);
  return out;
}

function contains(ancestor: XmlNode, node: XmlNode): boolean {
  for (let n: XmlNode | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

/** Parse errors end an edit (caught below) instead of being logged. */
function quiet(level: 'warning' | 'error' | 'fatalError', message: string): void {
  if (level !== 'warning') throw new Error(message);
}

/** One tree edit; an edit the DOM refuses (or one that makes no sense here) leaves the text as it was. */
function applyXmlEdit(text: string, e: XmlEdit): string {
  try {
    const doc = new DOMParser({ onError: quiet }).parseFromString(text, 'text/xml');
    const all = elementsOf(doc);
    const el = all[Math.floor(e.p * all.length)];
    const other = all[Math.floor(e.q * all.length)];
    if (!el || !other) return text;
    const ns = el.namespaceURI;
    switch (e.op) {
      case 'setAttribute':
        el.setAttribute(e.name, e.value);
        break;
      case 'removeAttribute': {
        const attr = el.attributes.item(Math.floor(e.q * el.attributes.length));
        if (!attr) return text;
        el.removeAttribute(attr.name);
        break;
      }
      case 'rename':
      case 'renamespace': {
        const renamed = e.op === 'rename' ? doc.createElementNS(ns, e.name) : doc.createElementNS(ns === DSIG ? BIDSIG : DSIG, el.tagName);
        for (let i = 0; i < el.attributes.length; i++) {
          const a = el.attributes.item(i);
          if (a) renamed.setAttributeNS(a.namespaceURI, a.name, a.value);
        }
        while (el.firstChild) renamed.appendChild(el.firstChild);
        el.parentNode?.replaceChild(renamed, el);
        break;
      }
      case 'comment':
        el.insertBefore(doc.createComment(e.value.replace(/--/g, '')), el.childNodes.item(Math.floor(e.q * el.childNodes.length)));
        break;
      case 'pi':
        el.insertBefore(doc.createProcessingInstruction('x', e.value.replace(/\?>/g, '')), el.firstChild);
        break;
      case 'text': {
        const t = el.firstChild?.nodeType === 3 ? el.firstChild : null;
        if (t) t.nodeValue = e.value;
        else el.appendChild(doc.createTextNode(e.value));
        break;
      }
      case 'clone':
        other.appendChild(el.cloneNode(true));
        break;
      case 'move':
        if (contains(el, other) || !el.parentNode) return text;
        other.appendChild(el);
        break;
      case 'wrap': {
        if (!el.parentNode) return text;
        const wrapper = doc.createElementNS(e.q < 0.5 ? DSIG : BIDSIG, e.name);
        el.parentNode.replaceChild(wrapper, el);
        wrapper.appendChild(el);
        break;
      }
      case 'remove':
        if (!el.parentNode || el === doc.documentElement) return text;
        el.parentNode.removeChild(el);
        break;
    }
    return new XMLSerializer().serializeToString(doc);
  } catch {
    return text;
  }
}

/** Entity and DTD tricks, placed after the XML declaration. */
const DTD_TRICKS = [
  '<!DOCTYPE Signature [<!ENTITY x "bidSignedData">]>',
  '<!DOCTYPE Signature SYSTEM "http://127.0.0.1:9/evil.dtd">',
  '<!doctype Signature [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
  '<!DOCTYPE Signature [<!ATTLIST KeyInfo Id ID #IMPLIED>]>',
];

/**
 * Signature wrapping (XSW): a copy of a signed element takes its place, the genuine one is
 * hidden elsewhere in the document, the Id moved or disguised; the copy may carry other
 * data (other usrVisibleData, another user's certificate first in KeyInfo).
 */
interface Wrapping {
  target: 'bankIdSignedData' | 'KeyInfo';
  hideIn: 'Object' | 'SignedInfo' | 'SignatureValue' | 'Signature' | 'Reference' | 'wrapper';
  idTrick: 'keep' | 'removeFromCopy' | 'removeFromOriginal' | 'ID' | 'id' | 'singleQuoted' | 'prefixed';
  evil: boolean;
}

const wrappingArb: fc.Arbitrary<Wrapping> = fc.record({
  target: fc.constantFrom('bankIdSignedData', 'KeyInfo'),
  hideIn: fc.constantFrom('Object', 'SignedInfo', 'SignatureValue', 'Signature', 'Reference', 'wrapper'),
  idTrick: fc.constantFrom('keep', 'removeFromCopy', 'removeFromOriginal', 'ID', 'id', 'singleQuoted', 'prefixed'),
  evil: fc.boolean(),
});

function wrapped(w: Wrapping): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const all = elementsOf(doc);
  const genuine = all.find((e) => e.localName === w.target);
  if (!genuine?.parentNode) throw new Error(`no ${w.target}`);
  const copy = genuine.cloneNode(true) as XmlElement;
  if (w.evil) {
    const parts = elementsOf(copy as unknown as XmlDocument);
    const first = parts.find((e) => e.localName === (w.target === 'KeyInfo' ? 'X509Certificate' : 'usrVisibleData'));
    if (first) first.textContent = w.target === 'KeyInfo' ? annaCert : DECOY_VISIBLE;
  }
  genuine.parentNode.replaceChild(copy, genuine);
  const id = genuine.getAttribute('Id') ?? '';
  switch (w.idTrick) {
    case 'keep':
    case 'singleQuoted':
      break;
    case 'removeFromCopy':
      copy.removeAttribute('Id');
      break;
    case 'removeFromOriginal':
      genuine.removeAttribute('Id');
      break;
    case 'ID':
    case 'id':
      genuine.removeAttribute('Id');
      genuine.setAttribute(w.idTrick, id);
      break;
    case 'prefixed':
      genuine.removeAttribute('Id');
      genuine.setAttributeNS('urn:x', 'x:Id', id);
      break;
  }
  const hideIn =
    w.hideIn === 'wrapper'
      ? (all.find((e) => e.localName === 'Object')?.appendChild(doc.createElementNS(DSIG, 'Wrapper')) ?? null)
      : (elementsOf(doc).find((e) => e.localName === w.hideIn) ?? null);
  (hideIn ?? doc.documentElement)?.appendChild(genuine);
  const text = new XMLSerializer().serializeToString(doc);
  // Attribute quotes are the serializer's; the single-quoted form dodges a text search for Id="…".
  return w.idTrick === 'singleQuoted' ? text.replace(`Id="${id}"`, `Id='${id}'`) : text;
}

describe('verifyBankIdCompletion under fuzzing', () => {
  it('the real completion verifies, also re-serialised (so the refusals below are about the mutations)', async () => {
    expect(original).toMatchObject({ ok: true, personnummer: TOLVAN.personnummer, funcId: 'Signing' });
    const reserialised = new XMLSerializer().serializeToString(new DOMParser().parseFromString(xml, 'text/xml'));
    expect(await verifyXml(reserialised)).toMatchObject({ ok: true, personnummer: TOLVAN.personnummer });
  });

  it('tree mutations (attributes, names, namespaces, comments, wrapping, duplicates): refused or unchanged', async () => {
    const mutated = fc
      .array(xmlEditArb, { minLength: 1, maxLength: 3 })
      .map((edits) => edits.reduce(applyXmlEdit, xml))
      .filter((m) => m !== xml);
    await fc.assert(
      fc.asyncProperty(mutated, async (m) => expectRefusedOrUnchanged(await verifyXml(m), m)),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 30));

  it('signature wrapping (a copy in place of a signed element, the genuine one hidden, Ids moved or disguised): refused or unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(wrappingArb, async (w) => {
        const m = wrapped(w);
        expectRefusedOrUnchanged(await verifyXml(m), m);
      }),
      { numRuns: Math.min(RUNS, 2 * 6 * 7 * 2) },
    );
  }, fuzzTimeout(RUNS, 30));

  it('text mutations (markup fragments inserted, deleted, replaced) and DTDs: refused or unchanged', async () => {
    const token = fc.constantFrom('<', '>', '/', '"', "'", '=', '&', ';', ' ', 'Id="bidSignedData"', "Id='bidKeyInfo'", '<!-- c -->', '<![CDATA[', ']]>', '&#60;', '&lt;', 'xmlns="urn:x"', 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"', '</Object>', '<Object>', 'A', '=');
    const mutated = fc.oneof(
      { arbitrary: mutatedText(xml, fc.array(token, { maxLength: 3 }).map((t) => t.join(''))), weight: 5 },
      { arbitrary: fc.constantFrom(...DTD_TRICKS).map((dtd) => xml.replace(/^(<\?xml[^>]*\?>)/, `$1${dtd}`)), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (m) => expectRefusedOrUnchanged(await verifyXml(m), m)),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 30));

  it('garbage in completionData.signature (not base64, base64 of anything): refused, never a throw', () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.base64String({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('base64')),
      mutatedBytes(new Uint8Array(Buffer.from(completion.signature, 'base64'))).map((b) => Buffer.from(b).toString('base64')),
      mutatedText(completion.signature, fc.constantFrom('', '=', '==', '-', '_', '!', ' ', 'A')),
    );
    fc.assert(
      fc.property(garbage, (signature) => {
        const r = verify({ ...completion, signature });
        if (r.ok) throw new Error(`garbage accepted: ${signature}`);
        expect(VERIFY_CODES).toContain(r.code);
      }),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 30));

  it('a mutated or junk OCSP answer is refused unless nothing signed changed, never a throw', () => {
    const ocsp = new Uint8Array(Buffer.from(completion.ocspResponse, 'base64'));
    const junk = fc.oneof(
      mutatedBytes(ocsp).map((b) => Buffer.from(b).toString('base64')),
      fc.string(),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
    );
    fc.assert(
      fc.property(junk, (ocspResponse) => expectRefusedOrUnchanged(verify({ ...completion, ocspResponse }), ocspResponse)),
      { numRuns: RUNS },
    );
  }, fuzzTimeout(RUNS, 30));

  it('another personal number in completionData.user: refused unless it is exactly the certificate’s', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('198112289874', ` ${TOLVAN.personnummer}`, '19121212-1212', '121212-1212')), (personalNumber) => {
        const r = verify({ ...completion, user: { ...completion.user, personalNumber } });
        expect(r.ok).toBe(personalNumber === TOLVAN.personnummer);
      }),
      { numRuns: fuzzRuns(0.1) },
    );
  });
});

describe('BankID signature: findings kept as regression tests', () => {
  // Found by the wrapping property in a first form that also demanded "a copy with other
  // data is always refused": a decoy bankIdSignedData without Id placed beside the genuine
  // one verifies. Not a flaw: the verifier reads usrVisibleData, usrNonVisibleData and
  // funcId from the signed reference only, so the decoy is never what is checked or used.
  it('an unsigned decoy beside the genuine signed data is ignored: the signed data is what counts', async () => {
    const m = wrapped({ target: 'bankIdSignedData', hideIn: 'Object', idTrick: 'removeFromCopy', evil: true });
    expect(m).toContain(DECOY_VISIBLE);
    const signature = Buffer.from(m, 'utf8').toString('base64');
    const c = { ...completion, signature, ocspResponse: await ocspFor(signature) };
    expect(verify(c)).toMatchObject({ ok: true, personnummer: TOLVAN.personnummer, funcId: 'Signing' });
    const asIfDecoyWasSent = verifyBankIdCompletion({ completion: c, expectedVisibleData: DECOY_VISIBLE, expectedNonVisibleData: NON_VISIBLE, roots, at: clock.now() });
    expect(asIfDecoyWasSent).toMatchObject({ ok: false, code: 'data_mismatch' });
  });

  it('…and a decoy that takes the Id while the genuine one keeps it too is refused as a duplicate', async () => {
    expect(await verifyXml(wrapped({ target: 'bankIdSignedData', hideIn: 'Object', idTrick: 'keep', evil: true }))).toMatchObject({
      ok: false,
      code: 'references_invalid',
    });
    expect(await verifyXml(wrapped({ target: 'KeyInfo', hideIn: 'Object', idTrick: 'singleQuoted', evil: true }))).toMatchObject({ ok: false });
  });

  // Found by the OCSP property in its first, strict form ("a mutated answer is never
  // accepted"): one bit made the length of a SET in the issuer name of the responder
  // certificate carried in the answer two bytes too short. node:crypto refuses those bytes,
  // but the verifier checks the certificate as pkijs re-encodes it, which is the genuine,
  // CA-signed one; the signed response data is unchanged. Not a flaw: the answer means what
  // it meant. The property now asks that an accepted answer changes nothing signed.
  it('a responder certificate with a too-short length inside is read as the genuine one: the same answer', () => {
    const ocsp = Buffer.from(completion.ocspResponse, 'base64');
    const issuerCn = Buffer.concat([Buffer.from('3133303106035504030c2a', 'hex'), Buffer.from('Testbank A Customer CA1 v1 for BankID Test')]);
    const at = ocsp.indexOf(issuerCn);
    expect(at).toBeGreaterThan(0);
    const changed = Buffer.from(ocsp);
    changed[at + 1] = 0x31;
    const r = verify({ ...completion, ocspResponse: changed.toString('base64') });
    expect(r).toMatchObject({ ok: true, personnummer: TOLVAN.personnummer });
  });
});
