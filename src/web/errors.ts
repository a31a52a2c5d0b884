/**
 * The HTTP-level errors every route may throw (not found, forbidden, CSRF, …): `AppError`,
 * the portal's error base (platform/errors.ts) with its own closed set of codes. Each code's
 * text is `error.<code>` in the platform catalog. Also: the check of local redirect targets.
 */
import { PortalError, type ErrorMeaning } from '../platform/errors.js';

export type AppErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_request'
  | 'csrf'
  | 'unauthenticated'
  | 'session_expired'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unknown_language'
  | 'invalid_redirect'
  | 'no_account'
  | 'method_not_enabled'
  | 'quota_exceeded'
  | 'internal'
  | 'unavailable';

const STATUS: Record<AppErrorCode, number> = {
  not_found: 404,
  method_not_allowed: 405,
  bad_request: 400,
  csrf: 403,
  unauthenticated: 401,
  session_expired: 401,
  forbidden: 403,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unknown_language: 400,
  invalid_redirect: 400,
  no_account: 403,
  method_not_enabled: 403,
  quota_exceeded: 409,
  internal: 500,
  unavailable: 503,
};

function meaning(code: AppErrorCode): ErrorMeaning {
  return { status: STATUS[code], message: `error.${code}` };
}

export class AppError extends PortalError<AppErrorCode> {
  constructor(code: AppErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(code, meaning(code), detail, options);
    this.name = 'AppError';
  }
}

/**
 * Accepts only local paths as redirect targets ("/start", "/info?x=1"); refuses absolute
 * URLs, protocol-relative "//host", backslash tricks and control characters.
 */
export function safeLocalPath(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || target === '') return fallback;
  if (target.length > 500) return fallback;
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(target)) return fallback;
  try {
    const url = new URL(target, 'http://local.invalid');
    if (url.origin !== 'http://local.invalid') return fallback;
    const local = url.pathname + url.search;
    // Parsing removes dot segments: "/..//evil.example" becomes "//evil.example", which a
    // browser reads as another host. So the result is checked again, not only the input.
    if (local.startsWith('//')) return fallback;
    return local;
  } catch {
    return fallback;
  }
}
