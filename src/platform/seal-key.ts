/**
 * The agency's seal key: a PKCS#12 file (RFC 7292) read with pkijs/asn1js, since node:crypto
 * has no PKCS#12 reader. Reads what OpenSSL 3 writes by default (and devtools/test-pki
 * writes): PBES2 (PBKDF2-HMAC-SHA256, AES-CBC) encrypted bags and an HMAC integrity MAC,
 * which is checked first. The password never appears in an error.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as pkijs from 'pkijs';
import { ensurePkijsEngine, toArrayBuffer } from './pki.js';

const BAG = {
  key: '1.2.840.113549.1.12.10.1.1',
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  certificate: '1.2.840.113549.1.12.10.1.3',
} as const;

/** What the sealer signs with: the seal certificate, its chain without the root, and the key. */
export interface SealKey {
  readonly certificate: Uint8Array;
  /** Intermediate CA certificates, the seal's issuer first; never a self-signed root. */
  readonly chain: readonly Uint8Array[];
  readonly privateKey: KeyObject;
}

export class SealKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealKeyError';
  }
}

export async function loadSealKeyFile(file: string, password: string): Promise<SealKey> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new SealKeyError(`cannot read the seal PKCS#12 file ${file}`, { cause });
  }
  return loadSealKey(bytes, password);
}

/** Reads a PKCS#12 with one private key and its certificate (plus, optionally, its chain). */
export async function loadSealKey(p12: Uint8Array, password: string): Promise<SealKey> {
  ensurePkijsEngine();
  const secret = toArrayBuffer(new TextEncoder().encode(password));
  let certificates: Uint8Array[] = [];
  let keyDer: Uint8Array | undefined;
  try {
    const pfx = pkijs.PFX.fromBER(toArrayBuffer(p12));
    await pfx.parseInternalValues({ password: secret, checkIntegrity: true });
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) throw new SealKeyError('no authenticated safe');
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: secret })) });
    const parsed = safe.parsedValue as { safeContents?: { value: pkijs.SafeContents }[] } | undefined;
    for (const contents of parsed?.safeContents ?? []) {
      for (const bag of contents.value.safeBags) {
        if (bag.bagId === BAG.certificate) {
          const cert: unknown = (bag.bagValue as pkijs.CertBag).parsedValue;
          if (cert instanceof pkijs.Certificate) certificates.push(new Uint8Array(cert.toSchema().toBER(false)));
        } else if (bag.bagId === BAG.shroudedKey) {
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          // Public in pkijs's code, protected in its types.
          const opener = shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> };
          await opener.parseInternalValues({ password: secret });
          keyDer = new Uint8Array(shrouded.parsedValue?.toSchema().toBER(false) ?? new ArrayBuffer(0));
        } else if (bag.bagId === BAG.key) {
          keyDer = new Uint8Array((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER(false));
        }
      }
    }
  } catch (cause) {
    if (cause instanceof SealKeyError) throw cause;
    // Never the password: only that it did not open.
    throw new SealKeyError('cannot open the seal PKCS#12: wrong password or a damaged file', { cause });
  }
  if (!keyDer || keyDer.length === 0) throw new SealKeyError('the seal PKCS#12 holds no private key');
  const privateKey = createPrivateKey({ key: Buffer.from(keyDer), format: 'der', type: 'pkcs8' });
  const parsed = certificates.map((der) => ({ der, x509: new X509Certificate(der) }));
  const own = parsed.find((c) => c.x509.checkPrivateKey(privateKey));
  if (!own) throw new SealKeyError('the seal PKCS#12 holds no certificate for its private key');
  certificates = orderChain(own, parsed);
  const [certificate, ...chain] = certificates;
  if (!certificate) throw new SealKeyError('the seal PKCS#12 holds no certificate');
  return { certificate, chain, privateKey };
}

/** The seal certificate, then its issuer, and so on, up to (not including) a self-signed root. */
function orderChain(
  own: { der: Uint8Array; x509: X509Certificate },
  all: readonly { der: Uint8Array; x509: X509Certificate }[],
): Uint8Array[] {
  const out = [own.der];
  let current = own.x509;
  for (let depth = 0; depth < 8; depth++) {
    const issuer = all.find((c) => c.x509 !== current && current.checkIssued(c.x509) && current.verify(c.x509.publicKey));
    if (!issuer || issuer.x509.checkIssued(issuer.x509)) break;
    out.push(issuer.der);
    current = issuer.x509;
  }
  return out;
}
