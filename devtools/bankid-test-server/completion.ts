/**
 * completionData for a finished order: the user's XML signature (signature.ts), the OCSP
 * response about the user's certificate bound to it (ocsp.ts), user and device data — and the
 * forged variants the portal's verifier must refuse.
 */
import { KeyObject, createHash, randomBytes } from 'node:crypto';
import { luhnCheckDigit } from '../../src/identity/personnummer.js';
import type { Signer } from '../test-pki/certificates.js';
import { createUserOcspResponse, ocspNonceFor } from './ocsp.js';
import type { CompletionData, Order, Risk } from './orders.js';
import { randomNonce } from './orders.js';
import { BANKID_NAMES, BANKID_OID, lookAlikeOf, lookAlikeUser, type BankIdPkiState, type BankIdPerson } from './pki.js';
import { bankIdSignedDataXml, signBankIdXml, type SignatureForgery, type UserAuthMethod } from './signature.js';

/**
 * Forged completions for negative tests (each spoils exactly one thing):
 * - `signatureValueAltered`: one bit of SignatureValue flipped
 * - `usrNonVisibleDataAltered` / `usrVisibleDataAltered`: the signed data changed after signing
 *   (inserted when the order had none), so its Reference digest no longer matches
 * - `ocspRevoked`: the OCSP response says revoked (keyCompromise, an hour ago)
 * - `ocspWrongResponder`: the OCSP response is signed by a look-alike responder (same name,
 *   OCSPSigning) whose certificate does not chain to the BankID root
 * - `ocspNonceMismatch`: the OCSP nonce is not SHA-1 of the signature text
 * - `personalNumberMismatch`: completionData.user.personalNumber is another person's
 * - `unknownRoot`: a consistent, valid signature and OCSP response, but the whole chain (user,
 *   customer CA, bank CA, responder) comes from a look-alike hierarchy with an unknown root
 */
export type CompletionForgery =
  | SignatureForgery
  | 'ocspRevoked'
  | 'ocspWrongResponder'
  | 'ocspNonceMismatch'
  | 'personalNumberMismatch'
  | 'unknownRoot';

export const COMPLETION_FORGERIES: readonly CompletionForgery[] = [
  'signatureValueAltered',
  'usrNonVisibleDataAltered',
  'usrVisibleDataAltered',
  'ocspRevoked',
  'ocspWrongResponder',
  'ocspNonceMismatch',
  'personalNumberMismatch',
  'unknownRoot',
];

/** The test environment's default policies when the RP asks for none (BankID/SampleCode). */
export const DEFAULT_TEST_POLICIES = ['1.2.3.4.5', '1.2.3.4.10', '1.2.3.4.25', '1.2.752.60.1.6', '1.2.752.71.1.3'];

/** Whether a Mobile BankID (test policy 1.2.3.4.25) satisfies the requested policies (wildcards allowed). */
export function mobileBankIdMatches(policies: readonly string[] | undefined): boolean {
  const wanted = policies ?? DEFAULT_TEST_POLICIES;
  return wanted.some((p) =>
    p.endsWith('.*') ? `${BANKID_OID.policyTestMobile}.`.startsWith(p.slice(0, -1)) : p === BANKID_OID.policyTestMobile,
  );
}

/** A stable "unique hardware identifier" per person's simulated phone (28 base64 chars, like BankID's). */
export function uhiFor(personnummer: string): string {
  return createHash('sha1').update(`kundwebben-bankid-test-device:${personnummer}`).digest('base64');
}

/** Another valid personnummer: a known person's, or the same birth date with another birth number. */
function otherPersonalNumber(state: BankIdPkiState, personnummer: string): string {
  for (const p of state.users.keys()) if (p !== personnummer) return p;
  const birthNumber = String((Number(personnummer.slice(8, 11)) % 998) + 1).padStart(3, '0');
  const nine = `${personnummer.slice(2, 8)}${birthNumber}`;
  return `${personnummer.slice(0, 8)}${birthNumber}${luhnCheckDigit(nine)}`;
}

export interface CompletionInput {
  state: BankIdPkiState;
  order: Order;
  person: BankIdPerson;
  authMethod: UserAuthMethod;
  deviceIp: string;
  risk: Risk;
  /** Outcome of the MRTD check when requirement.mrtd was asked for. */
  mrtd: boolean;
  forgery: CompletionForgery | null;
  now: Date;
}

export async function buildCompletionData(input: CompletionInput): Promise<CompletionData> {
  const { state, order, person, forgery } = input;
  const record = state.users.get(person.personnummer);
  if (!record) throw new Error(`no BankID for ${person.personnummer}`);
  const foreign = forgery === 'unknownRoot';
  const hierarchy = foreign ? await lookAlikeOf(state) : state.hierarchy;
  const userSigner: Signer = foreign ? await lookAlikeUser(state, person) : record.signer;
  const uhi = uhiFor(person.personnummer);
  const sign = order.kind === 'sign' || order.kind === 'phone/sign';
  const signedDataXml = bankIdSignedDataXml(
    {
      funcId: sign ? 'Signing' : 'Identification',
      userVisibleData: order.request.userVisibleData,
      userNonVisibleData: order.request.userNonVisibleData,
      rp: order.rp.identity,
      nonce: randomNonce(),
      uhi,
      certificatePolicies: order.request.requirement.certificatePolicies ?? DEFAULT_TEST_POLICIES,
      authMethod: input.authMethod,
      bestBefore: Math.floor(input.now.getTime() / 1000) + 7 * 24 * 3600,
    },
    BANKID_NAMES.bank,
  );
  const xml = signBankIdXml({
    signedDataXml,
    chainDer: [userSigner.der, hierarchy.customerCa.der, hierarchy.bankCa.der],
    privateKey: KeyObject.from(userSigner.privateKey),
    ...(forgery === 'signatureValueAltered' || forgery === 'usrNonVisibleDataAltered' || forgery === 'usrVisibleDataAltered'
      ? { forgery }
      : {}),
  });
  const signature = Buffer.from(xml, 'utf8').toString('base64');
  const responder =
    forgery === 'ocspWrongResponder' ? (await lookAlikeOf(state)).responder : hierarchy.responder;
  const ocsp = await createUserOcspResponse({
    userCert: userSigner,
    issuer: hierarchy.customerCa,
    responder,
    status: forgery === 'ocspRevoked' ? { revokedAt: new Date(input.now.getTime() - 3600_000) } : 'good',
    now: input.now,
    nonce: forgery === 'ocspNonceMismatch' ? new Uint8Array(randomBytes(20)) : ocspNonceFor(signature),
  });
  const issueDate = record.notBefore.toISOString().slice(0, 10);
  return {
    user: {
      personalNumber:
        forgery === 'personalNumberMismatch' ? otherPersonalNumber(state, person.personnummer) : person.personnummer,
      name: `${person.givenName} ${person.surname}`,
      givenName: person.givenName,
      surname: person.surname,
    },
    device: { ipAddress: input.deviceIp, uhi },
    bankIdIssueDate: issueDate,
    ...(order.request.requirement.mrtd === true ? { stepUp: { mrtd: input.mrtd } } : {}),
    signature,
    ocspResponse: Buffer.from(ocsp).toString('base64'),
    ...(order.request.returnRisk ? { risk: input.risk } : {}),
  };
}
