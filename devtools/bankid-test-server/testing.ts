/**
 * Test support: an RP API client over node:https with the RP certificate, and a reference
 * verifier for completionData (the recipe of shared/reference/bankid.md §9) that the tests use
 * to prove the server's signatures and OCSP responses are real — and that each forgery breaks
 * exactly what it should.
 */
import { X509Certificate, createHash, verify as verifySignature } from 'node:crypto';
import https from 'node:https';
import { DOMParser } from '@xmldom/xmldom';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignedXml } from 'xml-crypto';
import { OID } from '../test-pki/certificates.js';
import { toArrayBuffer } from '../test-pki/crypto.js';
import type { CompletionData } from './orders.js';
import { BANKID_SIGNATURE_NS, XMLDSIG_NS } from './signature.js';

export interface RpResponse {
  status: number;
  contentType: string | undefined;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

export interface RpClientOptions {
  /** Client certificate; omit both for a client without one. */
  cert?: string;
  key?: string;
  pfx?: Uint8Array;
  passphrase?: string;
  method?: string;
  /** Default `application/json`; null sends none. */
  contentType?: string | null;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
}

/** One request to `${baseUrl}/${path}` that trusts only `serverCaPem`. */
export function rpRequest(
  baseUrl: string,
  serverCaPem: string,
  path: string,
  body: unknown,
  options: RpClientOptions = {},
): Promise<RpResponse> {
  const payload = options.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${baseUrl}/${path}`,
      {
        method: options.method ?? 'POST',
        ca: serverCaPem,
        ...(options.cert === undefined ? {} : { cert: options.cert }),
        ...(options.key === undefined ? {} : { key: options.key }),
        ...(options.pfx === undefined ? {} : { pfx: Buffer.from(options.pfx) }),
        ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
        agent: false,
        headers: {
          ...(contentType === null ? {} : { 'content-type': contentType }),
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], text, json });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

export type VerificationFailure =
  | 'xml'
  | 'structure'
  | 'signature'
  | 'chain'
  | 'ocsp_status'
  | 'ocsp_signature'
  | 'ocsp_responder'
  | 'ocsp_cert_id'
  | 'ocsp_nonce'
  | 'personal_number';

export interface VerifiedCompletion {
  funcId: string;
  usrVisibleData: string | null;
  usrNonVisibleData: string | null;
  personalNumber: string;
  /** The canonical XML of both signed references (xml-crypto getSignedReferences). */
  signedReferences: string[];
  producedAt: Date;
}

export type VerifyResult = { ok: true; value: VerifiedCompletion } | { ok: false; reason: VerificationFailure; detail: string };

const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;

function childText(xml: string, element: string): string | null {
  const match = new RegExp(`<${element}(?:\\s[^>]*)?>([^<]*)</${element}>`).exec(xml);
  return match ? (match[1] ?? '') : null;
}

/** Verifies signature, chain to `userRootPem`, OCSP (status, signer, nonce) and the personal number. */
export function verifyCompletion(completion: CompletionData, userRootPem: string): VerifyResult {
  const fail = (reason: VerificationFailure, detail: string): VerifyResult => ({ ok: false, reason, detail });
  const xml = Buffer.from(completion.signature, 'base64').toString('utf8');
  if (xml.includes('<!DOCTYPE')) return fail('xml', 'DTD not allowed');
  let doc;
  try {
    doc = new DOMParser().parseFromString(xml, 'text/xml');
  } catch (err) {
    return fail('xml', (err as Error).message);
  }
  const root = doc.documentElement;
  if (root?.localName !== 'Signature' || root.namespaceURI !== XMLDSIG_NS) return fail('structure', 'root is not ds:Signature');
  const signedData = doc.getElementsByTagNameNS(BANKID_SIGNATURE_NS, 'bankIdSignedData');
  if (signedData.length !== 1 || signedData.item(0)?.getAttribute('Id') !== 'bidSignedData')
    return fail('structure', 'exactly one bankIdSignedData with Id bidSignedData');
  const certs = Array.from(doc.getElementsByTagNameNS(XMLDSIG_NS, 'X509Certificate')).map((e) =>
    new X509Certificate(pem((e.textContent ?? '').trim())),
  );
  const [leaf, customerCa, bankCa] = certs;
  if (!leaf || !customerCa || !bankCa) return fail('structure', 'KeyInfo must carry user, customer CA and bank CA');

  const sig = new SignedXml({ publicCert: leaf.toString(), getCertFromKeyInfo: () => null });
  try {
    sig.loadSignature(root as unknown as Node);
    if (!sig.checkSignature(xml)) return fail('signature', 'a reference or the signature value does not verify');
  } catch (err) {
    return fail('signature', (err as Error).message);
  }
  const uris = sig.getReferences().map((r) => r.uri);
  if (uris.length !== 2 || uris[0] !== '#bidSignedData' || uris[1] !== '#bidKeyInfo')
    return fail('structure', `references ${uris.join(',')}`);
  const signedReferences = sig.getSignedReferences();
  const signedDataXml = signedReferences.find((r) => r.startsWith('<bankIdSignedData'));
  if (signedDataXml === undefined || signedReferences.length !== 2) return fail('structure', 'signed references');

  const root_ = new X509Certificate(userRootPem);
  const links: [X509Certificate, X509Certificate][] = [
    [leaf, customerCa],
    [customerCa, bankCa],
    [bankCa, root_],
  ];
  for (const [child, parent] of links) {
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) return fail('chain', `${child.subject} not issued by ${parent.subject}`);
  }

  // OCSP
  const ocsp = pkijs.OCSPResponse.fromBER(toArrayBuffer(Buffer.from(completion.ocspResponse, 'base64')));
  if (ocsp.responseStatus.valueBlock.valueDec !== 0 || !ocsp.responseBytes) return fail('ocsp_status', 'not successful');
  const basic = pkijs.BasicOCSPResponse.fromBER(toArrayBuffer(ocsp.responseBytes.response.valueBlock.valueHexView));
  const responderPki = basic.certs?.[0];
  if (!responderPki) return fail('ocsp_responder', 'no responder certificate');
  const responder = new X509Certificate(Buffer.from(responderPki.toSchema().toBER(false)));
  if (!responder.checkIssued(customerCa) || !responder.verify(customerCa.publicKey))
    return fail('ocsp_responder', 'responder not issued by the user certificate issuer');
  if (!(responder.keyUsage ?? []).includes(OID.ocspSigning)) return fail('ocsp_responder', 'responder lacks OCSPSigning');
  const signatureOk = verifySignature(
    'sha256',
    basic.tbsResponseData.tbsView,
    responder.publicKey,
    basic.signature.valueBlock.valueHexView,
  );
  if (!signatureOk) return fail('ocsp_signature', 'OCSP signature does not verify');
  const single = basic.tbsResponseData.responses[0];
  if (basic.tbsResponseData.responses.length !== 1 || !single) return fail('ocsp_cert_id', 'one single response expected');
  const serial = Buffer.from(single.certID.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase().replace(/^0+/, '');
  const issuerKeyHash = createHash('sha1')
    .update(
      Buffer.from(
        pkijs.Certificate.fromBER(toArrayBuffer(customerCa.raw)).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
      ),
    )
    .digest();
  if (serial !== leaf.serialNumber.replace(/^0+/, '') || !issuerKeyHash.equals(Buffer.from(single.certID.issuerKeyHash.valueBlock.valueHexView)))
    return fail('ocsp_cert_id', 'OCSP answer is about another certificate');
  const status = single.certStatus as asn1js.BaseBlock;
  if (status.idBlock.tagClass !== 3 || status.idBlock.tagNumber !== 0) return fail('ocsp_status', 'certificate is not good');
  const nonce = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
  const expectedNonce = createHash('sha1').update(completion.signature, 'utf8').digest();
  if (!nonce || !Buffer.from(nonce.extnValue.valueBlock.valueHexView).subarray(0, 20).equals(expectedNonce))
    return fail('ocsp_nonce', 'nonce is not SHA-1 of the signature');

  const serialNumber = /(?:^|\n)serialNumber=(\d{12})(?:\n|$)/.exec(leaf.subject)?.[1];
  if (serialNumber !== completion.user.personalNumber)
    return fail('personal_number', `certificate ${serialNumber ?? '-'} vs completionData ${completion.user.personalNumber}`);

  return {
    ok: true,
    value: {
      funcId: childText(signedDataXml, 'funcId') ?? '',
      usrVisibleData: childText(signedDataXml, 'usrVisibleData'),
      usrNonVisibleData: childText(signedDataXml, 'usrNonVisibleData'),
      personalNumber: serialNumber,
      signedReferences,
      producedAt: basic.tbsResponseData.producedAt,
    },
  };
}
