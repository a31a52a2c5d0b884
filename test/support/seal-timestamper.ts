/**
 * A minimal RFC 3161 time-stamping authority for the seal's tests: a TSA certificate (EKU
 * id-kp-timeStamping, critical) from the test PKI primitives, and a timestamper that answers
 * with a real TimeStampToken (a CMS SignedData over a TSTInfo whose imprint is the SHA-256 of
 * what it is given). Its genTime is real time, as an RFC 3161 service's is.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { distinguishedName, extensions, OID, signCertificate, type Signer } from '../../devtools/test-pki/certificates.js';
import { DAY_MS, generateKeyPair, randomSerial, toArrayBuffer, windowAround, YEAR_MS, type ValiditySpan } from '../../devtools/test-pki/crypto.js';

const ID_KP_TIMESTAMPING = '1.3.6.1.5.5.7.3.8';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const TEST_POLICY = '1.3.6.1.4.1.99999.16.1';

export interface TestTsa {
  tsa: Signer;
  /** Every imprint it stamped (SHA-256 of what it was given), in order. */
  stamped: Uint8Array[];
  timestamper: (data: Uint8Array) => Promise<Uint8Array>;
}

export async function createTestTsa(issuer: Signer, span: ValiditySpan): Promise<TestTsa> {
  const eku = new pkijs.Extension({
    extnID: pkijs.id_ExtKeyUsage,
    critical: true,
    extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [ID_KP_TIMESTAMPING] }).toSchema().toBER(false),
  });
  const tsa = await signCertificate({
    subject: distinguishedName([
      [OID.country, 'SE'],
      [OID.organization, 'Kundwebben test'],
      [OID.commonName, 'Kundwebben Test TSA'],
    ]),
    keys: await generateKeyPair(),
    issuer,
    serial: randomSerial(),
    ...windowAround(span, DAY_MS, 2 * YEAR_MS),
    extensions: [extensions.keyUsage(['digitalSignature']), eku],
  });
  const stamped: Uint8Array[] = [];
  let serial = 1;
  return {
    tsa,
    stamped,
    timestamper: async (data) => {
      const imprint = new Uint8Array(createHash('sha256').update(data).digest());
      stamped.push(imprint);
      const tstInfo = new pkijs.TSTInfo({
        version: 1,
        policy: TEST_POLICY,
        messageImprint: new pkijs.MessageImprint({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
          hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(imprint) }),
        }),
        serialNumber: new asn1js.Integer({ value: serial++ }),
        genTime: new Date(Math.floor(Date.now() / 1000) * 1000),
      });
      const content = new Uint8Array(tstInfo.toSchema().toBER(false));
      const essCertId = new asn1js.Sequence({
        value: [new asn1js.OctetString({ valueHex: toArrayBuffer(new Uint8Array(createHash('sha256').update(tsa.der).digest())) })],
      });
      const signedData = new pkijs.SignedData({
        version: 3,
        encapContentInfo: new pkijs.EncapsulatedContentInfo({
          eContentType: TST_INFO,
          eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(content) }),
        }),
        certificates: [tsa.certificate],
        signerInfos: [
          new pkijs.SignerInfo({
            version: 1,
            sid: new pkijs.IssuerAndSerialNumber({ issuer: tsa.certificate.issuer, serialNumber: tsa.certificate.serialNumber }),
            signedAttrs: new pkijs.SignedAndUnsignedAttributes({
              type: 0,
              attributes: [
                new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: TST_INFO })] }),
                new pkijs.Attribute({
                  type: '1.2.840.113549.1.9.4',
                  values: [new asn1js.OctetString({ valueHex: toArrayBuffer(new Uint8Array(createHash('sha256').update(content).digest())) })],
                }),
                new pkijs.Attribute({
                  type: '1.2.840.113549.1.9.16.2.47',
                  values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] })],
                }),
              ],
            }),
          }),
        ],
      });
      await signedData.sign(tsa.privateKey, 0, 'SHA-256');
      const token = new pkijs.ContentInfo({ contentType: SIGNED_DATA, content: signedData.toSchema(true) });
      return new Uint8Array(token.toSchema().toBER(false));
    },
  };
}
