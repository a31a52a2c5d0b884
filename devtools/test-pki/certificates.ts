/**
 * X.509 building blocks: distinguished names, the extensions the card profiles use, and one
 * function that signs a certificate. Every certificate gets SubjectKeyIdentifier and
 * AuthorityKeyIdentifier so chains can be built by key, not just by name.
 */
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DAY_MS, YEAR_MS, digest, randomSerial, sha256WithRsa, signSha256Rsa, toArrayBuffer, windowAround, wholeSeconds, type ValiditySpan } from './crypto.js';

export const OID = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  commonName: '2.5.4.3',
  givenName: '2.5.4.42',
  surname: '2.5.4.4',
  /** Subject serialNumber: where Swedish e-ID certificates carry the personnummer. */
  serialNumber: '2.5.4.5',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  /** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): do not check the responder's own revocation. */
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspAccess: '1.3.6.1.5.5.7.48.1',
} as const;

/** Attribute types written as PrintableString (RFC 5280 requires it for C; serialNumber per X.520). */
const PRINTABLE = new Set<string>([OID.country, OID.serialNumber]);

/**
 * A DN with one attribute per RDN, in the given order. pkijs would put all attributes in a
 * single multi-valued RDN, which real CAs never do, so the DER is built here and parsed back.
 */
export function distinguishedName(
  attributes: readonly (readonly [oid: string, value: string])[],
): pkijs.RelativeDistinguishedNames {
  const rdns = attributes.map(
    ([oid, value]) =>
      new asn1js.Set({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: oid }),
              PRINTABLE.has(oid) ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
            ],
          }),
        ],
      }),
  );
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE_BITS;

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** The extensions the profiles need, with the criticality the profiles give them. */
export const extensions = {
  basicConstraints(ca: boolean, pathLenConstraint?: number): pkijs.Extension {
    const value = new pkijs.BasicConstraints(
      pathLenConstraint === undefined ? { cA: ca } : { cA: ca, pathLenConstraint },
    );
    return extension(pkijs.id_BasicConstraints, true, value.toSchema());
  },

  /** DER named bit string: trailing zero bits dropped and counted as unused. */
  keyUsage(usages: readonly KeyUsageName[]): pkijs.Extension {
    let bits = 0;
    for (const usage of usages) bits |= 0x80 >> KEY_USAGE_BITS[usage];
    let unusedBits = 0;
    while (unusedBits < 7 && (bits & (1 << unusedBits)) === 0) unusedBits++;
    const value = new asn1js.BitString({ valueHex: new Uint8Array([bits]), unusedBits });
    return extension(pkijs.id_KeyUsage, true, value);
  },

  extKeyUsage(purposes: readonly string[]): pkijs.Extension {
    return extension(
      pkijs.id_ExtKeyUsage,
      false,
      new pkijs.ExtKeyUsage({ keyPurposes: [...purposes] }).toSchema(),
    );
  },

  certificatePolicies(policyOids: readonly string[]): pkijs.Extension {
    const policies = policyOids.map((policyIdentifier) => new pkijs.PolicyInformation({ policyIdentifier }));
    return extension(
      pkijs.id_CertificatePolicies,
      false,
      new pkijs.CertificatePolicies({ certificatePolicies: policies }).toSchema(),
    );
  },

  /** AuthorityInfoAccess with the issuer's OCSP responder (the URL a validator asks by default). */
  ocspAccess(url: string): pkijs.Extension {
    const access = new pkijs.AccessDescription({
      accessMethod: OID.ocspAccess,
      accessLocation: new pkijs.GeneralName({ type: 6, value: url }),
    });
    return extension(
      pkijs.id_AuthorityInfoAccess,
      false,
      new pkijs.InfoAccess({ accessDescriptions: [access] }).toSchema(),
    );
  },

  /** SubjectAltName: DNS names, and IP addresses as their 4 or 16 raw bytes. */
  subjectAltName(hostnames: readonly string[]): pkijs.Extension {
    const names = hostnames.map((host) =>
      isIP(host) === 0
        ? new pkijs.GeneralName({ type: 2, value: host })
        : new pkijs.GeneralName({
            type: 7,
            value: new asn1js.OctetString({ valueHex: toArrayBuffer(ipBytes(host)) }),
          }),
    );
    return extension(pkijs.id_SubjectAltName, false, new pkijs.AltName({ altNames: names }).toSchema());
  },

  ocspNoCheck(): pkijs.Extension {
    return extension(OID.ocspNoCheck, false, new asn1js.Null());
  },
};

/** IPv4 dotted quad or IPv6 (with `::`) as network-order bytes. */
function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return new Uint8Array(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = ip.includes('::') ? groups(tail) : [];
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return new Uint8Array(all.flatMap((g) => [g >> 8, g & 0xff]));
}

/** Key identifier per RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return digest('sha1', spki.subjectPublicKey.valueBlock.valueHexView);
}

/** A certificate together with what it takes to sign with its key. */
export interface Signer {
  readonly certificate: pkijs.Certificate;
  readonly der: Uint8Array;
  readonly privateKey: CryptoKey;
}

export function signerFrom(der: Uint8Array, privateKey: CryptoKey): Signer {
  return { certificate: pkijs.Certificate.fromBER(toArrayBuffer(der)), der, privateKey };
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
function x509Time(date: Date): pkijs.Time {
  return new pkijs.Time({
    type: date.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime,
    value: wholeSeconds(date),
  });
}

/**
 * Signs a v3 certificate with sha256WithRSAEncryption. Without `issuer` it is self-signed with
 * `keys.privateKey`. SKI and AKI are added here; `extensions` holds the profile's own.
 */
export async function signCertificate(spec: {
  subject: pkijs.RelativeDistinguishedNames;
  keys: CryptoKeyPair;
  issuer?: Signer;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  extensions: readonly pkijs.Extension[];
}): Promise<Signer> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(spec.serial) });
  cert.subject = spec.subject;
  cert.issuer = spec.issuer?.certificate.subject ?? spec.subject;
  cert.notBefore = x509Time(spec.notBefore);
  cert.notAfter = x509Time(spec.notAfter);
  await cert.subjectPublicKeyInfo.importKey(spec.keys.publicKey);
  const ownKeyId = keyIdentifier(cert.subjectPublicKeyInfo);
  const issuerKeyId = spec.issuer ? keyIdentifier(spec.issuer.certificate.subjectPublicKeyInfo) : ownKeyId;
  const aki = new pkijs.AuthorityKeyIdentifier({
    keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(issuerKeyId) }),
  });
  cert.extensions = [
    ...spec.extensions,
    extension(
      pkijs.id_SubjectKeyIdentifier,
      false,
      new asn1js.OctetString({ valueHex: toArrayBuffer(ownKeyId) }),
    ),
    extension(pkijs.id_AuthorityKeyIdentifier, false, aki.toSchema()),
  ];
  cert.signature = sha256WithRsa();
  cert.signatureAlgorithm = sha256WithRsa();
  const signature = await signSha256Rsa(
    spec.issuer?.privateKey ?? spec.keys.privateKey,
    cert.encodeTBS().toBER(false),
  );
  cert.signatureValue = new asn1js.BitString({ valueHex: toArrayBuffer(signature) });
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  return {
    certificate: pkijs.Certificate.fromBER(toArrayBuffer(der)),
    der,
    privateKey: spec.keys.privateKey,
  };
}

/**
 * A delegated OCSP responder (RFC 6960 §4.2.2.2): issued directly by the CA it answers for,
 * id-kp-OCSPSigning, no revocation check of its own; valid from a day before the span for five
 * years past it.
 */
export function signOcspResponder(spec: { subject: pkijs.RelativeDistinguishedNames; keys: CryptoKeyPair; issuer: Signer; span: ValiditySpan }): Promise<Signer> {
  return signCertificate({
    subject: spec.subject,
    keys: spec.keys,
    issuer: spec.issuer,
    serial: randomSerial(),
    ...windowAround(spec.span, DAY_MS, 5 * YEAR_MS),
    extensions: [extensions.keyUsage(['digitalSignature']), extensions.extKeyUsage([OID.ocspSigning]), extensions.ocspNoCheck()],
  });
}
