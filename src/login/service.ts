/**
 * The one `login()` every e-ID method calls once it has proved a personal number. It checks
 * that the method is enabled now per the rollout plan and that the person has an active
 * account; then it starts a fresh session (new id: no fixation), records which credential
 * was used and audits the event. An unknown person gets no account and no session.
 */
import type { Accounts } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import { crashPoint } from '../platform/crash.js';
import type { Db } from '../platform/db/index.js';
import type { Principal, Session, SessionManager } from '../identity/sessions.js';
import { isCanonicalPersonalNumber } from '../identity/personnummer.js';
import type { MethodId } from '../identity/methods.js';
import type { RolloutPlan } from './plan.js';

/** What the method proved besides the number; kept per person and method. */
export interface LoginEvidence {
  certificate?: { issuer: string; serial: string; notAfter: Date };
  /** A method-specific reference for the audit trail (e.g. a BankID orderRef). */
  reference?: string;
  /** The method's proof, kept with the audit event (e.g. BankID completion data). */
  proof?: Record<string, unknown>;
}

export type LoginFailure = 'no_account' | 'method_not_enabled' | 'invalid_personnummer';

/** `chooseOrganisation`: the person acts for several companies and has to say which one. */
export type LoginResult = { ok: true; session: Session; principal: Principal; chooseOrganisation: boolean } | { ok: false; reason: LoginFailure };

export function createLoginService(deps: {
  db: Db;
  clock: Clock;
  accounts: Accounts;
  audit: AuditLog;
  plan: RolloutPlan;
  sessions: SessionManager;
}) {
  const { db, clock, accounts, audit, plan, sessions } = deps;

  async function fail(reason: LoginFailure, personnummer: string | null, method: MethodId, ip: string | null) {
    await audit.record({
      event: 'login_failed',
      outcome: 'failure',
      actor: personnummer,
      subject: method,
      ip,
      details: { reason },
    });
    return { ok: false as const, reason };
  }

  return {
    async login(input: {
      personnummer: string;
      method: MethodId;
      evidence: LoginEvidence;
      previous: Session | undefined;
      ip: string | null;
    }): Promise<LoginResult> {
      const { personnummer, method, evidence, ip } = input;
      if (!isCanonicalPersonalNumber(personnummer)) return fail('invalid_personnummer', null, method, ip);
      if (!(await plan.isEnabled(method))) return fail('method_not_enabled', personnummer, method, ip);
      const person = await accounts.findPerson(personnummer);
      if (!person?.active) return fail('no_account', personnummer, method, ip);
      const [memberships, staff] = await Promise.all([accounts.memberships(personnummer), accounts.staffRoles(personnummer)]);
      if (memberships.length === 0 && staff.length === 0) return fail('no_account', personnummer, method, ip);

      const now = clock.now();
      const principal: Principal = {
        personnummer,
        name: person.name,
        method,
        authAt: now.getTime(),
        orgnr: memberships.length === 1 ? (memberships[0]?.orgnr ?? null) : null,
        staff,
      };
      const session = await sessions.rotate(input.previous, principal);
      crashPoint('login:after-session');
      const cert = evidence.certificate;
      const seen = {
        last_used_at: now.toISOString(),
        cert_issuer: cert?.issuer ?? null,
        cert_serial: cert?.serial ?? null,
        cert_not_after: cert?.notAfter.toISOString() ?? null,
      };
      await db
        .insertInto('credential_seen')
        .values({ personnummer, method, first_used_at: now.toISOString(), ...seen })
        .onConflict((oc) => oc.columns(['personnummer', 'method']).doUpdateSet(seen))
        .execute();
      crashPoint('login:after-credential');
      await audit.record({
        event: 'login',
        outcome: 'success',
        actor: personnummer,
        subject: method,
        ip,
        details: {
          ...(evidence.reference ? { reference: evidence.reference } : {}),
          ...(evidence.proof ? { proof: evidence.proof } : {}),
        },
      });
      return { ok: true, session, principal, chooseOrganisation: memberships.length > 1 };
    },

    async logout(session: Session, ip: string | null): Promise<void> {
      await sessions.destroy(session);
      const principal = session.data.principal;
      if (principal) {
        await audit.record({ event: 'logout', outcome: 'success', actor: principal.personnummer, subject: principal.method, ip });
      }
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
