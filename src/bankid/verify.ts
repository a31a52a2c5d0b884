/**
 * Verification of a BankID completion (reference §9, §10): the XMLDSig in
 * `completionData.signature` must carry exactly the two references BankID uses
 * (#bidSignedData, #bidKeyInfo — no wrapping), verify with the user certificate from
 * KeyInfo, whose chain ends at a configured BankID user root; the signed usrVisibleData and
 * usrNonVisibleData must be exactly what we sent (read from the signed references, not from
 * the document); the OCSP response must be good for the user certificate and signed by an
 * authorised responder, and bound to this signature by its nonce; and `user.personalNumber`
 * must be the certificate's serialNumber. The same function re-verifies stored evidence
 * later (with `at` = the time of signing).
 */
import { X509Certificate, createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignedXml } from 'xml-crypto';
import { OcspError, verifyOcspResponse } from '../card/ocsp.js';
import { isCanonicalPersonalNumber } from '../identity/personnummer.js';
import { OID, derToPem, isIssuedBy, parseCertificate, subjectAttribute, toArrayBuffer, type ParsedCertificate } from '../platform/pki.js';
import type { CompletionData } from './rp-client.js';

export type BankIdVerifyError =
  | 'signature_malformed'
  | 'references_invalid'
  | 'signature_invalid'
  | 'chain_invalid'
  | 'certificate_not_valid'
  | 'data_mismatch'
  | 'ocsp_invalid'
  | 'ocsp_not_good'
  | 'personnummer_mismatch';

export type BankIdVerification =
  | {
      ok: true;
      personnummer: string;
      name: string;
      funcId: string | null;
      certificate: { serial: string; notAfter: Date; issuer: string };
      /** When BankID's OCSP responder vouched for the certificate (producedAt): when it was signed. */
      producedAt: Date;
    }
  | { ok: false; code: BankIdVerifyError; detail: string };

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const BIDSIG = 'http://www.bankid.com/signature/v1.0.0/types';
const MAX_SIGNATURE_BYTES = 256 * 1024;

function fail(code: BankIdVerifyError, detail: string): BankIdVerification {
  return { ok: false, code, detail };
}

function children(node: Element, ns: string, name: string): Element[] {
  const out: Element[] = [];
  for (let n = node.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name) out.push(n as Element);
  }
  return out;
}

/**
 * Whether the OCSP response's nonce binds it to `signature`: the extension value (raw, or
 * inside an OCTET STRING) starts with SHA-1 of the signature's base64 text (reference §9
 * (6), as pybankid's verifier reads real responses). Without this a good answer about the
 * same certificate from another order would pass for this one.
 */
function ocspNonceBinds(responseDer: Uint8Array, signature: string): boolean {
  try {
    const response = pkijs.OCSPResponse.fromBER(toArrayBuffer(responseDer));
    if (!response.responseBytes) return false;
    const basic = pkijs.BasicOCSPResponse.fromBER(toArrayBuffer(response.responseBytes.response.valueBlock.valueHexView));
    const extension = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
    if (!extension) return false;
    const expected = createHash('sha1').update(signature, 'utf8').digest();
    const raw = Buffer.from(extension.extnValue.valueBlock.valueHexView);
    if (raw.subarray(0, expected.length).equals(expected)) return true;
    const inner = asn1js.fromBER(toArrayBuffer(raw)).result;
    return inner instanceof asn1js.OctetString && Buffer.from(inner.valueBlock.valueHexView).subarray(0, expected.length).equals(expected);
  } catch {
    return false;
  }
}

function textOf(parent: Element | undefined, ns: string, name: string): string | null {
  if (!parent) return null;
  const found = children(parent, ns, name);
  return found.length === 1 && found[0] ? (found[0].textContent ?? '') : null;
}

export function verifyBankIdCompletion(input: {
  completion: CompletionData;
  /** What we sent, base64 exactly as sent (undefined when nothing was sent). */
  expectedVisibleData: string | undefined;
  expectedNonVisibleData: string | undefined;
  roots: readonly ParsedCertificate[];
  at: Date;
}): BankIdVerification {
  const { completion, at } = input;
  let xml: string;
  try {
    const raw = Buffer.from(completion.signature, 'base64');
    if (raw.byteLength === 0 || raw.byteLength > MAX_SIGNATURE_BYTES) return fail('signature_malformed', 'empty or too large');
    xml = raw.toString('utf8');
  } catch {
    return fail('signature_malformed', 'not base64');
  }
  // No DTDs at all: no entity expansion, no external references.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return fail('signature_malformed', 'DTD present');
  let doc: Document;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml') as unknown as Document;
  } catch (err) {
    return fail('signature_malformed', (err as Error).message);
  }
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== DSIG || root.localName !== 'Signature') return fail('signature_malformed', 'root is not ds:Signature');
  const signedInfo = children(root, DSIG, 'SignedInfo');
  const keyInfos = children(root, DSIG, 'KeyInfo');
  if (signedInfo.length !== 1 || keyInfos.length !== 1 || !signedInfo[0] || !keyInfos[0]) {
    return fail('signature_malformed', 'SignedInfo/KeyInfo count');
  }
  const refs = children(signedInfo[0], DSIG, 'Reference').map((r) => r.getAttribute('URI'));
  if (refs.length !== 2 || !refs.includes('#bidSignedData') || !refs.includes('#bidKeyInfo')) {
    return fail('references_invalid', `references ${refs.join(',')}`);
  }
  if (keyInfos[0].getAttribute('Id') !== 'bidKeyInfo') return fail('references_invalid', 'KeyInfo is not #bidKeyInfo');
  const idCount = (xml.match(/\bId="bidSignedData"/g) ?? []).length + (xml.match(/\bId="bidKeyInfo"/g) ?? []).length;
  if (idCount !== 2) return fail('references_invalid', 'duplicated signed ids');

  // The certificates in KeyInfo: leaf first, then its issuers (BankID leaves out the root).
  let chain: ParsedCertificate[];
  try {
    const x509Data = children(keyInfos[0], DSIG, 'X509Data')[0];
    const certs = x509Data ? children(x509Data, DSIG, 'X509Certificate') : [];
    chain = certs.map((c) => parseCertificate(new Uint8Array(Buffer.from((c.textContent ?? '').replace(/\s+/g, ''), 'base64'))));
  } catch (err) {
    return fail('signature_malformed', `certificate: ${(err as Error).message}`);
  }
  const leaf = chain[0];
  if (!leaf) return fail('signature_malformed', 'no certificate in KeyInfo');
  const linked = chain.every((c, i) => {
    const next = chain[i + 1];
    return next ? isIssuedBy(c, next) : true;
  });
  const last = chain[chain.length - 1];
  const anchored = !!last && input.roots.some((r) => isIssuedBy(last, r) || Buffer.from(r.der).equals(Buffer.from(last.der)));
  if (!linked || !anchored) return fail('chain_invalid', 'certificate chain does not end at a configured BankID root');
  for (const c of chain) {
    if (new Date(c.x509.validFrom).getTime() > at.getTime() || new Date(c.x509.validTo).getTime() < at.getTime()) {
      return fail('certificate_not_valid', `${c.x509.subject} not valid at ${at.toISOString()}`);
    }
  }

  let signedReferences: string[];
  try {
    const sig = new SignedXml({ publicCert: derToPem(leaf.der), getCertFromKeyInfo: () => null });
    sig.loadSignature(root);
    if (!sig.checkSignature(xml)) return fail('signature_invalid', 'XML signature does not verify');
    signedReferences = sig.getSignedReferences();
  } catch (err) {
    return fail('signature_invalid', (err as Error).message);
  }

  // Read the signed data from what was actually signed.
  const signedData = signedReferences
    .map((s) => new DOMParser().parseFromString(s, 'text/xml').documentElement)
    .find((e) => e?.namespaceURI === BIDSIG && e.localName === 'bankIdSignedData');
  if (!signedData) return fail('references_invalid', 'bankIdSignedData is not among the signed references');
  const visible = textOf(signedData as unknown as Element, BIDSIG, 'usrVisibleData');
  const nonVisible = textOf(signedData as unknown as Element, BIDSIG, 'usrNonVisibleData');
  if ((visible ?? undefined) !== input.expectedVisibleData || (nonVisible ?? undefined) !== input.expectedNonVisibleData) {
    return fail('data_mismatch', 'signed data differs from what was sent');
  }
  const clientInfo = children(signedData as unknown as Element, BIDSIG, 'clientInfo')[0];
  const funcId = textOf(clientInfo, BIDSIG, 'funcId');

  const issuer = chain[1];
  if (!issuer) return fail('chain_invalid', 'no issuer certificate for the OCSP check');
  const ocspDer = new Uint8Array(Buffer.from(completion.ocspResponse, 'base64'));
  let producedAt: Date;
  try {
    const ocsp = verifyOcspResponse({ responseDer: ocspDer, cert: leaf, issuer, now: at, skewMs: 10 * 60_000 });
    if (ocsp.status !== 'good') return fail('ocsp_not_good', `OCSP status ${ocsp.status}`);
    producedAt = ocsp.producedAt;
  } catch (err) {
    return fail('ocsp_invalid', err instanceof OcspError ? err.message : (err as Error).message);
  }
  if (!ocspNonceBinds(ocspDer, completion.signature)) return fail('ocsp_invalid', 'OCSP nonce does not bind the response to this signature');

  const serialNumber = subjectAttribute(leaf, OID.subjectSerialNumber)[0] ?? '';
  if (!isCanonicalPersonalNumber(serialNumber) || serialNumber !== completion.user.personalNumber) {
    return fail('personnummer_mismatch', 'user.personalNumber is not the certificate serialNumber');
  }
  return {
    ok: true,
    personnummer: serialNumber,
    name: completion.user.name,
    funcId,
    certificate: { serial: leaf.x509.serialNumber.toLowerCase(), notAfter: new Date(leaf.x509.validTo), issuer: leaf.x509.issuer.replace(/\n/g, ', ') },
    producedAt,
  };
}

export function rootsFromPem(pem: string): ParsedCertificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) =>
    parseCertificate(new Uint8Array(new X509Certificate(m[0]).raw)),
  );
}
