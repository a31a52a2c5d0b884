import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { OID } from './certificates.js';
import { DAY_MS, YEAR_MS, toArrayBuffer } from './crypto.js';
import { TestPkiError } from './errors.js';
import { createTestPki, type Card, type CardVariant, type TestPki } from './pki.js';

const NOW = new Date('2026-06-01T10:00:00Z');
const PERSON = { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' } as const;
const VARIANTS: readonly CardVariant[] = [
  'expired',
  'notYetValid',
  'authWithNonRepudiationOnly',
  'noSerialNumber',
  'malformedSerialNumber',
  'pnoPrefix',
  'foreignCa',
  'selfSigned',
  'noAia',
];

const parse = (pem: string | Uint8Array) => {
  const der = typeof pem === 'string' ? new Uint8Array(new X509Certificate(pem).raw) : pem;
  return pkijs.Certificate.fromBER(toArrayBuffer(der));
};
const extensionOf = (cert: pkijs.Certificate, oid: string) => cert.extensions?.find((e) => e.extnID === oid);

function keyUsage(cert: pkijs.Certificate): { critical: boolean; usages: string[] } | undefined {
  const ext = extensionOf(cert, pkijs.id_KeyUsage);
  if (!ext) return undefined;
  const bits = (ext.parsedValue as asn1js.BitString).valueBlock.valueHexView[0] ?? 0;
  const names = [
    'digitalSignature',
    'nonRepudiation',
    'keyEncipherment',
    'dataEncipherment',
    'keyAgreement',
    'keyCertSign',
    'cRLSign',
  ];
  return { critical: ext.critical, usages: names.filter((_, i) => bits & (0x80 >> i)) };
}

/** Subject attributes as [oid, value, ASN.1 string type] in DN order. */
function subject(cert: pkijs.Certificate): [string, string, string][] {
  const types: Record<number, string> = { 12: 'UTF8String', 19: 'PrintableString' };
  return cert.subject.typesAndValues.map((tv) => [
    tv.type,
    tv.value.valueBlock.value,
    types[tv.value.idBlock.tagNumber] ?? 'other',
  ]);
}

/** pkijs decodes the extensions it knows into `parsedValue`. */
const parsed = (cert: pkijs.Certificate, oid: string): unknown => extensionOf(cert, oid)?.parsedValue;
const basicConstraints = (cert: pkijs.Certificate) =>
  parsed(cert, pkijs.id_BasicConstraints) as pkijs.BasicConstraints | undefined;
const ekus = (cert: pkijs.Certificate) =>
  (parsed(cert, pkijs.id_ExtKeyUsage) as pkijs.ExtKeyUsage | undefined)?.keyPurposes;
const policies = (cert: pkijs.Certificate) =>
  (
    parsed(cert, pkijs.id_CertificatePolicies) as pkijs.CertificatePolicies | undefined
  )?.certificatePolicies.map((p) => p.policyIdentifier);
const ocspUrls = (cert: pkijs.Certificate) =>
  (
    (parsed(cert, pkijs.id_AuthorityInfoAccess) as pkijs.InfoAccess | undefined)?.accessDescriptions ?? []
  ).map((d) => [d.accessMethod, d.accessLocation.value as string]);
const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');
const ski = (cert: pkijs.Certificate) =>
  hex(
    (parsed(cert, pkijs.id_SubjectKeyIdentifier) as asn1js.OctetString | undefined)?.valueBlock.valueHexView,
  );
const aki = (cert: pkijs.Certificate) =>
  hex(
    (parsed(cert, pkijs.id_AuthorityKeyIdentifier) as pkijs.AuthorityKeyIdentifier | undefined)?.keyIdentifier
      ?.valueBlock.valueHexView,
  );

describe('test PKI', () => {
  const clock = new ManualClock(NOW);
  let pki: TestPki;
  let card: Card;
  const variants = new Map<CardVariant, Card>();

  let issuedAt = 0;

  beforeAll(async () => {
    issuedAt = Date.now();
    pki = await createTestPki({ clock, ocspBaseUrl: 'http://127.0.0.1:8802/ocsp/' });
    // All keys at once: WebCrypto generates RSA keys on libuv's thread pool.
    const issued = await Promise.all([
      pki.issueCard({ issuer: 'telia', ...PERSON }),
      ...VARIANTS.map((variant) => pki.issueCard({ issuer: 'telia', ...PERSON, variant })),
    ]);
    card = issued[0]!;
    VARIANTS.forEach((variant, i) => variants.set(variant, issued[i + 1]!));
  });

  it('builds each issuer as root → intermediate (pathLen 0) → delegated OCSP responder', () => {
    for (const id of pki.issuerIds) {
      const anchors = pki.issuer(id);
      const root = new X509Certificate(anchors.rootPem);
      const intermediate = new X509Certificate(anchors.intermediatePem);
      const responder = new X509Certificate(anchors.ocspResponderPem);
      expect(root.checkIssued(root) && root.verify(root.publicKey)).toBe(true);
      expect(intermediate.checkIssued(root) && intermediate.verify(root.publicKey)).toBe(true);
      expect(responder.checkIssued(intermediate) && responder.verify(intermediate.publicKey)).toBe(true);
      expect(root.ca && intermediate.ca && !responder.ca).toBe(true);
      expect(root.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

      const rootInfo = parse(anchors.rootPem);
      const intermediateInfo = parse(anchors.intermediatePem);
      expect(extensionOf(rootInfo, pkijs.id_BasicConstraints)?.critical).toBe(true);
      expect(basicConstraints(rootInfo)?.cA).toBe(true);
      expect(basicConstraints(intermediateInfo)?.pathLenConstraint).toBe(0);
      expect(keyUsage(rootInfo)).toEqual({ critical: true, usages: ['keyCertSign', 'cRLSign'] });
      expect(keyUsage(intermediateInfo)).toEqual({ critical: true, usages: ['keyCertSign', 'cRLSign'] });
      expect(rootInfo.signatureAlgorithm.algorithmId).toBe('1.2.840.113549.1.1.11');
      // AKI of each certificate is the SKI of its issuer.
      expect(ski(rootInfo)).toMatch(/^[0-9a-f]{40}$/);
      expect(aki(rootInfo)).toBe(ski(rootInfo));
      expect(aki(intermediateInfo)).toBe(ski(rootInfo));

      const responderInfo = parse(anchors.ocspResponderPem);
      expect(aki(responderInfo)).toBe(ski(intermediateInfo));
      expect(ekus(responderInfo)).toEqual([OID.ocspSigning]);
      expect(extensionOf(responderInfo, OID.ocspNoCheck)).toBeDefined();
      expect(keyUsage(responderInfo)).toEqual({ critical: true, usages: ['digitalSignature'] });
      expect(anchors.ocspUrl).toBe(`http://127.0.0.1:8802/ocsp/${id}`);
    }
    expect(new X509Certificate(pki.issuer('telia').rootPem).subject).toBe(
      'C=SE\nO=Test Telia Company AB\nCN=Test Telia Root CA v2',
    );
    expect(new X509Certificate(pki.issuer('svenska_pass').intermediatePem).subject).toBe(
      'C=SE\nO=Test AB Svenska Pass\nCN=Test AB Svenska Pass e-legitimation CA',
    );
    expect(pki.issuer('svenska_pass').policyOid).toBe('1.2.752.9999.2.1');
  });

  it('issues a card as two certificates with separate keys chaining to the issuer', () => {
    const intermediate = new X509Certificate(pki.issuer('telia').intermediatePem);
    const root = new X509Certificate(pki.issuer('telia').rootPem);
    for (const cert of [card.auth, card.sign]) {
      const leaf = new X509Certificate(cert.certPem);
      expect(leaf.checkIssued(intermediate)).toBe(true);
      expect(leaf.verify(intermediate.publicKey)).toBe(true);
      expect(intermediate.verify(root.publicKey)).toBe(true);
      expect(leaf.checkPrivateKey(createPrivateKey(cert.keyPem))).toBe(true);
      expect(leaf.serialNumber.toLowerCase()).toBe(cert.serialHex);
      expect(cert.serialHex).toMatch(/^[4-7][0-9a-f]{31}$/); // 16 bytes, positive, no leading zero
      // A day before the earlier and three years after the later of the PKI's clock and real time.
      const from = new Date(leaf.validFrom).getTime();
      const to = new Date(leaf.validTo).getTime();
      expect(from).toBeGreaterThanOrEqual(Math.min(NOW.getTime(), issuedAt) - DAY_MS - 1000);
      expect(from).toBeLessThanOrEqual(Math.min(NOW.getTime(), Date.now()) - DAY_MS);
      expect(to).toBeGreaterThanOrEqual(Math.max(NOW.getTime(), issuedAt) + 3 * YEAR_MS - 1000);
      expect(to).toBeLessThanOrEqual(Math.max(NOW.getTime(), Date.now()) + 3 * YEAR_MS);
      expect(cert.notAfter).toEqual(new Date(leaf.validTo));
      expect(Buffer.from(cert.certDer).equals(leaf.raw)).toBe(true);
      expect(pki.status(cert.serialHex)).toBe('good');
    }
    expect(
      new X509Certificate(card.auth.certPem).publicKey.equals(
        new X509Certificate(card.sign.certPem).publicKey,
      ),
    ).toBe(false);
    expect(card.auth.serialHex).not.toBe(card.sign.serialHex);
  });

  it('writes the personnummer as subject serialNumber (PrintableString) next to C, givenName, surname and CN', () => {
    expect(subject(parse(card.auth.certDer))).toEqual([
      [OID.country, 'SE', 'PrintableString'],
      [OID.surname, 'Tolvansson', 'UTF8String'],
      [OID.givenName, 'Tolvan', 'UTF8String'],
      [OID.serialNumber, '191212121212', 'PrintableString'],
      [OID.commonName, 'Tolvan Tolvansson', 'UTF8String'],
    ]);
    expect(subject(parse(card.sign.certDer))).toEqual(subject(parse(card.auth.certDer)));
  });

  it('gives the auth certificate digitalSignature + clientAuth and the sign certificate nonRepudiation only', () => {
    const auth = parse(card.auth.certDer);
    const sign = parse(card.sign.certDer);
    expect(keyUsage(auth)).toEqual({ critical: true, usages: ['digitalSignature', 'keyEncipherment'] });
    expect(ekus(auth)).toEqual([OID.clientAuth, OID.emailProtection]);
    expect(keyUsage(sign)).toEqual({ critical: true, usages: ['nonRepudiation'] });
    expect(extensionOf(sign, pkijs.id_ExtKeyUsage)).toBeUndefined();
    for (const cert of [auth, sign]) {
      expect(policies(cert)).toEqual(['1.2.752.9999.1.1']);
      expect(ocspUrls(cert)).toEqual([[OID.ocspAccess, 'http://127.0.0.1:8802/ocsp/telia']]);
      expect(aki(cert)).toBe(ski(parse(pki.issuer('telia').intermediatePem)));
      expect(ski(cert)).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  describe('variants', () => {
    const intermediate = () => new X509Certificate(pki.issuer('telia').intermediatePem);
    const leaves = (variant: CardVariant) => {
      const c = variants.get(variant)!;
      return {
        auth: new X509Certificate(c.auth.certPem),
        sign: new X509Certificate(c.sign.certPem),
        card: c,
      };
    };
    const serialNumberOf = (cert: X509Certificate) =>
      subject(parse(new Uint8Array(cert.raw))).find(([oid]) => oid === OID.serialNumber)?.[1];

    it('expired and notYetValid lie outside the clock and real time, still signed by the issuer', () => {
      const expired = leaves('expired');
      const notYet = leaves('notYetValid');
      for (const leaf of [expired.auth, expired.sign])
        expect(new Date(leaf.validTo).getTime()).toBeLessThan(Math.min(NOW.getTime(), Date.now()));
      for (const leaf of [notYet.auth, notYet.sign])
        expect(new Date(leaf.validFrom).getTime()).toBeGreaterThan(Math.max(NOW.getTime(), Date.now()));
      expect(
        expired.auth.verify(intermediate().publicKey) && notYet.auth.verify(intermediate().publicKey),
      ).toBe(true);
      expect(pki.status(expired.card.auth.serialHex)).toBe('good');
    });

    it('authWithNonRepudiationOnly has nonRepudiation as the auth key usage', () => {
      expect(keyUsage(parse(new Uint8Array(leaves('authWithNonRepudiationOnly').auth.raw)))?.usages).toEqual([
        'nonRepudiation',
      ]);
    });

    it('noSerialNumber, malformedSerialNumber and pnoPrefix change only subject serialNumber', () => {
      expect(serialNumberOf(leaves('noSerialNumber').auth)).toBeUndefined();
      expect(serialNumberOf(leaves('malformedSerialNumber').auth)).toBe('ABC123');
      expect(serialNumberOf(leaves('pnoPrefix').auth)).toBe('PNOSE-191212121212');
      expect(serialNumberOf(leaves('pnoPrefix').sign)).toBe('PNOSE-191212121212');
      expect(leaves('pnoPrefix').auth.subject).toContain('CN=Tolvan Tolvansson');
    });

    it('foreignCa copies the issuer DN but not its key; the responder does not know it', () => {
      const { auth, card: foreign } = leaves('foreignCa');
      expect(auth.issuer).toBe(intermediate().subject);
      // OpenSSL's check_issued also compares AKI with the issuer's SKI.
      expect(auth.checkIssued(intermediate())).toBe(false);
      expect(auth.verify(intermediate().publicKey)).toBe(false);
      expect(pki.status(foreign.auth.serialHex)).toBe('unknown');
    });

    it('selfSigned certificates are their own issuers', () => {
      const { auth, sign, card: self } = leaves('selfSigned');
      for (const leaf of [auth, sign]) {
        expect(leaf.issuer).toBe(leaf.subject);
        expect(leaf.verify(leaf.publicKey)).toBe(true);
        // Without keyCertSign OpenSSL does not call a certificate its own issuer.
        expect(leaf.checkIssued(leaf)).toBe(false);
      }
      expect(pki.status(self.sign.serialHex)).toBe('unknown');
    });

    it('noAia has no AuthorityInfoAccess', () => {
      expect(
        extensionOf(parse(new Uint8Array(leaves('noAia').auth.raw)), pkijs.id_AuthorityInfoAccess),
      ).toBeUndefined();
      expect(
        extensionOf(parse(new Uint8Array(leaves('expired').auth.raw)), pkijs.id_AuthorityInfoAccess),
      ).toBeDefined();
    });
  });

  it('revokes with reason and time; unknown serials stay unknown', () => {
    const serial = variants.get('noAia')!.sign.serialHex;
    expect(pki.status(serial.toUpperCase())).toBe('good');
    pki.revoke(new X509Certificate(variants.get('noAia')!.sign.certPem).serialNumber, { reason: 1 });
    expect(pki.status(serial)).toBe('revoked');
    expect(pki.status('0123456789abcdef')).toBe('unknown');
    expect(() => pki.revoke('0123456789abcdef')).toThrow(
      expect.objectContaining({ code: 'unknown_serial' }) as Error,
    );
    expect(() => pki.revoke(variants.get('foreignCa')!.auth.serialHex)).toThrow(TestPkiError);
    expect(() => pki.revoke(serial, { reason: 7 })).toThrow(/CRLReason 7/);
    expect(pki.issued().find((r) => r.serialHex === serial)).toMatchObject({
      usage: 'sign',
      issuer: 'telia',
      variant: 'noAia',
      ocspUrl: null,
    });
  });

  it('refuses unknown issuers and malformed personnummer', async () => {
    await expect(pki.issueCard({ issuer: 'bankid' as 'telia', ...PERSON })).rejects.toMatchObject({
      code: 'unknown_issuer',
    });
    await expect(
      pki.issueCard({ issuer: 'telia', ...PERSON, personnummer: '121212-1212' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('issues a server certificate that Node accepts for localhost, 127.0.0.1 and ::1 with the TLS CA', async () => {
    const server = await pki.issueServerCertificate();
    const x509 = new X509Certificate(server.certPem);
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(ekus(parse(server.certDer))).toEqual([OID.serverAuth]);
    expect(x509.verify(new X509Certificate(pki.tlsCaPem).publicKey)).toBe(true);
    expect(new X509Certificate(pki.tlsCaPem).subject).toContain('CN=Kundwebben Test TLS CA');

    // The real check: TLS hostname verification against the test CA, which OpenSSL does at
    // real time. The PKI's clock is elsewhere; the certificate covers both (DESIGN §3a).
    const httpsServer = https.createServer({ cert: server.certPem, key: server.keyPem }, (_req, res) =>
      res.end('ok'),
    );
    httpsServer.listen(0, '127.0.0.1');
    await once(httpsServer, 'listening');
    const { port } = httpsServer.address() as AddressInfo;
    try {
      // With `servername` the name checked is localhost, without it the IP address.
      for (const name of [{ servername: 'localhost' }, {}]) {
        const body = await new Promise<string>((resolve, reject) => {
          https
            .get({ host: '127.0.0.1', port, ca: pki.tlsCaPem, ...name }, (res) => {
              res.setEncoding('utf8');
              let text = '';
              res.on('data', (chunk: string) => (text += chunk));
              res.on('end', () => resolve(text));
            })
            .on('error', reject);
        });
        expect(body).toBe('ok');
      }
    } finally {
      httpsServer.close();
    }
  });

  it('dates every certificate over both its clock and real time, whichever way they differ', async () => {
    for (const offset of [2 * YEAR_MS, -YEAR_MS]) {
      const moved = new ManualClock(new Date(Date.now() + offset));
      const other = await createTestPki({ clock: moved, ocspBaseUrl: 'http://127.0.0.1:8802/ocsp' });
      const issued = await other.issueCard({ issuer: 'svenska_pass', ...PERSON });
      const server = await other.issueServerCertificate();
      const anchors = other.issuer('svenska_pass');
      const all = [anchors.rootPem, anchors.intermediatePem, anchors.ocspResponderPem, other.tlsCaPem, issued.auth.certPem, issued.sign.certPem, server.certPem];
      for (const pem of all) {
        const x509 = new X509Certificate(pem);
        for (const at of [moved.now().getTime(), Date.now()]) {
          expect(new Date(x509.validFrom).getTime()).toBeLessThanOrEqual(at);
          expect(new Date(x509.validTo).getTime()).toBeGreaterThan(at);
        }
      }
    }
  });

  it('takes custom issuers', async () => {
    const custom = await createTestPki({
      clock,
      ocspBaseUrl: 'http://ocsp.test',
      issuers: [
        {
          id: 'siths',
          rootName: 'Test SITHS Root',
          intermediateName: 'Test SITHS e-id CA',
          organization: 'Test Inera AB',
          policyOid: '1.2.752.9999.3.1',
        },
      ],
    });
    expect(custom.issuerIds).toEqual(['siths']);
    expect(custom.issuer('siths').ocspUrl).toBe('http://ocsp.test/siths');
    await expect(createTestPki({ clock, ocspBaseUrl: 'ftp://x', issuers: [] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
