/**
 * The OCSP responder over HTTP (RFC 6960 Appendix A): POST `<base>/<issuerId>` with an
 * `application/ocsp-request` body, or GET `<base>/<issuerId>/<url-encoded base64 request>`
 * (base64url accepted too). `<base>` is the path of the PKI's ocspBaseUrl, so the AIA URLs in
 * the certificates work as they are when the responder listens on that URL's port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../src/platform/clock.js';
import { OCSP_RESPONSE_STATUS, createOcspResponse, ocspErrorResponse, type OcspFaults } from './ocsp.js';
import { stateOf, type TestPki } from './pki.js';

/** Requests are a few hundred bytes; anything near this is an attack or a bug. */
const MAX_REQUEST_BYTES = 64 * 1024;

export interface OcspResponderOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default the PKI's clock. */
  clock?: Clock;
  /** nextUpdate − thisUpdate; default 3600. */
  validitySeconds?: number;
}

export interface OcspResponder {
  /** `http://host:port<base path>`; issuer `id` is answered at `${url}/${id}`. */
  readonly url: string;
  /** Mutable: tests switch modes between requests. */
  readonly faults: OcspFaults;
  close(): Promise<void>;
}

/** Listens until close(); answers from the PKI's live register, so revocations apply at once. */
export async function startOcspResponder<Id extends string>(
  pki: TestPki<Id>,
  options: OcspResponderOptions = {},
): Promise<OcspResponder> {
  stateOf(pki); // fail now, not on the first request, for an object that is not a test PKI
  const clock = options.clock ?? pki.clock;
  const validitySeconds = options.validitySeconds ?? 3600;
  const basePath = new URL(pki.ocspBaseUrl).pathname.replace(/\/+$/, '');
  const faults: OcspFaults = { mode: 'ok' };
  // Aborted by close() so `slow` answers do not keep the process (or a test) waiting.
  const closing = new AbortController();

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, ocspErrorResponse(OCSP_RESPONSE_STATUS.internalError));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (faults.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const route = parseRoute(req.url ?? '', basePath);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not an OCSP path\n');
      return;
    }
    let requestDer: Uint8Array | undefined;
    if (req.method === 'POST' && route.encoded === undefined) {
      if (req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== 'application/ocsp-request') {
        res
          .writeHead(415, { 'content-type': 'text/plain' })
          .end('Content-Type must be application/ocsp-request\n');
        return;
      }
      const body = await readBody(req, MAX_REQUEST_BYTES);
      if (!body) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('request too large\n');
        return;
      }
      requestDer = body;
    } else if (req.method === 'GET' && route.encoded !== undefined) {
      requestDer = decodeGetRequest(route.encoded);
    } else {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, POST' }).end('method not allowed\n');
      return;
    }
    if (faults.mode === 'slow') await delay(faults.delayMs ?? 10_000, undefined, { signal: closing.signal });
    const answer = requestDer
      ? await createOcspResponse(pki, route.issuerId, requestDer, {
          now: clock.now(),
          validitySeconds,
          fault: faults.mode,
        })
      : ocspErrorResponse(OCSP_RESPONSE_STATUS.malformedRequest);
    send(res, 200, answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${basePath}`,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: Uint8Array): void {
  res.writeHead(status, {
    'content-type': 'application/ocsp-response',
    'content-length': body.byteLength,
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** `<base>/<issuerId>` (POST) or `<base>/<issuerId>/<encoded>` (GET); the raw path, since base64 has `/`. */
function parseRoute(rawUrl: string, basePath: string): { issuerId: string; encoded?: string } | undefined {
  const path = rawUrl.split('?')[0] ?? '';
  if (!path.startsWith(`${basePath}/`)) return undefined;
  const rest = path.slice(basePath.length + 1);
  const slash = rest.indexOf('/');
  const issuerId = slash === -1 ? rest : rest.slice(0, slash);
  if (!/^[A-Za-z0-9_-]+$/.test(issuerId)) return undefined;
  return slash === -1 ? { issuerId } : { issuerId, encoded: rest.slice(slash + 1) };
}

/** The request from a GET path, or undefined when it is not (URL-encoded) base64/base64url. */
function decodeGetRequest(encoded: string): Uint8Array | undefined {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (text === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  // Node's base64 decoder reads both alphabets.
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** The body, or undefined once it exceeds `limit` (then the rest is not read). */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
