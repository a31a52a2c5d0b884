import { execFile } from 'node:child_process';
import { X509Certificate, randomBytes, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { OID } from './certificates.js';
import { digest, toArrayBuffer } from './crypto.js';
import { startOcspResponder, type OcspResponder } from './ocsp-responder.js';
import { createTestPki, type Card, type TestPki } from './pki.js';

const run = promisify(execFile);
const PERSON = { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' } as const;

const certOf = (pem: string) =>
  pkijs.Certificate.fromBER(toArrayBuffer(new Uint8Array(new X509Certificate(pem).raw)));

async function certId(
  certPem: string,
  issuerPem: string,
  hashAlgorithm: 'SHA-1' | 'SHA-256' = 'SHA-1',
): Promise<pkijs.CertID> {
  return pkijs.CertID.create(certOf(certPem), { hashAlgorithm, issuerCertificate: certOf(issuerPem) });
}

function ocspRequest(ids: pkijs.CertID[], nonce?: Uint8Array): Uint8Array {
  const request = new pkijs.OCSPRequest();
  request.tbsRequest.requestList = ids.map((reqCert) => new pkijs.Request({ reqCert }));
  if (nonce) {
    // RFC 8954: the extension value is an OCTET STRING holding the nonce.
    const extnValue = new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false);
    request.tbsRequest.requestExtensions = [new pkijs.Extension({ extnID: OID.ocspNonce, extnValue })];
  }
  return new Uint8Array(request.toSchema(true).toBER(false));
}

interface Answer {
  http: number;
  contentType: string | null;
  status: number;
  basic?: pkijs.BasicOCSPResponse;
}

async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const body = new Uint8Array(await res.arrayBuffer());
  const contentType = res.headers.get('content-type');
  if (contentType !== 'application/ocsp-response') return { http: res.status, contentType, status: -1 };
  const response = pkijs.OCSPResponse.fromBER(toArrayBuffer(body));
  const bytes = response.responseBytes;
  const answer: Answer = {
    http: res.status,
    contentType,
    status: response.responseStatus.valueBlock.valueDec,
  };
  if (bytes) {
    expect(bytes.responseType).toBe(OID.ocspBasic);
    answer.basic = pkijs.BasicOCSPResponse.fromBER(toArrayBuffer(bytes.response.valueBlock.valueHexView));
  }
  return answer;
}

const post = (url: string, der: Uint8Array) =>
  ask(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request' },
    body: toArrayBuffer(der),
  });

/** The one certificate in `certs` and whether it signed the response. */
function signer(basic: pkijs.BasicOCSPResponse): { cert: X509Certificate; signatureOk: boolean } {
  expect(basic.certs).toHaveLength(1);
  const cert = new X509Certificate(Buffer.from(basic.certs![0]!.toSchema().toBER(false)));
  expect(basic.signatureAlgorithm.algorithmId).toBe('1.2.840.113549.1.1.11');
  const signatureOk = verify(
    'sha256',
    basic.tbsResponseData.tbsView,
    cert.publicKey,
    basic.signature.valueBlock.valueHexView,
  );
  return { cert, signatureOk };
}

type Status = { status: 'good' | 'unknown' } | { status: 'revoked'; at: Date; reason: number | undefined };

function statusOf(single: pkijs.SingleResponse): Status {
  const block = single.certStatus as asn1js.Constructed;
  const tag = block.idBlock.tagNumber;
  if (tag !== 1) return { status: tag === 0 ? 'good' : 'unknown' };
  const [time, reason] = block.valueBlock.value as [asn1js.GeneralizedTime, asn1js.Constructed | undefined];
  const enumerated = reason?.valueBlock.value[0] as asn1js.Enumerated | undefined;
  return { status: 'revoked', at: time.toDate(), reason: enumerated?.valueBlock.valueDec };
}

function nonceOf(basic: pkijs.BasicOCSPResponse): string | undefined {
  const ext = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
  return ext && Buffer.from(ext.extnValue.valueBlock.valueHexView).toString('hex');
}
const nonceExtensionHex = (nonce: Uint8Array) =>
  Buffer.from(new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false)).toString('hex');
const serialOf = (single: pkijs.SingleResponse) =>
  Buffer.from(single.certID.serialNumber.valueBlock.valueHexView).toString('hex');

describe('OCSP responder', () => {
  // Real time as the start: `openssl ocsp` below checks freshness against the system clock.
  const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  let pki: TestPki;
  let responder: OcspResponder;
  let telia: ReturnType<TestPki['issuer']>;
  let good: Card;
  let revoked: Card;
  let other: Card;
  let foreign: Card;
  let dir: string;

  beforeAll(async () => {
    pki = await createTestPki({ clock, ocspBaseUrl: 'http://127.0.0.1:1/ocsp' });
    [good, revoked, other, foreign] = await Promise.all([
      pki.issueCard({ issuer: 'telia', ...PERSON }),
      pki.issueCard({ issuer: 'telia', ...PERSON }),
      pki.issueCard({ issuer: 'svenska_pass', ...PERSON }),
      pki.issueCard({ issuer: 'telia', ...PERSON, variant: 'foreignCa' }),
    ]);
    pki.revoke(revoked.auth.serialHex, { reason: 1, at: new Date(clock.now().getTime() - 60_000) });
    telia = pki.issuer('telia');
    responder = await startOcspResponder(pki, { validitySeconds: 600 });
    dir = await mkdtemp(path.join(tmpdir(), 'kw-ocsp-'));
  });
  afterEach(() => {
    responder.faults.mode = 'ok';
    delete responder.faults.delayMs;
  });
  afterAll(async () => {
    await responder.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves under the path of ocspBaseUrl', () => {
    expect(responder.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ocsp$/);
  });

  it('answers good, signed by the delegated responder it includes, with responderID byKey, times and the nonce', async () => {
    const nonce = randomBytes(16);
    const id = await certId(good.auth.certPem, telia.intermediatePem);
    const answer = await post(`${responder.url}/telia`, ocspRequest([id], nonce));
    expect(answer).toMatchObject({ http: 200, contentType: 'application/ocsp-response', status: 0 });
    const basic = answer.basic!;
    const { cert, signatureOk } = signer(basic);
    expect(signatureOk).toBe(true);
    expect(cert.raw.equals(new X509Certificate(telia.ocspResponderPem).raw)).toBe(true);

    const responderId = basic.tbsResponseData.responderID as unknown;
    expect(responderId).toBeInstanceOf(asn1js.OctetString);
    const keyHash = digest(
      'sha1',
      certOf(telia.ocspResponderPem).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
    );
    expect(Buffer.from((responderId as asn1js.OctetString).valueBlock.valueHexView).equals(keyHash)).toBe(
      true,
    );

    const [single] = basic.tbsResponseData.responses;
    expect(single && statusOf(single)).toEqual({ status: 'good' });
    expect(single?.certID.isEqual(id)).toBe(true);
    expect(basic.tbsResponseData.producedAt).toEqual(clock.now());
    expect(single?.thisUpdate).toEqual(clock.now());
    expect(single?.nextUpdate).toEqual(new Date(clock.now().getTime() + 600_000));
    expect(nonceOf(basic)).toBe(nonceExtensionHex(nonce));
  });

  it('answers revoked with time and reason, and unknown for certificates it never issued', async () => {
    const ids = await Promise.all([
      certId(revoked.auth.certPem, telia.intermediatePem),
      certId(revoked.sign.certPem, telia.intermediatePem),
      // A Svenska Pass card asked of Telia: issuer hashes do not match.
      certId(other.auth.certPem, pki.issuer('svenska_pass').intermediatePem),
      // A look-alike card, asked with the issuer it names.
      certId(foreign.auth.certPem, telia.intermediatePem),
    ]);
    const answer = await post(`${responder.url}/telia`, ocspRequest(ids));
    const responses = answer.basic!.tbsResponseData.responses;
    expect(responses.map(statusOf)).toEqual([
      { status: 'revoked', at: new Date(clock.now().getTime() - 60_000), reason: 1 },
      { status: 'good' },
      { status: 'unknown' },
      { status: 'unknown' },
    ]);
    expect(responses.every((r, i) => r.certID.isEqual(ids[i]!))).toBe(true);
    expect(nonceOf(answer.basic!)).toBeUndefined();
    expect(signer(answer.basic!).signatureOk).toBe(true);
  });

  it('accepts SHA-256 CertIDs and echoes them', async () => {
    const id = await certId(revoked.auth.certPem, telia.intermediatePem, 'SHA-256');
    const answer = await post(`${responder.url}/telia`, ocspRequest([id]));
    const single = answer.basic!.tbsResponseData.responses[0]!;
    expect(single.certID.hashAlgorithm.algorithmId).toBe(pkijs.id_sha256);
    expect(single.certID.isEqual(id)).toBe(true);
    expect(statusOf(single).status).toBe('revoked');
  });

  it('answers GET requests with url-encoded base64, base64url and raw base64 in the path', async () => {
    const der = Buffer.from(
      ocspRequest([await certId(good.sign.certPem, telia.intermediatePem)], randomBytes(8)),
    );
    for (const encoded of [
      encodeURIComponent(der.toString('base64')),
      der.toString('base64url'),
      der.toString('base64'),
    ]) {
      const answer = await ask(`${responder.url}/telia/${encoded}`);
      expect(answer.status).toBe(0);
      expect(statusOf(answer.basic!.tbsResponseData.responses[0]!)).toEqual({ status: 'good' });
    }
  });

  it('follows the clock', async () => {
    const start = clock.now();
    clock.advance(90_000);
    try {
      const answer = await post(
        `${responder.url}/telia`,
        ocspRequest([await certId(good.auth.certPem, telia.intermediatePem)]),
      );
      expect(answer.basic!.tbsResponseData.producedAt).toEqual(new Date(start.getTime() + 90_000));
    } finally {
      clock.set(start);
    }
  });

  it('refuses what is not an OCSP request', async () => {
    const garbage = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    expect((await post(`${responder.url}/telia`, garbage)).status).toBe(1); // malformedRequest
    expect((await ask(`${responder.url}/telia/not*base64`)).status).toBe(1);
    expect((await ask(`${responder.url}/telia/${Buffer.from(garbage).toString('base64url')}`)).status).toBe(
      1,
    );
    const id = await certId(good.auth.certPem, telia.intermediatePem);
    expect((await post(`${responder.url}/bankid`, ocspRequest([id]))).status).toBe(6); // unauthorized: not our issuer
    expect(
      (
        await ask(`${responder.url}/telia`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: toArrayBuffer(ocspRequest([id])),
        })
      ).http,
    ).toBe(415);
    expect((await ask(`${responder.url}/telia`, { method: 'PUT' })).http).toBe(405);
    expect((await ask(`${responder.url.replace(/\/ocsp$/, '')}/telia`)).http).toBe(404);
  });

  it('refuses request bodies over 64 KiB without reading them', async () => {
    const big = new Uint8Array(64 * 1024 + 1);
    expect((await post(`${responder.url}/telia`, big)).http).toBe(413);
    // Same with a chunked body that announces no length.
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(16 * 1024));
        controller.close();
      },
    });
    const outcome = await fetch(`${responder.url}/telia`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: chunked,
      duplex: 'half',
    } as RequestInit).then(
      (res) => res.status,
      () => 'connection closed',
    );
    expect([413, 'connection closed']).toContain(outcome);
  });

  describe('faults', () => {
    let request: Uint8Array;
    let nonce: Buffer;
    beforeAll(async () => {
      nonce = randomBytes(16);
      request = ocspRequest([await certId(good.auth.certPem, telia.intermediatePem)], nonce);
    });

    it('down: the connection closes without an answer', async () => {
      responder.faults.mode = 'down';
      await expect(post(`${responder.url}/telia`, request)).rejects.toThrow();
    });

    it('slow: answers correctly after delayMs', async () => {
      Object.assign(responder.faults, { mode: 'slow', delayMs: 200 });
      const started = performance.now();
      const answer = await post(`${responder.url}/telia`, request);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(statusOf(answer.basic!.tbsResponseData.responses[0]!)).toEqual({ status: 'good' });
    });

    it('slow: close() does not wait for a pending answer', async () => {
      const second = await startOcspResponder(pki);
      Object.assign(second.faults, { mode: 'slow', delayMs: 60_000 });
      const pending = post(`${second.url}/telia`, request);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await second.close();
      expect(performance.now() - started).toBeLessThan(1000);
      await expect(pending).rejects.toThrow();
    });

    it('tryLater: responseStatus 3 without a body', async () => {
      responder.faults.mode = 'tryLater';
      const answer = await post(`${responder.url}/telia`, request);
      expect(answer).toMatchObject({ http: 200, status: 3 });
      expect(answer.basic).toBeUndefined();
    });

    it('badSignature: the signature does not verify, the content is intact', async () => {
      responder.faults.mode = 'badSignature';
      const basic = (await post(`${responder.url}/telia`, request)).basic!;
      expect(signer(basic).signatureOk).toBe(false);
      expect(statusOf(basic.tbsResponseData.responses[0]!)).toEqual({ status: 'good' });
    });

    it('staleNextUpdate: nextUpdate has passed', async () => {
      responder.faults.mode = 'staleNextUpdate';
      const basic = (await post(`${responder.url}/telia`, request)).basic!;
      const single = basic.tbsResponseData.responses[0]!;
      expect(single.nextUpdate!.getTime()).toBeLessThan(clock.now().getTime());
      expect(single.thisUpdate.getTime()).toBeLessThan(single.nextUpdate!.getTime());
      expect(signer(basic).signatureOk).toBe(true);
    });

    it('wrongNonce: a nonce other than the request’s, even when none was sent', async () => {
      responder.faults.mode = 'wrongNonce';
      const basic = (await post(`${responder.url}/telia`, request)).basic!;
      expect(nonceOf(basic)).toMatch(/^0420[0-9a-f]{64}$/);
      expect(nonceOf(basic)).not.toBe(nonceExtensionHex(nonce));
      const withoutNonce = (
        await post(
          `${responder.url}/telia`,
          ocspRequest([await certId(good.auth.certPem, telia.intermediatePem)]),
        )
      ).basic!;
      expect(nonceOf(withoutNonce)).toBeDefined();
    });

    it('unauthorizedResponder: validly signed by a look-alike responder the issuer never certified', async () => {
      responder.faults.mode = 'unauthorizedResponder';
      const basic = (await post(`${responder.url}/telia`, request)).basic!;
      const { cert, signatureOk } = signer(basic);
      const intermediate = new X509Certificate(telia.intermediatePem);
      expect(signatureOk).toBe(true);
      expect(cert.subject).toBe(new X509Certificate(telia.ocspResponderPem).subject);
      expect(cert.issuer).toBe(intermediate.subject);
      expect(cert.keyUsage).toEqual([OID.ocspSigning]); // Node lists the EKU here
      expect(cert.verify(intermediate.publicKey)).toBe(false);
      const keyHash = digest(
        'sha1',
        certOf(cert.toString()).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
      );
      expect(
        Buffer.from((basic.tbsResponseData.responderID as asn1js.OctetString).valueBlock.valueHexView).equals(
          keyHash,
        ),
      ).toBe(true);
    });

    it('wrongCertId: the answer is about another serial number', async () => {
      responder.faults.mode = 'wrongCertId';
      const id = await certId(good.auth.certPem, telia.intermediatePem);
      const single = (await post(`${responder.url}/telia`, request)).basic!.tbsResponseData.responses[0]!;
      expect(serialOf(single)).not.toBe(good.auth.serialHex);
      expect(
        Buffer.from(single.certID.issuerKeyHash.valueBlock.valueHexView).equals(
          Buffer.from(id.issuerKeyHash.valueBlock.valueHexView),
        ),
      ).toBe(true);
      expect(statusOf(single)).toEqual({ status: 'good' });
    });
  });

  it('satisfies `openssl ocsp` as a client (signature, responder authorisation, nonce, freshness)', async () => {
    const files = {
      root: path.join(dir, 'root.pem'),
      issuer: path.join(dir, 'issuer.pem'),
      good: path.join(dir, 'good.pem'),
      revoked: path.join(dir, 'revoked.pem'),
    };
    await Promise.all([
      writeFile(files.root, telia.rootPem),
      writeFile(files.issuer, telia.intermediatePem),
      writeFile(files.good, good.auth.certPem),
      writeFile(files.revoked, revoked.auth.certPem),
    ]);
    const args = [
      'ocsp',
      '-issuer',
      files.issuer,
      '-url',
      `${responder.url}/telia`,
      '-CAfile',
      files.root,
      '-cert',
      files.good,
      '-cert',
      files.revoked,
    ];
    const { stdout, stderr } = await run('openssl', args);
    expect(stderr + stdout).toContain('Response verify OK');
    expect(stdout).toContain(`${files.good}: good`);
    expect(stdout).toContain(`${files.revoked}: revoked`);
    expect(stdout).toContain('Reason: keyCompromise');
  });
});
