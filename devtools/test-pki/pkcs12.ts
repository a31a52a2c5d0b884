/**
 * PKCS#12 (RFC 7292) files the way OpenSSL 3 writes them by default, so browsers, Node and
 * `openssl pkcs12` read them: the certificate bag in a PBES2-encrypted SafeContents, the key
 * as a PBES2-shrouded key bag (both PBKDF2-HMAC-SHA256 + AES-256-CBC), and an HMAC-SHA256
 * integrity MAC. Legacy RC2/3DES PBEs are avoided on purpose: OpenSSL 3 refuses them
 * without the legacy provider.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digest, toArrayBuffer } from './crypto.js';

const BAG_ID = {
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  certificate: '1.2.840.113549.1.12.10.1.3',
} as const;
const ATTRIBUTE = { friendlyName: '1.2.840.113549.1.9.20', localKeyId: '1.2.840.113549.1.9.21' } as const;

/** OpenSSL 3's default for PBKDF2 and the MAC; tests create many files, so no more. */
const ITERATIONS = 2048;

/**
 * One identity (a certificate and its private key) as PKCS#12 DER. Both bags carry the same
 * friendlyName (what a browser's certificate picker shows) and localKeyId (SHA-1 of the
 * certificate, as OpenSSL writes it) so readers pair key and certificate.
 */
export async function createPkcs12(input: {
  certificateDer: Uint8Array;
  privateKeyPkcs8: Uint8Array;
  password: string;
  friendlyName: string;
}): Promise<Uint8Array> {
  // PBES2 takes the password as UTF-8 bytes; pkijs turns it into BMPString for the MAC key.
  const password = toArrayBuffer(new TextEncoder().encode(input.password));
  // pkijs writes contentToEncrypt into the object it gets, so each use gets its own.
  // pkijs draws the IV itself; its parameter type still asks for one, hence the assertion.
  const pbes2 = () => ({
    password,
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 } as pkijs.ContentEncryptionAlgorithm,
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: ITERATIONS,
  });
  const bagAttributes = [
    new pkijs.Attribute({
      type: ATTRIBUTE.friendlyName,
      values: [new asn1js.BmpString({ value: input.friendlyName })],
    }),
    new pkijs.Attribute({
      type: ATTRIBUTE.localKeyId,
      values: [new asn1js.OctetString({ valueHex: toArrayBuffer(digest('sha1', input.certificateDer)) })],
    }),
  ];

  const keyBag = new pkijs.PKCS8ShroudedKeyBag({
    parsedValue: pkijs.PrivateKeyInfo.fromBER(toArrayBuffer(input.privateKeyPkcs8)),
  });
  await keyBag.makeInternalValues(pbes2());
  const certBag = new pkijs.CertBag({
    parsedValue: pkijs.Certificate.fromBER(toArrayBuffer(input.certificateDer)),
  });

  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    parsedValue: {
      safeContents: [
        // privacyMode 1: password-encrypted (EncryptedData); 0: plain Data, the key is already shrouded.
        {
          privacyMode: 1,
          value: new pkijs.SafeContents({
            safeBags: [new pkijs.SafeBag({ bagId: BAG_ID.certificate, bagValue: certBag, bagAttributes })],
          }),
        },
        {
          privacyMode: 0,
          value: new pkijs.SafeContents({
            safeBags: [new pkijs.SafeBag({ bagId: BAG_ID.shroudedKey, bagValue: keyBag, bagAttributes })],
          }),
        },
      ],
    },
  });
  await authenticatedSafe.makeInternalValues({ safeContents: [pbes2(), {}] });

  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues({
    password,
    iterations: ITERATIONS,
    pbkdf2HashAlgorithm: { name: 'SHA-256' },
    hmacHashAlgorithm: 'SHA-256',
  });
  return new Uint8Array(pfx.toSchema().toBER(false));
}
