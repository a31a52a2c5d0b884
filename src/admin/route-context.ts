/**
 * What every admin route gets: its dependencies, the guard that lets only a staff admin in,
 * and the admin as the actor of an audited change.
 */
import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import type { Cases } from '../cases/service.js';
import type { Principal } from '../identity/sessions.js';
import type { MethodId } from '../identity/methods.js';
import type { LoginMethodProvider } from '../login/methods.js';
import type { RolloutPlan } from '../login/plan.js';
import type { Signing } from '../signing/service.js';
import { requirePrincipal } from '../web/guard.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { AppError } from '../web/errors.js';
import type { ViewDeps } from '../web/render.js';
import type { Actor } from './people.js';

export interface AdminDeps extends ViewDeps {
  clock: Clock;
  db: Db;
  plan: RolloutPlan;
  accounts: Accounts;
  audit: AuditLog;
  cases: Cases;
  signing: Signing;
  providers: ReadonlyMap<MethodId, LoginMethodProvider>;
}

/** Throws unless a staff admin is logged in (401 nobody, 403 anyone else). */
export function requireAdmin(request: FastifyRequest): Principal {
  const { principal } = requirePrincipal(request);
  if (!principal.staff.includes('admin'))
    throw new AppError('forbidden', 'admin pages need the staff role admin');
  return principal;
}

/** The logged-in admin as the actor of an audited change. */
export function actorOf(request: FastifyRequest): Actor {
  return { personnummer: requireAdmin(request).personnummer, ip: request.ip };
}
