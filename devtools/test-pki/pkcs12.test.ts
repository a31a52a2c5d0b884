import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { createTestPki, type Card, type TestPki } from './pki.js';

const run = promisify(execFile);
const PASSWORD = 'Lösen-123';

describe('PKCS#12', () => {
  let pki: TestPki;
  let card: Card;
  let loginP12: Uint8Array;
  let dir: string;

  beforeAll(async () => {
    pki = await createTestPki({ clock: new ManualClock('2026-11-28T09:00:00Z'), ocspBaseUrl: 'http://127.0.0.1:8802/ocsp' });
    card = await pki.issueCard({
      issuer: 'svenska_pass',
      personnummer: '198112289874',
      givenName: 'Testa',
      surname: 'Testsson',
    });
    loginP12 = await card.auth.pkcs12(PASSWORD);
    dir = await mkdtemp(path.join(tmpdir(), 'kw-p12-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads in Node with the password, and not without it', () => {
    expect(() => tls.createSecureContext({ pfx: Buffer.from(loginP12), passphrase: PASSWORD })).not.toThrow();
    expect(() => tls.createSecureContext({ pfx: Buffer.from(loginP12), passphrase: 'fel' })).toThrow(
      /mac verify failure/i,
    );
  });

  it('is read by the openssl CLI: PBES2/AES-256-CBC bags, SHA-256 MAC, friendlyName and the subject serialNumber', async () => {
    const file = path.join(dir, 'login.p12');
    await writeFile(file, loginP12);
    const { stdout, stderr } = await run('openssl', [
      'pkcs12',
      '-in',
      file,
      '-passin',
      `pass:${PASSWORD}`,
      '-nodes',
      '-info',
    ]);
    expect(stdout).toContain(
      'subject=C = SE, SN = Testsson, GN = Testa, serialNumber = 198112289874, CN = Testa Testsson',
    );
    expect(stdout).toContain('friendlyName: Testa Testsson (legitimering)');
    expect(stdout).toContain('-----BEGIN PRIVATE KEY-----');
    expect(stderr).toContain('MAC: sha256');
    expect(stderr.match(/PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/g)).toHaveLength(2);
    await expect(run('openssl', ['pkcs12', '-in', file, '-passin', 'pass:fel', '-nodes'])).rejects.toThrow();
  });

  it('authenticates a TLS client the way a card does, to a listener that trusts the issuer', async () => {
    const server = await pki.issueServerCertificate(['localhost']);
    const anchors = pki.issuer('svenska_pass');
    const listener = tls.createServer(
      {
        cert: server.certPem,
        key: server.keyPem,
        requestCert: true,
        rejectUnauthorized: true,
        ca: [anchors.rootPem, anchors.intermediatePem],
      },
      (socket) => {
        const peer = socket.getPeerCertificate();
        socket.end(`${String(peer.subject.serialNumber)}|${String(socket.authorized)}`);
      },
    );
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as { port: number };
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect(
          {
            host: '127.0.0.1',
            port,
            servername: 'localhost',
            ca: pki.tlsCaPem,
            pfx: Buffer.from(loginP12),
            passphrase: PASSWORD,
          },
          () => {
            let text = '';
            socket.setEncoding('utf8');
            socket.on('data', (chunk: string) => (text += chunk));
            socket.on('end', () => resolve(text));
          },
        );
        socket.on('error', reject);
      });
      expect(answer).toBe('198112289874|true');
    } finally {
      listener.close();
    }
  });

  it('keeps login and signing identities in separate files with their own keys', async () => {
    const signP12 = await card.sign.pkcs12(PASSWORD);
    const file = path.join(dir, 'signing.p12');
    await writeFile(file, signP12);
    const { stdout } = await run('openssl', ['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nodes']);
    expect(stdout).toContain('friendlyName: Testa Testsson (underskrift)');
    expect(stdout.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(1);
    expect(stdout).not.toContain(card.auth.keyPem.split('\n')[1]);
  });
});
