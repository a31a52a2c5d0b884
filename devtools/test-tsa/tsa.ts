/**
 * A test time-stamping authority (RFC 3161): a test TSA root CA and a TSA certificate (RSA
 * 2048, SHA-256, critical extendedKeyUsage id-kp-timeStamping only, digitalSignature), and
 * the answers it gives: TimeStampResp with a token (TSTInfo signed as CMS SignedData, with
 * the ESS signing-certificate-v2 attribute OpenSSL requires) or a rejection. Faults for
 * tests: a wrong imprint, a bad signature. genTime is real time: OpenSSL checks it.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { systemClock, type Clock } from '../../src/platform/clock.js';
import { distinguishedName, extensions, OID, signCertificate, type Signer } from '../test-pki/certificates.js';
import { DAY_MS, YEAR_MS, generateKeyPair, randomSerial, sha256WithRsa, signSha256Rsa, spanOf, toArrayBuffer, wholeSeconds, windowAround } from '../test-pki/crypto.js';

export const TSA_POLICY = '1.3.6.1.4.1.99999.3161.1';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

export type TsaFaultMode = 'ok' | 'down' | 'unavailable' | 'reject' | 'wrong_imprint' | 'bad_signature' | 'no_certificate';

export interface TestTsa {
  readonly root: Signer;
  readonly signer: Signer;
  /** A token over SHA-256 of `data` (or over `imprint`), as a ContentInfo DER. */
  token(input: { data?: Uint8Array; imprint?: Uint8Array; nonce?: asn1js.Integer; certReq?: boolean; fault?: TsaFaultMode }): Promise<Uint8Array>;
  /** The TimeStampResp (DER) to a TimeStampReq (DER). */
  answer(requestDer: Uint8Array, fault?: TsaFaultMode): Promise<Uint8Array>;
}

/** A test TSA root and TSA certificate, valid around the clock's and real time; `withoutEku` drops the EKU (a bad TSA). */
export async function createTestTsa(options: { clock?: Clock; root?: Signer; signer?: Signer; withoutEku?: boolean; name?: string } = {}): Promise<TestTsa> {
  const span = spanOf(options.clock ?? systemClock);
  const name = options.name ?? 'Kundwebben Test TSA';
  const root =
    options.root ??
    (await signCertificate({
      subject: distinguishedName([[OID.country, 'SE'], [OID.organization, 'Kundwebben test'], [OID.commonName, `${name} Root CA`]]),
      keys: await generateKeyPair(),
      serial: randomSerial(),
      ...windowAround(span, DAY_MS, 20 * YEAR_MS),
      extensions: [extensions.basicConstraints(true), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
    }));
  const signer =
    options.signer ??
    (await signCertificate({
      subject: distinguishedName([[OID.country, 'SE'], [OID.organization, 'Kundwebben test'], [OID.commonName, name]]),
      keys: await generateKeyPair(),
      issuer: root,
      serial: randomSerial(),
      ...windowAround(span, DAY_MS, 5 * YEAR_MS),
      extensions: [
        extensions.keyUsage(['digitalSignature']),
        ...(options.withoutEku ? [] : [criticalTimeStampingEku()]),
      ],
    }));
  return testTsaFrom(root, signer);
}

export function testTsaFrom(root: Signer, signer: Signer): TestTsa {
  const tsa: TestTsa = {
    root,
    signer,
    async token(input) {
      const imprint = input.imprint ?? sha256(input.data ?? new Uint8Array());
      const stamped = input.fault === 'wrong_imprint' ? sha256(new Uint8Array([...imprint, 0x42])) : imprint;
      return signToken(signer, stamped, input.nonce, input.certReq !== false && input.fault !== 'no_certificate', input.fault === 'bad_signature');
    },
    async answer(requestDer, fault = 'ok') {
      let req: pkijs.TimeStampReq;
      try {
        req = pkijs.TimeStampReq.fromBER(toArrayBuffer(requestDer));
      } catch {
        return rejection(5, 'badDataFormat'); // failInfo badDataFormat (5)
      }
      if (fault === 'reject') return rejection(25, 'systemFailure: the test TSA rejects requests');
      if (req.messageImprint.hashAlgorithm.algorithmId !== SHA256) return rejection(0, 'badAlg: only SHA-256');
      const token = await tsa.token({
        imprint: new Uint8Array(req.messageImprint.hashedMessage.valueBlock.valueHexView),
        ...(req.nonce ? { nonce: req.nonce } : {}),
        certReq: req.certReq === true,
        fault,
      });
      const resp = new pkijs.TimeStampResp({
        status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
        timeStampToken: new pkijs.ContentInfo({ schema: asn1js.fromBER(toArrayBuffer(token)).result }),
      });
      return new Uint8Array(resp.toSchema().toBER(false));
    },
  };
  return tsa;
}

function criticalTimeStampingEku(): pkijs.Extension {
  return new pkijs.Extension({
    extnID: pkijs.id_ExtKeyUsage,
    critical: true,
    extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [TIME_STAMPING] }).toSchema().toBER(false),
  });
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** status rejection (2) with one status string and the failInfo bit `bit` (RFC 3161 §2.4.2). */
function rejection(bit: number, text: string): Uint8Array {
  const bytes = new Uint8Array(4);
  bytes[bit >> 3] = 0x80 >> (bit & 7);
  const status = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: pkijs.PKIStatus.rejection }),
      new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: text })] }),
      new asn1js.BitString({ valueHex: toArrayBuffer(bytes.slice(0, (bit >> 3) + 1)), unusedBits: 7 - (bit & 7) }),
    ],
  });
  return new Uint8Array(new asn1js.Sequence({ value: [status] }).toBER(false));
}

function attribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** Signs a TSTInfo over `imprint` as CMS SignedData (signed attributes in DER order). */
async function signToken(signer: Signer, imprint: Uint8Array, nonce: asn1js.Integer | undefined, withCertificate: boolean, breakSignature: boolean): Promise<Uint8Array> {
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: TSA_POLICY,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(imprint) }),
    }),
    serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(randomSerial()) }),
    genTime: wholeSeconds(new Date()),
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(nonce ? { nonce } : {}),
  });
  const tstDer = new Uint8Array(tstInfo.toSchema().toBER(false));
  // ESS signing-certificate-v2 (RFC 5035): the SHA-256 of the TSA certificate (hash algorithm left at its default).
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(signer.der)) })] });
  const attrs = [
    attribute('1.2.840.113549.1.9.3', new asn1js.ObjectIdentifier({ value: ID_TST_INFO })),
    attribute('1.2.840.113549.1.9.5', new asn1js.GeneralizedTime({ valueDate: tstInfo.genTime })),
    attribute('1.2.840.113549.1.9.4', new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(tstDer)) })),
    attribute('1.2.840.113549.1.9.16.2.47', new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })),
  ]
    .map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) }))
    .sort((x, y) => Buffer.compare(x.der, y.der)) // DER SET OF order: verifiers re-encode it sorted
    .map(({ a }) => a);
  const signedAttrsSet = new asn1js.Set({ value: attrs.map((a) => a.toSchema()) }).toBER(false);
  const signature = await signSha256Rsa(signer.privateKey, signedAttrsSet);
  if (breakSignature) signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 0xff;
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.certificate.issuer, serialNumber: signer.certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256, algorithmParams: new asn1js.Null() }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
    signatureAlgorithm: sha256WithRsa(),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const signed = new pkijs.SignedData({
    version: 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: SHA256, algorithmParams: new asn1js.Null() })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: ID_TST_INFO, eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(tstDer) }) }),
    signerInfos: [signerInfo],
    ...(withCertificate ? { certificates: [signer.certificate] } : {}),
  });
  const info = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}
