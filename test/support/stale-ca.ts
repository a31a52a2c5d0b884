/**
 * A self-signed CA certificate that is not valid yet (from `daysAhead` days on), as older
 * versions left in demo data folders when they dated TLS CAs from a demo clock ahead of
 * real time. Written over a saved PKI's file to prove that start-up remakes the PKI.
 */
import { OID, distinguishedName, extensions, signCertificate, type Signer } from '../../devtools/test-pki/certificates.js';
import { DAY_MS, YEAR_MS, generateKeyPair, randomSerial } from '../../devtools/test-pki/crypto.js';

export async function notYetValidCa(commonName: string, daysAhead = 300): Promise<Signer> {
  return signCertificate({
    subject: distinguishedName([[OID.commonName, commonName]]),
    keys: await generateKeyPair(),
    serial: randomSerial(),
    notBefore: new Date(Date.now() + daysAhead * DAY_MS),
    notAfter: new Date(Date.now() + 20 * YEAR_MS),
    extensions: [extensions.basicConstraints(true, 0), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
  });
}
