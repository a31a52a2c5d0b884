/**
 * What every cases route gets: its dependencies, and the one access rule. A case belongs to
 * its organisation. Its members see and (while a draft) change it; staff (case officers,
 * admins) see submitted cases only — drafts are the company's. Everyone else gets 403,
 * unknown ids 404.
 */
import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import type { Principal } from '../identity/sessions.js';
import type { Clock } from '../platform/clock.js';
import { requirePrincipal } from '../web/guard.js';
import { AppError } from '../web/errors.js';
import type { ViewDeps } from '../web/render.js';
import type { SignMethod } from '../signing/sign-methods.js';
import type { Signing } from '../signing/service.js';
import type { CaseView } from './queries.js';
import type { ReceiptStore } from './receipt-store.js';
import type { RegisterLookup } from './register-lookup.js';
import type { CaseRow, Cases } from './service.js';
import type { CaseTypeDef } from './types.js';

export interface CaseRoutesDeps extends ViewDeps {
  clock: Clock;
  accounts: Accounts;
  cases: Cases;
  receipts: ReceiptStore;
  signing: Signing;
  /** The ways to sign, offered on the review (signing's port; bankid/ and card/ fill it). */
  signMethods: readonly SignMethod[];
  register: RegisterLookup;
  audit: AuditLog;
}

export type Access = 'member' | 'staff';

/** A case the requester may see, with how they see it. */
export interface FoundCase {
  row: CaseRow;
  principal: Principal;
  access: Access;
  type: CaseTypeDef;
}

/** A case the requester may see, with what its page shows (`caseViewFor`). */
export interface FoundCaseView extends FoundCase {
  view: CaseView;
}

export type CaseAccess = ReturnType<typeof createCaseAccess>;

/** The rule itself: members see their organisation's cases; staff see submitted ones; anyone else is refused. */
function accessOf(principal: Principal, row: CaseRow, member: boolean): Access {
  if (member) return 'member';
  if (principal.staff.length > 0 && row.status !== 'draft') return 'staff';
  throw new AppError('forbidden', 'case of another organisation');
}

export function createCaseAccess(deps: Pick<CaseRoutesDeps, 'cases' | 'accounts'>) {
  const { cases, accounts } = deps;

  /** The acting organisation of a company user, if they have chosen one. */
  async function actingOrg(principal: Principal) {
    if (!principal.orgnr) return undefined;
    const memberships = await accounts.memberships(principal.personnummer);
    return memberships.find((m) => m.orgnr === principal.orgnr);
  }

  async function caseFor(request: FastifyRequest, id: string): Promise<FoundCase> {
    const { principal } = requirePrincipal(request);
    const row = await cases.find(id);
    if (!row) throw new AppError('not_found', 'no such case');
    const memberships = await accounts.memberships(principal.personnummer);
    const access = accessOf(principal, row, memberships.some((m) => m.orgnr === row.orgnr));
    return { row, principal, access, type: cases.typeOf(row) };
  }

  /**
   * The same rule as `caseFor`, for a page that shows the case: the case, the membership that
   * decides and what the page shows come in one statement (`cases.view`).
   */
  async function caseViewFor(request: FastifyRequest, id: string): Promise<FoundCaseView> {
    const { principal } = requirePrincipal(request);
    const view = await cases.view(id, principal.personnummer);
    if (!view) throw new AppError('not_found', 'no such case');
    const access = accessOf(principal, view.row, view.isMember);
    return { row: view.row, principal, access, type: cases.typeOf(view.row), view };
  }

  async function draftFor(request: FastifyRequest, id: string) {
    const found = await caseFor(request, id);
    if (found.access !== 'member') throw new AppError('forbidden', 'only members edit drafts');
    // A submitted case cannot be changed by anyone: every write to it is forbidden.
    if (found.row.status !== 'draft' && request.method !== 'GET')
      throw new AppError('forbidden', 'case already submitted');
    return found;
  }

  return { actingOrg, caseFor, caseViewFor, draftFor };
}
