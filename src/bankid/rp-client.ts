/**
 * Client of the BankID Relying Party API v6.0 (reference §1–3, §7–8): POST with JSON bodies
 * over mutual TLS — our RP certificate, BankID's server root pinned — with
 * `Content-Type: application/json` exactly. Retries only `maintenance` (the one error
 * BankID allows retrying), and a circuit breaker turns repeated failures into an immediate
 * "unavailable" instead of making users wait. Unknown response fields are ignored; unknown
 * hintCodes and errorCodes pass through for the message mapping to handle.
 */
import { Agent, request } from 'undici';
import type { Clock } from '../platform/clock.js';

/**
 * An error answer from BankID — alreadyInProgress, invalidParameters, unauthorized,
 * notFound, methodNotAllowed, requestTimeout, unsupportedMediaType, internalError,
 * maintenance, or one BankID adds later (kept as given) — or our own `unavailable`
 * (transport, timeout, open circuit) or `malformed` (an answer we cannot read).
 */
export class BankIdError extends Error {
  readonly errorCode: string;
  readonly httpStatus: number | null;
  readonly details: string;
  constructor(errorCode: string, httpStatus: number | null, details: string) {
    super(`BankID ${errorCode}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${details}`);
    this.name = 'BankIdError';
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
    this.details = details;
  }
}

export interface OrderRequest {
  endUserIp: string;
  requirement?: { pinCode?: boolean; mrtd?: boolean; cardReader?: 'class1' | 'class2'; certificatePolicies?: string[]; personalNumber?: string };
  userVisibleData?: string;
  userVisibleDataFormat?: 'plaintext' | 'simpleMarkdownV1';
  userNonVisibleData?: string;
  returnUrl?: string;
  returnRisk?: boolean;
  web?: { deviceIdentifier?: string; referringDomain?: string; userAgent?: string };
}

export interface OrderResponse {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
}

export interface CompletionData {
  user: { personalNumber: string; name: string; givenName: string; surname: string };
  device: { ipAddress: string; uhi?: string };
  bankIdIssueDate?: string;
  stepUp?: { mrtd: boolean };
  signature: string;
  ocspResponse: string;
  risk?: string;
}

export type CollectResponse =
  | { orderRef: string; status: 'pending'; hintCode: string | undefined }
  | { orderRef: string; status: 'failed'; hintCode: string | undefined }
  | { orderRef: string; status: 'complete'; completionData: CompletionData };

export interface BankIdClientOptions {
  baseUrl: string;
  /** The RP certificate and key (PEM), or a PKCS#12 with its passphrase. */
  cert?: string;
  key?: string;
  pfx?: Buffer;
  passphrase?: string;
  /** The BankID server's TLS root, pinned: nothing else is trusted. */
  ca: string;
  timeoutMs: number;
  clock: Clock;
  /** Failures in a row that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerOpenMs?: number;
}

const isString = (v: unknown): v is string => typeof v === 'string';

function decodeOrder(body: unknown): OrderResponse {
  const b = body as Record<string, unknown> | null;
  if (b && isString(b['orderRef']) && isString(b['autoStartToken']) && isString(b['qrStartToken']) && isString(b['qrStartSecret'])) {
    return { orderRef: b['orderRef'], autoStartToken: b['autoStartToken'], qrStartToken: b['qrStartToken'], qrStartSecret: b['qrStartSecret'] };
  }
  throw new BankIdError('malformed', 200, 'order response lacks required fields');
}

function decodeCollect(body: unknown): CollectResponse {
  const b = body as Record<string, unknown> | null;
  if (!b || !isString(b['orderRef']) || !isString(b['status'])) throw new BankIdError('malformed', 200, 'collect response lacks orderRef/status');
  const hintCode = isString(b['hintCode']) ? b['hintCode'] : undefined;
  const orderRef = b['orderRef'];
  switch (b['status']) {
    case 'pending':
      return { orderRef, status: 'pending', hintCode };
    case 'failed':
      return { orderRef, status: 'failed', hintCode };
    case 'complete': {
      const c = b['completionData'] as Record<string, unknown> | undefined;
      const user = c?.['user'] as Record<string, unknown> | undefined;
      const device = c?.['device'] as Record<string, unknown> | undefined;
      if (
        !c ||
        !user ||
        !isString(user['personalNumber']) ||
        !isString(user['name']) ||
        !isString(c['signature']) ||
        !isString(c['ocspResponse'])
      ) {
        throw new BankIdError('malformed', 200, 'completionData lacks required fields');
      }
      const stepUp = c['stepUp'] as Record<string, unknown> | undefined;
      return {
        orderRef,
        status: 'complete',
        completionData: {
          user: {
            personalNumber: user['personalNumber'],
            name: user['name'],
            givenName: isString(user['givenName']) ? user['givenName'] : '',
            surname: isString(user['surname']) ? user['surname'] : '',
          },
          device: {
            ipAddress: device && isString(device['ipAddress']) ? device['ipAddress'] : '',
            ...(device && isString(device['uhi']) ? { uhi: device['uhi'] } : {}),
          },
          ...(isString(c['bankIdIssueDate']) ? { bankIdIssueDate: c['bankIdIssueDate'] } : {}),
          ...(stepUp && typeof stepUp['mrtd'] === 'boolean' ? { stepUp: { mrtd: stepUp['mrtd'] } } : {}),
          signature: c['signature'],
          ocspResponse: c['ocspResponse'],
          ...(isString(c['risk']) ? { risk: c['risk'] } : {}),
        },
      };
    }
    default:
      // A status we do not know: treat as pending with no hint (tolerant), the order expires anyway.
      return { orderRef, status: 'pending', hintCode: undefined };
  }
}

export function createBankIdClient(options: BankIdClientOptions) {
  const agent = new Agent({
    connect: {
      ca: options.ca,
      ...(options.pfx ? { pfx: options.pfx, ...(options.passphrase ? { passphrase: options.passphrase } : {}) } : {}),
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    keepAliveTimeout: 30_000,
    connections: 64,
  });
  const threshold = options.breakerThreshold ?? 5;
  const openMs = options.breakerOpenMs ?? 30_000;
  const breaker = { failures: 0, openUntil: 0 };
  const stats = { calls: 0, failures: 0, rejectedByBreaker: 0 };

  async function call(path: string, payload: unknown): Promise<unknown> {
    const now = options.clock.now().getTime();
    if (breaker.openUntil > now) {
      stats.rejectedByBreaker++;
      throw new BankIdError('unavailable', null, 'circuit open after repeated failures');
    }
    for (let attempt = 0; ; attempt++) {
      stats.calls++;
      try {
        const res = await request(`${options.baseUrl}${path}`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const text = await res.body.text();
        let body: unknown;
        try {
          body = text === '' ? {} : JSON.parse(text);
        } catch {
          throw new BankIdError('malformed', res.statusCode, 'response is not JSON');
        }
        if (res.statusCode === 200) {
          breaker.failures = 0;
          return body;
        }
        const b = body as Record<string, unknown> | null;
        const errorCode = b && isString(b['errorCode']) ? b['errorCode'] : `http${res.statusCode}`;
        const details = b && isString(b['details']) ? b['details'] : '';
        throw new BankIdError(errorCode, res.statusCode, details);
      } catch (err) {
        const error =
          err instanceof BankIdError ? err : new BankIdError('unavailable', null, err instanceof Error ? err.message : String(err));
        const serverSide = error.errorCode === 'unavailable' || error.errorCode === 'malformed' || (error.httpStatus ?? 0) >= 500;
        if (error.errorCode === 'maintenance' && attempt < 2) {
          // The only error BankID lets an RP retry without telling the user.
          await new Promise((resolve) => setTimeout(resolve, 150 * (attempt + 1)));
          continue;
        }
        if (serverSide) {
          stats.failures++;
          breaker.failures++;
          if (breaker.failures >= threshold) breaker.openUntil = options.clock.now().getTime() + openMs;
        }
        throw error;
      }
    }
  }

  return {
    stats,
    /** Whether the circuit is open (BankID failing; calls refused at once). */
    isOpen: () => breaker.openUntil > options.clock.now().getTime(),
    async auth(body: OrderRequest): Promise<OrderResponse> {
      return decodeOrder(await call('/auth', body));
    },
    async sign(body: OrderRequest & { userVisibleData: string }): Promise<OrderResponse> {
      return decodeOrder(await call('/sign', body));
    },
    async collect(orderRef: string): Promise<CollectResponse> {
      return decodeCollect(await call('/collect', { orderRef }));
    },
    async cancel(orderRef: string): Promise<void> {
      await call('/cancel', { orderRef });
    },
    close: () => agent.close(),
  };
}

export type BankIdClient = ReturnType<typeof createBankIdClient>;
