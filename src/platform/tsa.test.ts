import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTsa, startTestTsaServer, type TestTsa, type TestTsaServer } from '../../devtools/test-tsa/index.js';
import { toPem } from '../../devtools/test-pki/crypto.js';
import { parseTimestampToken, requestTimestamp, TsaError, verifyTimestampToken } from './tsa.js';

const run = promisify(execFile);
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const DATA = bytes('{"format":"test","ocsp":"MIIB…"}');

describe('RFC 3161 client and verifier against the test TSA', () => {
  let tsa: TestTsa;
  let server: TestTsaServer;
  let anchors: Uint8Array[];
  beforeAll(async () => {
    tsa = await createTestTsa();
    server = await startTestTsaServer(tsa);
    anchors = [tsa.root.der];
  });
  afterAll(() => server.close());
  const config = () => ({ url: server.url, timeoutMs: 3000, anchors });

  it('gets a granted token over the SHA-256 of the data, carrying the TSA certificate, that verifies', async () => {
    server.faults.mode = 'ok';
    const before = Date.now();
    const token = await requestTimestamp(config(), DATA);
    const parsed = parseTimestampToken(token.tokenDer);
    expect(parsed.tsaCertificate).toEqual(tsa.signer.der);
    expect(parsed.genTime.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(parsed.serialHex).toBe(token.serialHex);
    const result = verifyTimestampToken(token.tokenDer, DATA, anchors);
    expect(result).toMatchObject({ ok: true, checks: { signature: true, imprint: true, chain: true, eku: true, validity: true } });
    expect(result.genTime?.toISOString()).toBe(token.genTime.toISOString());
  });

  it('refuses a token over other data', async () => {
    const token = await requestTimestamp(config(), DATA);
    const result = verifyTimestampToken(token.tokenDer, bytes('other'), anchors);
    expect(result).toMatchObject({ ok: false, checks: { imprint: false, signature: true, chain: true } });
    expect(result.detail).toContain('imprint');
  });

  it('refuses a TSA answer with a wrong imprint or a bad signature', async () => {
    server.faults.mode = 'wrong_imprint';
    await expect(requestTimestamp(config(), DATA)).rejects.toMatchObject({ code: 'invalid_response' });
    server.faults.mode = 'bad_signature';
    await expect(requestTimestamp(config(), DATA)).rejects.toMatchObject({ code: 'invalid_response' });
    const broken = await tsa.token({ data: DATA, fault: 'bad_signature' });
    expect(verifyTimestampToken(broken, DATA, anchors).checks).toMatchObject({ signature: false, imprint: true });
    server.faults.mode = 'ok';
  });

  it('refuses a token signed by a TSA of another root, and a TSA certificate without id-kp-timeStamping', async () => {
    const other = await createTestTsa({ name: 'Other TSA' });
    const foreign = verifyTimestampToken(await other.token({ data: DATA }), DATA, anchors);
    expect(foreign).toMatchObject({ ok: false, checks: { signature: true, chain: false } });
    const noEku = await createTestTsa({ root: tsa.root, withoutEku: true });
    const result = verifyTimestampToken(await noEku.token({ data: DATA }), DATA, anchors);
    expect(result).toMatchObject({ ok: false, checks: { eku: false, chain: true, signature: true } });
  });

  it('names a rejection and a TSA that is down or answers 503', async () => {
    server.faults.mode = 'reject';
    const rejected = await requestTimestamp(config(), DATA).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(TsaError);
    expect(rejected).toMatchObject({ code: 'rejected' });
    server.faults.mode = 'down';
    await expect(requestTimestamp(config(), DATA)).rejects.toMatchObject({ code: 'unavailable' });
    server.faults.mode = 'unavailable';
    await expect(requestTimestamp(config(), DATA)).rejects.toMatchObject({ code: 'unavailable' });
    server.faults.mode = 'ok';
  });

  it('verifies a token without the certificate when the TSA certificate is given, and says so when it is not', async () => {
    const bare = await tsa.token({ data: DATA, certReq: false });
    expect(verifyTimestampToken(bare, DATA, anchors)).toMatchObject({ ok: false });
    expect(verifyTimestampToken(bare, DATA, anchors, [tsa.signer.der])).toMatchObject({ ok: true });
    expect(verifyTimestampToken(bare, DATA, [tsa.signer.der], [tsa.signer.der])).toMatchObject({ ok: true }); // the TSA certificate itself as anchor
    expect(verifyTimestampToken(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), DATA, anchors)).toMatchObject({ ok: false });
  });

  it('gives up on a TSA that does not answer within the timeout, and refuses an answer over the size bound', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/big') res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.alloc(300 * 1024));
      // else: never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      await expect(requestTimestamp({ url: `${base}/slow`, timeoutMs: 300 }, DATA)).rejects.toMatchObject({ code: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(3000);
      await expect(requestTimestamp({ url: `${base}/big`, timeoutMs: 3000 }, DATA)).rejects.toMatchObject({ code: 'invalid_response' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('passes the independent check: openssl ts -verify with the TSA root, and fails it over other data', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kw-tsa-'));
    try {
      const token = await requestTimestamp(config(), DATA);
      await writeFile(path.join(dir, 'evidence.json'), DATA);
      await writeFile(path.join(dir, 'other.json'), bytes('other data'));
      await writeFile(path.join(dir, 'token.tst'), token.tokenDer);
      await writeFile(path.join(dir, 'root.pem'), toPem(tsa.root.der, 'CERTIFICATE'));
      const args = (data: string) => ['ts', '-verify', '-data', path.join(dir, data), '-in', path.join(dir, 'token.tst'), '-token_in', '-CAfile', path.join(dir, 'root.pem')];
      const good = await run('openssl', args('evidence.json'));
      expect(good.stdout).toContain('Verification: OK');
      const bad = await run('openssl', args('other.json')).then(
        () => 'passed',
        (err: unknown) => {
          const e = err as { stdout?: string; stderr?: string };
          return `${e.stdout ?? ''}${e.stderr ?? ''}`;
        },
      );
      expect(bad).toContain('FAILED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
