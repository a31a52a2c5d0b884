/**
 * Baseline (d): a bare node:https server with the card listener's TLS settings — the same
 * server certificate and key, requestCert with rejectUnauthorized false, the same advertised
 * CA list (`ca`) and minimum version — answering 200 "ok" to any request. Nothing else:
 * no framework, no look at the client certificate beyond what OpenSSL does in the handshake.
 * BENCH_TLS_CERT, BENCH_TLS_KEY, BENCH_TLS_CA: PEM files (announced by the card server).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { announce, stopOnSignal } from './protocol.js';

function file(name: string): Buffer {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`https-bare server: ${name} is not set`);
  return readFileSync(value);
}

const server = https.createServer(
  {
    cert: file('BENCH_TLS_CERT'),
    key: file('BENCH_TLS_KEY'),
    ca: file('BENCH_TLS_CA'),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  },
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  },
);
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve());
});
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('https-bare server: no TCP address');
stopOnSignal(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
announce({ port: address.port });
