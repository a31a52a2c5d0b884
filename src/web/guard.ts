/**
 * The guard of every page that needs a logged-in person: the principal of this request
 * (re-read from the accounts on every request by the request context, so a deactivation or
 * a changed role takes effect at once) and its session, or 401 — "session expired" when an
 * idle session just ran out, so the person is told why.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal, Session } from '../identity/sessions.js';
import { AppError } from './errors.js';

export function requirePrincipal(request: FastifyRequest): { principal: Principal; session: Session } {
  if (!request.principal || !request.session) {
    throw new AppError(request.sessionExpired ? 'session_expired' : 'unauthenticated');
  }
  return { principal: request.principal, session: request.session };
}
