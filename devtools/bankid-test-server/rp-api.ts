/**
 * The RP API v6.0 (shared/reference/bankid.md §1–§3) on a Fastify instance that listens with
 * mutual TLS: POST /rp/v6.0/{auth,sign,phone/auth,phone/sign,collect,cancel}.
 *
 * Answers and their precedence: an unknown path → 404 notFound; another method than POST →
 * 405 methodNotAllowed (BankID's SampleCode health check relies on GET /auth → 405); an
 * injected fault; an RP certificate without access → 401 unauthorized; a Content-Type other
 * than exactly `application/json` (a charset parameter included) → 415 unsupportedMediaType;
 * a body that is not a JSON object, too big, or invalid → 400 invalidParameters; a personal
 * number with a pending order → 400 alreadyInProgress; an unknown, finished-and-collected,
 * expired or other RP's orderRef → 400 invalidParameters.
 */
import { TLSSocket } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { takeEndpointFault, type BankIdFaults, type RpEndpoint, RP_ENDPOINTS } from './faults.js';
import type { OrderBook, OrderKind, OrderRp } from './orders.js';
import type { BankIdTestPki } from './pki.js';
import { parseOrderRefRequest, parseStartRequest, type UnknownFieldPolicy } from './schema.js';

export type RpErrorCode =
  | 'alreadyInProgress'
  | 'invalidParameters'
  | 'unauthorized'
  | 'notFound'
  | 'methodNotAllowed'
  | 'requestTimeout'
  | 'unsupportedMediaType'
  | 'internalError'
  | 'maintenance';

const STATUS: Record<RpErrorCode, number> = {
  alreadyInProgress: 400,
  invalidParameters: 400,
  unauthorized: 401,
  notFound: 404,
  methodNotAllowed: 405,
  requestTimeout: 408,
  unsupportedMediaType: 415,
  internalError: 500,
  maintenance: 503,
};

export const API_PREFIX = '/rp/v6.0';

/** Room for a sign order at its limits (240 000 base64 characters) and the rest of the JSON. */
export const BODY_LIMIT = 512 * 1024;

function sendError(reply: FastifyReply, code: RpErrorCode, details: string): FastifyReply {
  return reply.code(STATUS[code]).type('application/json').send({ errorCode: code, details });
}

export interface RpApiDeps {
  pki: BankIdTestPki;
  book: OrderBook;
  faults: BankIdFaults;
  unknownFields: UnknownFieldPolicy;
  /** Aborted on close, so `slow` answers do not hold the server open. */
  closing: AbortSignal;
}

export function registerRpApi(app: FastifyInstance, deps: RpApiDeps): void {
  const { pki, book, faults } = deps;
  // The body arrives as text so Content-Type and JSON errors get BankID's answers, not Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    done(null, body);
  });

  /** The RP behind a connection, looked up once per TLS socket (collect is hot). */
  const rpBySocket = new WeakMap<object, OrderRp | null>();
  const rpOf = (request: FastifyRequest): OrderRp | null => {
    const socket = request.raw.socket;
    let rp = rpBySocket.get(socket);
    if (rp === undefined) {
      if (!(socket instanceof TLSSocket)) return null;
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      const cert = pki.rpByFingerprint(fingerprint);
      rp = cert?.authorized ? { fingerprint256: fingerprint, identity: cert.identity } : null;
      rpBySocket.set(socket, rp);
    }
    return rp;
  };

  const handler = (endpoint: RpEndpoint) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return sendError(reply, 'methodNotAllowed', 'Only http method POST is allowed');
    const fault = takeEndpointFault(faults, endpoint);
    if (fault) {
      switch (fault.mode) {
        case 'maintenance':
          return sendError(reply, 'maintenance', 'The service is temporarily unavailable');
        case 'internalError':
          return sendError(reply, 'internalError', 'Internal technical error');
        case 'requestTimeout':
          return sendError(reply, 'requestTimeout', 'It took too long time to transmit the request');
        case 'unauthorized':
          return sendError(reply, 'unauthorized', 'RP does not have access to the service');
        case 'garbage':
          return reply.code(200).type('application/json').send('{"orderRef":"<html>Service Unavailable');
        case 'reset':
          reply.hijack();
          request.raw.socket.destroy();
          return reply;
        case 'slow':
          try {
            await delay(fault.delayMs, undefined, { signal: deps.closing });
          } catch {
            reply.hijack();
            request.raw.socket.destroy();
            return reply;
          }
          break;
      }
    }
    const rp = rpOf(request);
    if (!rp) return sendError(reply, 'unauthorized', 'RP does not have access to the service');
    const contentType = request.headers['content-type'];
    if (contentType?.toLowerCase() !== 'application/json') {
      return sendError(
        reply,
        'unsupportedMediaType',
        contentType?.toLowerCase().startsWith('application/json')
          ? "Adding a 'charset' parameter after 'application/json' is not allowed"
          : 'Content-Type must be application/json',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(typeof request.body === 'string' ? request.body : '');
    } catch {
      return sendError(reply, 'invalidParameters', 'Invalid JSON body');
    }

    if (endpoint === 'collect' || endpoint === 'cancel') {
      const parsed = parseOrderRefRequest(body, deps.unknownFields);
      if (!parsed.ok) return sendError(reply, 'invalidParameters', parsed.details);
      if (endpoint === 'collect') {
        const answer = book.collect(parsed.value, rp.fingerprint256);
        return answer ? reply.send(answer) : sendError(reply, 'invalidParameters', 'No such order');
      }
      return book.cancel(parsed.value, rp.fingerprint256)
        ? reply.send({})
        : sendError(reply, 'invalidParameters', 'No such order');
    }

    const kind: OrderKind = endpoint;
    const parsed = parseStartRequest(kind, body, deps.unknownFields);
    if (!parsed.ok) return sendError(reply, 'invalidParameters', parsed.details);
    const scripted = faults.nextOrder;
    faults.nextOrder = null;
    const created = book.create(
      kind,
      parsed.value,
      rp,
      scripted ? { hintCode: scripted.fail, afterCollects: scripted.afterCollects ?? 0 } : null,
    );
    if (!created.ok)
      return sendError(reply, 'alreadyInProgress', 'An order for this personal number is already in progress');
    const { order } = created;
    if (!order.tokens) return reply.send({ orderRef: order.orderRef });
    return reply.send({
      orderRef: order.orderRef,
      autoStartToken: order.tokens.autoStartToken,
      qrStartToken: order.tokens.qrStartToken,
      qrStartSecret: order.tokens.qrStartSecret,
    });
  };

  for (const endpoint of RP_ENDPOINTS) app.all(`${API_PREFIX}/${endpoint}`, handler(endpoint));

  app.setNotFoundHandler((_request, reply) => sendError(reply, 'notFound', 'An erroneous URL path was used'));
  app.setErrorHandler((error: { code?: string; statusCode?: number }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'invalidParameters', 'Too big content');
    if (error.statusCode !== undefined && error.statusCode < 500)
      return sendError(reply, 'invalidParameters', 'Invalid request');
    request.log.error(error);
    return sendError(reply, 'internalError', 'Internal technical error');
  });
}
