/**
 * The test TSA over HTTP (RFC 3161 §3.4): POST with `application/timestamp-query`, answered
 * with `application/timestamp-reply`. `faults.mode` switches between requests: `down` drops
 * the connection, `unavailable` answers 503, the others go into the answer (tsa.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestTsa, TsaFaultMode } from './tsa.js';

const MAX_REQUEST_BYTES = 16 * 1024;

export interface TestTsaServer {
  /** `http://127.0.0.1:<port>/tsa` */
  readonly url: string;
  readonly faults: { mode: TsaFaultMode };
  /** Requests answered with a token so far (tests count stamps). */
  readonly granted: () => number;
  close(): Promise<void>;
}

export async function startTestTsaServer(tsa: TestTsa, options: { host?: string; port?: number } = {}): Promise<TestTsaServer> {
  const faults: { mode: TsaFaultMode } = { mode: 'ok' };
  let granted = 0;
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('test TSA failed\n');
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (faults.mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (faults.mode === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('the test TSA is unavailable\n');
      return;
    }
    if (req.method !== 'POST' || !(req.url ?? '').startsWith('/tsa')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('POST /tsa\n');
      return;
    }
    if (req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== 'application/timestamp-query') {
      res.writeHead(415, { 'content-type': 'text/plain' }).end('Content-Type must be application/timestamp-query\n');
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of req) {
      total += (chunk as Buffer).length;
      if (total > MAX_REQUEST_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('request too large\n');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const answer = await tsa.answer(new Uint8Array(Buffer.concat(chunks)), faults.mode);
    if (faults.mode !== 'reject') granted++;
    res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': answer.byteLength }).end(answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/tsa`,
    faults,
    granted: () => granted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
