/**
 * Card login as a service: validates the certificate the card-login listener received,
 * audits the outcome, and hands a successful login back to the portal through a
 * single-use, short-lived ticket bound to the `state` kept in the user's session.
 */
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { RolloutPlan } from '../login/plan.js';
import type { MethodId } from '../identity/methods.js';
import type { Clock } from '../platform/clock.js';
import { parseCertificate } from '../platform/pki.js';
import type { TtlStore } from '../platform/store/port.js';
import type { IssuerProfile } from './issuers.js';
import type { OcspClient } from './ocsp.js';
import { verifyCardCertificate, type CardErrorCode } from './validate.js';

export type CardFailureCode = CardErrorCode | 'untrusted_forwarded_certificate' | 'ticket_invalid' | 'bad_request';

export const CARD_FAILURE_CODES: readonly CardFailureCode[] = [
  'no_certificate',
  'too_large',
  'malformed_certificate',
  'self_signed',
  'unknown_issuer',
  'issuer_not_enabled',
  'not_yet_valid',
  'expired',
  'signing_certificate_for_login',
  'wrong_key_usage',
  'policy_not_accepted',
  'no_personnummer',
  'invalid_personnummer',
  'revoked',
  'ocsp_unknown',
  'ocsp_unavailable',
  'untrusted_forwarded_certificate',
  'ticket_invalid',
  'bad_request',
];

export interface CardTicket {
  state: string;
  personnummer: string;
  method: MethodId;
  issuerId: string;
  issuerDn: string;
  serial: string;
  notAfter: string;
}

/**
 * What a card self-test found (selftest/), handed back through a ticket of its own kind:
 * never a login ticket, and it holds no personal number, only its last four digits.
 */
export interface CardTestTicket {
  state: string;
  ok: boolean;
  /** Why the certificate would be refused at login. */
  code: CardFailureCode | null;
  /** The issuer's method, when the certificate named a configured issuer. */
  method: MethodId | null;
  lastFour: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** Revocation by OCSP as asked now; null when not reached. */
  revocation: 'good' | 'revoked' | null;
}

const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newCardState(): string {
  return randomBytes(32).toString('base64url');
}

export function isCardState(value: unknown): value is string {
  return typeof value === 'string' && STATE_PATTERN.test(value);
}

export function createCardLogin(deps: {
  config: Config;
  clock: Clock;
  store: TtlStore;
  audit: AuditLog;
  plan: RolloutPlan;
  ocsp: OcspClient;
  profiles: readonly IssuerProfile[];
}) {
  const { config, clock, store, audit, plan, ocsp, profiles } = deps;
  const ticketKey = (ticket: string) => `cardticket:${ticket}`;
  // Self-test tickets live apart: a login never finds one, and a test never a login ticket.
  const testKey = (ticket: string) => `cardtest:${ticket}`;

  return {
    profiles,
    /** Methods that have an issuer profile, i.e. can be offered on the login page. */
    methods(): MethodId[] {
      return [...new Set(profiles.map((p) => p.method))];
    },

    /** Validates the certificate; on success returns a ticket to redeem on the portal. */
    async authenticate(input: {
      der: Uint8Array | undefined;
      state: string;
      ip: string | null;
    }): Promise<{ ok: true; ticket: string } | { ok: false; code: CardFailureCode }> {
      const result = await verifyCardCertificate({
        der: input.der,
        purpose: 'authentication',
        at: clock.now(),
        profiles,
        isMethodEnabled: (profile) => plan.isEnabled(profile.method),
        ocsp,
      });
      if (!result.ok) {
        await audit.record({
          event: 'login_failed',
          outcome: 'failure',
          subject: result.profile?.method ?? 'card',
          ip: input.ip,
          details: { reason: result.code, issuer: result.profile?.id ?? null, detail: result.detail },
        });
        return { ok: false, code: result.code };
      }
      const { card } = result;
      const ticket = randomBytes(32).toString('base64url');
      const payload: CardTicket = {
        state: input.state,
        personnummer: card.personnummer,
        method: card.profile.method,
        issuerId: card.profile.id,
        issuerDn: card.issuerDn,
        serial: card.serial,
        notAfter: card.notAfter.toISOString(),
      };
      await store.upsert(ticketKey(ticket), payload, config.card.ticketSeconds);
      return { ok: true, ticket };
    },

    /**
     * A self-test of the login certificate: the same checks as a login, except that the
     * method need not be enabled yet (the test says from when). Always answers with a test
     * ticket, success or not, for the test's result page; logs nobody in.
     */
    async test(input: { der: Uint8Array | undefined; state: string; ip: string | null; code?: CardFailureCode }): Promise<string> {
      const result: Awaited<ReturnType<typeof verifyCardCertificate>> | undefined = input.code
        ? undefined
        : await verifyCardCertificate({
            der: input.der,
            purpose: 'authentication',
            at: clock.now(),
            profiles,
            isMethodEnabled: async () => true,
            ocsp,
            freshOcsp: true,
          });
      let validity: { validFrom: string; validTo: string } | null = null;
      try {
        const x509 = input.der ? parseCertificate(input.der).x509 : undefined;
        if (x509) validity = { validFrom: new Date(x509.validFrom).toISOString(), validTo: new Date(x509.validTo).toISOString() };
      } catch {
        validity = null;
      }
      const payload: CardTestTicket = result?.ok
        ? {
            state: input.state,
            ok: true,
            code: null,
            method: result.card.profile.method,
            lastFour: result.card.personnummer.slice(-4),
            validFrom: validity?.validFrom ?? null,
            validTo: result.card.notAfter.toISOString(),
            revocation: 'good',
          }
        : {
            state: input.state,
            ok: false,
            code: result && !result.ok ? result.code : (input.code ?? 'bad_request'),
            method: result && !result.ok ? (result.profile?.method ?? null) : null,
            lastFour: null,
            validFrom: validity?.validFrom ?? null,
            validTo: validity?.validTo ?? null,
            revocation: result && !result.ok && result.code === 'revoked' ? 'revoked' : null,
          };
      await audit.record({
        event: 'eid_selftest',
        outcome: payload.ok ? 'success' : 'failure',
        actor: null,
        subject: payload.method ?? 'card',
        ip: input.ip,
        details: { usage: 'login', ...(payload.code ? { reason: payload.code } : {}) },
      });
      const ticket = randomBytes(32).toString('base64url');
      await store.upsert(testKey(ticket), payload, config.card.ticketSeconds);
      return ticket;
    },

    /** Redeems a self-test ticket once, for the session that started the test. */
    async redeemTest(ticket: unknown, sessionState: string | undefined): Promise<CardTestTicket | undefined> {
      if (typeof ticket !== 'string' || !STATE_PATTERN.test(ticket)) return undefined;
      const payload = await store.consume<CardTestTicket>(testKey(ticket));
      if (!payload || sessionState === undefined || payload.state !== sessionState) return undefined;
      return payload;
    },

    /** Redeems a ticket once; it must carry the state of the session presenting it. */
    async redeem(ticket: unknown, sessionState: string | undefined, ip: string | null): Promise<CardTicket | undefined> {
      if (typeof ticket !== 'string' || !STATE_PATTERN.test(ticket)) return undefined;
      const payload = await store.consume<CardTicket>(ticketKey(ticket));
      if (!payload) return undefined;
      if (sessionState === undefined || payload.state !== sessionState) {
        // A ticket presented by another browser than the one that started the login: a
        // relayed or stolen link. Refused, and noted.
        await audit.record({
          event: 'login_failed',
          outcome: 'failure',
          actor: payload.personnummer,
          subject: payload.method,
          ip,
          details: { reason: 'ticket_state_mismatch' },
        });
        return undefined;
      }
      return payload;
    },
  };
}

export type CardLogin = ReturnType<typeof createCardLogin>;
