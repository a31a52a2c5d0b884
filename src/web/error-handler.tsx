/**
 * Errors become responses in one place: an accessible HTML page in the user's language,
 * or JSON when the client asks for it. Any error of the portal's base (`PortalError`:
 * `AppError` and every feature's error) is shown with its own status and text; Fastify's
 * errors are classified into `AppError`s; anything else is a 500. 5xx are logged with their
 * stack; nothing internal reaches the user.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Layout, Notice } from './layout.js';
import { pageContext, sendHtml, type ViewDeps } from './render.js';
import { isPortalError, type PortalError } from '../platform/errors.js';
import { isBackendUnavailable } from '../platform/unavailable.js';
import { AppError } from './errors.js';

function classify(error: FastifyError | Error): PortalError {
  if (isPortalError(error)) return error;
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', fe.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', fe.message);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('bad_request', fe.message);
    default:
  }
  if (fe.validation) return new AppError('bad_request', fe.message);
  const status = fe.statusCode ?? 500;
  if (status === 429) return new AppError('rate_limited', fe.message);
  if (status === 413) return new AppError('payload_too_large', fe.message);
  if (status === 415) return new AppError('unsupported_media_type', fe.message);
  if (status === 404) return new AppError('not_found', fe.message);
  if (status === 405) return new AppError('method_not_allowed', fe.message);
  if (status >= 400 && status < 500) return new AppError('bad_request', fe.message);
  // The database or Redis is down or failing over: say so (503, "try again in a while"),
  // not "something broke" (500). The clients reconnect by themselves.
  if (isBackendUnavailable(error)) return new AppError('unavailable', fe.message, { cause: error });
  return new AppError('internal', fe.message, { cause: error });
}

export async function sendError(
  deps: ViewDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  error: PortalError,
): Promise<FastifyReply> {
  const t = request.t;
  const message = t[error.messageKey];
  const wantsJson =
    request.headers.accept?.includes('application/json') === true && !request.headers.accept.includes('text/html');
  if (error.status === 429) reply.header('retry-after', '60');
  if (error.status === 503) reply.header('retry-after', '5');
  if (wantsJson) {
    return reply.status(error.status).header('cache-control', 'no-store').send({
      error: { code: error.code, message, ...(error.status >= 500 ? { reference: request.id } : {}) },
    });
  }
  const ctx = await pageContext(deps, request, reply);
  return sendHtml(
    reply,
    <Layout ctx={ctx} title={t['error.title']}>
      <h1>{t['error.title']}</h1>
      <Notice kind="error">
        <p>{message}</p>
      </Notice>
      {error.status >= 500 ? <p>{t['error.reference']({ id: request.id })}</p> : null}
      <p>
        {error.status === 401 ? (
          <a href={error.code === 'session_expired' ? '/login?m=session_ended' : '/login'}>{t['layout.nav.login']}</a>
        ) : (
          <a href="/">{t['error.back']}</a>
        )}
      </p>
    </Layout>,
    error.status,
  );
}

export function installErrorHandling(app: FastifyInstance, deps: ViewDeps): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const refusal = classify(error);
    if (refusal.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ kind: refusal.name, code: refusal.code, detail: refusal.detail }, 'request refused');
    if (request.t === null) {
      // Failed before the context hook ran (e.g. a malformed URL): answer plainly.
      return reply.status(refusal.status).type('text/plain; charset=utf-8').send(refusal.code);
    }
    return sendError(deps, request, reply, refusal);
  });
  app.setNotFoundHandler(async (request, reply) => sendError(deps, request, reply, new AppError('not_found', request.url)));
}

