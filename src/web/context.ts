/**
 * Per-request context: the user's language, the session (loaded once), CSRF checking for
 * every state-changing request, and what pages need to render the layout.
 */
import type {} from '@fastify/cookie';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { Principal, Session, SessionManager } from '../identity/sessions.js';
import { DEFAULT_LANG, isLang, langFromAcceptLanguage, messages, type Lang, type Messages } from '../platform/i18n/index.js';
import { AppError } from './errors.js';

export const LANG_COOKIE = 'kw_lang';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    t: Messages;
    /** The live session, if any (loaded in onRequest). */
    session: Session | undefined;
    /** A session cookie was sent but names no live session (expired, ended or forged). */
    sessionExpired: boolean;
    principal: Principal | undefined;
  }
  interface FastifyContextConfig {
    /** false for routes that must not extend the session (status polls). */
    touchSession?: boolean;
    /** false for routes that check a different proof than the CSRF token. */
    csrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ContextOptions {
  config: Config;
  sessions: SessionManager;
  /**
   * The principal as the accounts say now: null when the person is deactivated or gone;
   * otherwise current name and staff roles, and `orgnr` null when the person no longer acts
   * for that organisation (membership removed, organisation deactivated). Run on every
   * request with a logged-in session, so an admin's change takes effect on the next request.
   */
  refreshPrincipal?: (principal: Principal) => Promise<Principal | null>;
}

function hasUnprintableValue(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > 4) return false;
  for (const name of ['toString', 'valueOf', 'toJSON'] as const) {
    if (Object.prototype.hasOwnProperty.call(value, name) && typeof (value as Record<string, unknown>)[name] !== 'function') return true;
  }
  return Object.values(value).some((v) => hasUnprintableValue(v, depth + 1));
}

function samePrincipal(a: Principal, b: Principal): boolean {
  return a.name === b.name && a.orgnr === b.orgnr && a.staff.length === b.staff.length && a.staff.every((r) => b.staff.includes(r));
}

export const requestContext = fp<ContextOptions>(
  async (app, { config, sessions, refreshPrincipal }) => {
    const expectedOrigin = new URL(config.http.publicUrl).origin;
    app.decorateRequest('lang', DEFAULT_LANG);
    app.decorateRequest('t', null as unknown as Messages);
    app.decorateRequest('session', undefined);
    app.decorateRequest('sessionExpired', false);
    app.decorateRequest('principal', undefined);

    app.addHook('onRequest', async (request, reply) => {
      const cookieLang = request.cookies[LANG_COOKIE];
      request.lang = isLang(cookieLang) ? cookieLang : langFromAcceptLanguage(request.headers['accept-language']);
      request.t = messages(request.lang);
      if (request.url.startsWith('/static/')) return;
      const cookie = request.cookies[sessions.cookieName];
      if (cookie === undefined) return;
      const touch = request.routeOptions.config.touchSession !== false;
      const loaded = await sessions.load(cookie, touch);
      if (loaded.kind === 'live') {
        const session = loaded.session;
        const stored = session.data.principal;
        const current = stored && refreshPrincipal ? await refreshPrincipal(stored) : stored;
        if (stored && current === null) {
          // Deactivated since the login: the session ends here, whatever it was doing.
          await sessions.destroy(session);
          request.sessionExpired = true;
          clearSessionCookie(reply, sessions, config);
          return;
        }
        if (stored && current && !samePrincipal(stored, current)) {
          session.data.principal = current;
          await sessions.save(session);
        }
        request.session = session;
        request.principal = current ?? undefined;
      } else {
        request.sessionExpired = true;
        clearSessionCookie(reply, sessions, config);
      }
    });

    // A JSON body of `null` (or none at all) reads as an empty form: handlers read fields off
    // the body, and "no fields" is then a validation error, not a TypeError and a 500.
    // A value that cannot become text (an object whose own toString or valueOf is not a
    // function, which only hand-made JSON can carry) is refused before any handler runs.
    app.addHook('preValidation', async (request) => {
      if (!UNSAFE.has(request.method)) return;
      if (request.body === null || request.body === undefined) request.body = {};
      else if (hasUnprintableValue(request.body)) throw new AppError('bad_request', 'a field that cannot be read as text');
    });

    // CSRF: every state-changing request carries the session's token in the form field
    // `_csrf` or the `x-csrf-token` header, and (when the browser says) comes from our origin.
    app.addHook('preValidation', async (request) => {
      if (!UNSAFE.has(request.method) || request.is404 || request.routeOptions.config.csrf === false) return;
      const body = request.body as Record<string, unknown> | undefined;
      verifyCsrf(request, sessions, expectedOrigin, typeof body === 'object' && body !== null ? body['_csrf'] : undefined);
    });
  },
  { name: 'request-context', dependencies: ['@fastify/cookie'] },
);

export function sessionCookieOptions(config: Config) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.session.secureCookie,
  };
}

export function setSessionCookie(reply: FastifyReply, sessions: SessionManager, config: Config, session: Session): void {
  reply.setCookie(sessions.cookieName, session.id, sessionCookieOptions(config));
}

export function clearSessionCookie(reply: FastifyReply, sessions: SessionManager, config: Config): void {
  reply.clearCookie(sessions.cookieName, sessionCookieOptions(config));
}

/**
 * The CSRF check: the session's token (form field or `x-csrf-token` header) and, when the
 * browser says, our own origin. Routes whose body is read later (file uploads stream as
 * multipart) turn the hook off with `config: { csrf: false }` and call this themselves
 * with the `_csrf` field before acting on anything.
 */
export function verifyCsrf(request: FastifyRequest, sessions: SessionManager, expectedOrigin: string, formToken: unknown): void {
  // `null` is an opaque origin (a sandboxed frame, a data: or file: page, a cross-origin
  // redirect): never ours. Our own forms send our origin, the Referrer-Policy being same-origin.
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== expectedOrigin) {
    throw new AppError('csrf', `cross-origin ${request.method}`);
  }
  if (!request.session) throw new AppError(request.sessionExpired ? 'session_expired' : 'csrf', 'no session');
  const token = request.headers['x-csrf-token'] ?? formToken;
  if (!sessions.csrfMatches(request.session.data, token)) throw new AppError('csrf', 'token mismatch');
}

/** The CSRF token for forms on this page, creating an anonymous session when needed. */
export async function csrfToken(
  request: FastifyRequest,
  reply: FastifyReply,
  sessions: SessionManager,
  config: Config,
): Promise<string> {
  if (!request.session) {
    const session = await sessions.createAnonymous(request.ip);
    if (!session) throw new AppError('rate_limited', 'too many anonymous sessions from this address');
    request.session = session;
    setSessionCookie(reply, sessions, config, request.session);
  }
  return request.session.data.csrf;
}
