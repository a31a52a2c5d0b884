/**
 * completionData.signature: the XML signature the BankID app makes with the user's key, in
 * the exact shape of a real test-environment signature (shared/reference/bankid.md §9,
 * BankID/SampleCode DigitalSignatureTest.java): a `Signature` root in the xmldsig default
 * namespace, SignedInfo (c14n 2001-03-15, RSA-SHA256) with two References — `#bidSignedData`
 * (Type http://www.bankid.com/signature/v1.0.0/types) and `#bidKeyInfo` — SignatureValue,
 * KeyInfo Id="bidKeyInfo" with the chain user → customer CA → bank CA (root left out), and an
 * Object with `bankIdSignedData`.
 *
 * BankID emits the XML already canonical (explicit end tags, no whitespace between elements,
 * namespace declarations on SignedInfo and KeyInfo, attributes in c14n order), so the digests
 * are over the very bytes written here — which is also what lets verifiers like pybankid hash
 * substrings. The tests check the result with xml-crypto.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { BankIdRpIdentity } from './pki.js';

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const BANKID_SIGNATURE_NS = 'http://www.bankid.com/signature/v1.0.0/types';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** The simulated device: a Mobile BankID on an iPhone. */
export const SIMULATED_DEVICE = { platform: 'ios', type: 'IOS', osVersion: '17.5', appVersion: '7.12.1.5' } as const;

/** How the user proved possession in the app: security code ("pw", as in the real sample) or biometrics. */
export type UserAuthMethod = 'pin' | 'biometric';

export interface SignedDataInput {
  /** "Identification" for auth orders, "Signing" for sign orders (see report: unconfirmed wording). */
  funcId: 'Identification' | 'Signing';
  /** base64 exactly as the RP sent it. */
  userVisibleData: string | undefined;
  userNonVisibleData: string | undefined;
  rp: BankIdRpIdentity;
  /** base64 of 20 random bytes (srvInfo/nonce; meaning undocumented). */
  nonce: string;
  uhi: string;
  certificatePolicies: readonly string[];
  authMethod: UserAuthMethod;
  /** Unix seconds (clientInfo version best_before). */
  bestBefore: number;
}

/** c14n text escaping (only needed for defensive completeness: every value here is base64 or fixed). */
function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');

/** The RP certificate's subject as BankID writes srvInfo/name (most specific first, lower-case short names). */
export function srvInfoName(rp: BankIdRpIdentity, bank: string): string {
  return `cn=${rp.organisationName},name=${rp.displayName},serialNumber=${rp.orgnr},o=${bank},c=SE`;
}

/** The `bankIdSignedData` element, canonical. */
export function bankIdSignedDataXml(input: SignedDataInput, bank: string): string {
  const d = SIMULATED_DEVICE;
  const version = `Personal=${d.appVersion}&BankID_exe=${d.appVersion}&BISP=${d.appVersion}&platform=${d.platform}&os_version=${d.osVersion}&display_version=&uhi=${input.uhi}&legacyuhi=${input.uhi}&best_before=${input.bestBefore}&`;
  const conditions = input.certificatePolicies.map((oid) => `<value>${text(oid)}</value>`).join('');
  return (
    `<bankIdSignedData xmlns="${BANKID_SIGNATURE_NS}" Id="bidSignedData">` +
    (input.userVisibleData === undefined
      ? ''
      : `<usrVisibleData charset="UTF-8" visible="wysiwys">${text(input.userVisibleData)}</usrVisibleData>`) +
    (input.userNonVisibleData === undefined ? '' : `<usrNonVisibleData>${text(input.userNonVisibleData)}</usrNonVisibleData>`) +
    `<srvInfo><name>${b64(srvInfoName(input.rp, bank))}</name><nonce>${text(input.nonce)}</nonce><displayName>${b64(input.rp.displayName)}</displayName></srvInfo>` +
    `<clientInfo><funcId>${input.funcId}</funcId><version>${b64(version)}</version>` +
    `<env><ai><type>${b64(d.type)}</type><deviceInfo>${b64(d.osVersion)}</deviceInfo><uhi>${text(input.uhi)}</uhi><fsib>0</fsib><utb>cs1</utb>` +
    `<requirement><condition><type>CertificatePolicies</type>${conditions}</condition></requirement>` +
    `<uauth>${input.authMethod === 'pin' ? 'pw' : 'bio'}</uauth></ai></env></clientInfo>` +
    `</bankIdSignedData>`
  );
}

function reference(uri: string, digest: string, type?: string): string {
  return (
    `<Reference${type === undefined ? '' : ` Type="${type}"`} URI="${uri}"><Transforms><Transform Algorithm="${C14N}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${SHA256}"></DigestMethod><DigestValue>${digest}</DigestValue></Reference>`
  );
}

const sha256b64 = (xml: string) => createHash('sha256').update(xml, 'utf8').digest('base64');

/** Ways to spoil a signature for the portal's negative tests (applied after signing). */
export type SignatureForgery = 'signatureValueAltered' | 'usrNonVisibleDataAltered' | 'usrVisibleDataAltered';

/**
 * The whole signature document. `chainDer` is leaf first (user, customer CA, bank CA);
 * `privateKey` is the user's.
 */
export function signBankIdXml(input: {
  signedDataXml: string;
  chainDer: readonly Uint8Array[];
  privateKey: KeyObject;
  forgery?: SignatureForgery;
}): string {
  const keyInfo =
    `<KeyInfo xmlns="${XMLDSIG_NS}" Id="bidKeyInfo"><X509Data>` +
    input.chainDer.map((der) => `<X509Certificate>${Buffer.from(der).toString('base64')}</X509Certificate>`).join('') +
    `</X509Data></KeyInfo>`;
  const signedInfo =
    `<SignedInfo xmlns="${XMLDSIG_NS}"><CanonicalizationMethod Algorithm="${C14N}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${RSA_SHA256}"></SignatureMethod>` +
    reference('#bidSignedData', sha256b64(input.signedDataXml), BANKID_SIGNATURE_NS) +
    reference('#bidKeyInfo', sha256b64(keyInfo)) +
    `</SignedInfo>`;
  const signatureValue = sign('sha256', Buffer.from(signedInfo, 'utf8'), input.privateKey);
  let signedData = input.signedDataXml;
  switch (input.forgery) {
    case 'signatureValueAltered': {
      const i = signatureValue.length >> 1;
      signatureValue[i] = (signatureValue[i] ?? 0) ^ 0x01;
      break;
    }
    case 'usrNonVisibleDataAltered':
      signedData = alterElement(signedData, 'usrNonVisibleData', '<srvInfo>');
      break;
    case 'usrVisibleDataAltered':
      signedData = alterElement(signedData, 'usrVisibleData', '<usrNonVisibleData>');
      break;
    case undefined:
      break;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="no"?><Signature xmlns="${XMLDSIG_NS}">` +
    `${signedInfo}<SignatureValue>${signatureValue.toString('base64')}</SignatureValue>${keyInfo}` +
    `<Object>${signedData}</Object></Signature>`
  );
}

/**
 * Replaces the element's base64 content with other data (or inserts the element before
 * `insertBefore` when the order had none), as an attacker would after signing.
 */
function alterElement(xml: string, element: string, insertBefore: string): string {
  const pattern = new RegExp(`(<${element}[^>]*>)([^<]*)(</${element}>)`);
  const match = pattern.exec(xml);
  if (!match) {
    const forged = `<${element}>${b64('forged after signing')}</${element}>`;
    const at = [insertBefore, '<srvInfo>'].map((tag) => xml.indexOf(tag)).find((i) => i >= 0) ?? 0;
    return `${xml.slice(0, at)}${forged}${xml.slice(at)}`;
  }
  const original = Buffer.from(match[2] ?? '', 'base64');
  const altered = Buffer.concat([original, Buffer.from(' (forged)', 'utf8')]).toString('base64');
  return xml.replace(pattern, `$1${altered}$3`);
}
