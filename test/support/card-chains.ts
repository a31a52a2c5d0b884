/**
 * Card issuers with other chains than the test PKI's root → intermediate → card: a root
 * anchor, any number of CAs below it, and the issuing CA that signs the cards, each CA
 * with the basicConstraints a test asks for. Made with the test PKI's own helpers (real
 * RSA keys and signatures, valid at the portal's clock and real time alike), so the PKI
 * issues cards from the issuing CA and its OCSP responder answers for them as for any
 * other issuer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OID, distinguishedName, extensions, signCertificate, signOcspResponder, type Signer } from '../../devtools/test-pki/certificates.js';
import { YEAR_MS, generateKeyPair, randomSerial, spanOf, toPem, windowAround, type ValiditySpan } from '../../devtools/test-pki/crypto.js';
import { testPkiFrom, type IssuerState, type TestPki } from '../../devtools/test-pki/pki.js';
import type { Clock } from '../../src/platform/clock.js';

export interface ChainCa {
  name: string;
  /** basicConstraints cA; default true. */
  ca?: boolean;
  pathLen?: number;
  /** Default from 5 years before the span to 15 years past it. */
  validity?: (span: ValiditySpan) => { notBefore: Date; notAfter: Date };
}

export interface ChainIssuer {
  /** URL- and file-safe, also the issuer profile's id. */
  id: string;
  /** The root (self-signed, the anchor) first, the issuing CA of the cards last. */
  cas: readonly ChainCa[];
}

export interface ChainPki {
  pki: TestPki<string>;
  /** Per issuer, its CAs in the order given (root first). */
  cas: ReadonlyMap<string, readonly Signer[]>;
  policyOid: string;
}

const POLICY_OID = '1.2.752.9999.3.1';

/** Signs the CAs top down: each below the one before it, the first self-signed. */
async function caChain(cas: readonly ChainCa[], span: ValiditySpan): Promise<Signer[]> {
  const withKeys = await Promise.all(cas.map(async (spec) => ({ spec, keys: await generateKeyPair() })));
  const out: Signer[] = [];
  for (const { spec, keys } of withKeys) {
    const issuer = out[out.length - 1];
    const cert = await signCertificate({
      subject: distinguishedName([
        [OID.country, 'SE'],
        [OID.organization, 'Test Chain CA AB'],
        [OID.commonName, spec.name],
      ]),
      keys,
      ...(issuer ? { issuer } : {}),
      serial: randomSerial(),
      ...(spec.validity ? spec.validity(span) : windowAround(span, 5 * YEAR_MS, 15 * YEAR_MS)),
      extensions: [extensions.basicConstraints(spec.ca ?? true, spec.pathLen), extensions.keyUsage(['keyCertSign', 'cRLSign'])],
    });
    out.push(cert);
  }
  return out;
}

export async function createChainPki(options: { clock: Clock; ocspBaseUrl: string; issuers: readonly ChainIssuer[] }): Promise<ChainPki> {
  const span = spanOf(options.clock);
  const issuers = new Map<string, IssuerState>();
  const cas = new Map<string, readonly Signer[]>();
  await Promise.all(
    options.issuers.map(async (issuer) => {
      const chain = await caChain(issuer.cas, span);
      const root = chain[0];
      const issuing = chain[chain.length - 1];
      if (!root || !issuing) throw new Error(`issuer ${issuer.id} has no CAs`);
      const responder = await signOcspResponder({
        subject: distinguishedName([
          [OID.country, 'SE'],
          [OID.commonName, `${issuer.cas[issuer.cas.length - 1]?.name ?? issuer.id} OCSP`],
        ]),
        keys: await generateKeyPair(),
        issuer: issuing,
        span,
      });
      cas.set(issuer.id, chain);
      issuers.set(issuer.id, {
        spec: {
          id: issuer.id,
          rootName: issuer.cas[0]?.name ?? issuer.id,
          intermediateName: issuer.cas[issuer.cas.length - 1]?.name ?? issuer.id,
          organization: 'Test Chain CA AB',
          policyOid: POLICY_OID,
        },
        root,
        intermediate: issuing,
        responder,
        ocspUrl: `${options.ocspBaseUrl}/${issuer.id}`,
      });
    }),
  );
  const first = [...cas.values()][0]?.[0];
  if (!first) throw new Error('no issuers');
  // No server certificates are issued from this PKI: its TLS CA is never used.
  const pki = testPkiFrom<string>({ clock: options.clock, ocspBaseUrl: options.ocspBaseUrl, issuers, tlsCa: first, issued: new Map(), revocations: new Map() });
  return { pki, cas, policyOid: POLICY_OID };
}

/** Writes each CA as PEM under `dir` and returns the issuer profile entry (src/card/issuers.ts format) naming them. */
export async function chainProfile(
  dir: string,
  id: string,
  chain: readonly Signer[],
  options: { policyOid: string; intermediates?: readonly Signer[]; anchors?: readonly Signer[] },
): Promise<Record<string, unknown>> {
  await mkdir(path.join(dir, id), { recursive: true });
  const write = async (name: string, signer: Signer) => {
    const file = path.join(id, `${name}.pem`);
    await writeFile(path.join(dir, file), toPem(signer.der, 'CERTIFICATE'));
    return file;
  };
  const anchors = options.anchors ?? chain.slice(0, 1);
  // Listed top down, the reverse of the path's order: the configuration's order does not matter.
  const intermediates = options.intermediates ?? chain.slice(1);
  return {
    id,
    method: 'telia_card',
    name: { sv: `ID-kort (${id}, test)`, en: `ID card (${id}, test)` },
    anchors: await Promise.all(anchors.map((a, i) => write(`anchor-${i}`, a))),
    intermediates: await Promise.all(intermediates.map((c, i) => write(`intermediate-${i}`, c))),
    policyOids: [options.policyOid],
  };
}
