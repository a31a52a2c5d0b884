/**
 * Client of the BankID Relying Party API v6.0 (reference §1–3, §7–8): POST with JSON bodies
 * over mutual TLS — our RP certificate, BankID's server root pinned — with
 * `Content-Type: application/json` exactly. Retries only `maintenance` (the one error
 * BankID allows retrying), and a circuit breaker turns repeated failures into an immediate
 * "unavailable" instead of making users wait. Unknown response fields are ignored; unknown
 * hintCodes pass through for the message mapping to handle, and unknown errorCodes become
 * the one code `upstream` (keeping the code as given for the log).
 */
import { Agent, request } from 'undici';
import type { Clock } from '../platform/clock.js';
import { PortalError, type ErrorMeaning } from '../platform/errors.js';
import { rfaForError } from './rfa.js';

/** The errorCodes of the RP API v6.0 (reference §3). */
export const BANKID_API_ERROR_CODES = [
  'alreadyInProgress',
  'invalidParameters',
  'unauthorized',
  'notFound',
  'methodNotAllowed',
  'requestTimeout',
  'unsupportedMediaType',
  'internalError',
  'maintenance',
] as const;
type ApiErrorCode = (typeof BANKID_API_ERROR_CODES)[number];

/**
 * BankID's errorCodes, and ours: `unavailable` (transport, timeout, open circuit),
 * `malformed` (an answer we cannot read) and `upstream` (an errorCode BankID added later,
 * or an error answer without one; the code as given is in `upstreamCode` and the detail).
 */
export type BankIdErrorCode = ApiErrorCode | 'unavailable' | 'malformed' | 'upstream';

function isApiErrorCode(value: string): value is ApiErrorCode {
  return (BANKID_API_ERROR_CODES as readonly string[]).includes(value);
}

/** The person is told BankID's message for the code (RFA4, RFA5 or RFA22); one already in progress is a conflict. */
function meaning(code: BankIdErrorCode): ErrorMeaning {
  return { status: code === 'alreadyInProgress' ? 409 : 503, message: `bankid.${rfaForError(code)}` };
}

/** An error answer from BankID, or our own `unavailable` or `malformed`. */
export class BankIdError extends PortalError<BankIdErrorCode> {
  /** BankID's HTTP status (not ours: that is `status`); null when no answer came. */
  readonly httpStatus: number | null;
  /** BankID's errorCode as given (for the log); null for our own codes and an answer without one. */
  readonly upstreamCode: string | null;

  constructor(code: BankIdErrorCode, httpStatus: number | null, detail: string, upstreamCode: string | null = null) {
    super(code, meaning(code), detail, { logMessage: `BankID ${upstreamCode ?? code}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${detail}` });
    this.name = 'BankIdError';
    this.httpStatus = httpStatus;
    this.upstreamCode = upstreamCode;
  }

  /** BankID's error answer: a code it documents keeps its name, any other is `upstream`. */
  static fromAnswer(httpStatus: number, errorCode: string | undefined, details: string): BankIdError {
    if (errorCode !== undefined && isApiErrorCode(errorCode)) return new BankIdError(errorCode, httpStatus, details, errorCode);
    const given = errorCode === undefined ? 'no errorCode' : `errorCode ${JSON.stringify(errorCode)}`;
    return new BankIdError('upstream', httpStatus, `${given}: ${details}`, errorCode ?? null);
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
        const errorCode = b && isString(b['errorCode']) ? b['errorCode'] : undefined;
        const details = b && isString(b['details']) ? b['details'] : '';
        throw BankIdError.fromAnswer(res.statusCode, errorCode, details);
      } catch (err) {
        const error =
          err instanceof BankIdError ? err : new BankIdError('unavailable', null, err instanceof Error ? err.message : String(err));
        const serverSide = error.code === 'unavailable' || error.code === 'malformed' || (error.httpStatus ?? 0) >= 500;
        if (error.code === 'maintenance' && attempt < 2) {
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
