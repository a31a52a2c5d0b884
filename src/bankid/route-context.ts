/**
 * What every BankID route gets: its dependencies, and the one access rule. An order is
 * reached only through the session's BankID flow (`flowOf`), never by a name the browser
 * sends, so the browser never sees an orderRef or the QR secret.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../platform/clock.js';
import type { SessionManager } from '../identity/sessions.js';
import type { RolloutPlan } from '../login/plan.js';
import type { LoginService } from '../login/service.js';
import type { ViewDeps } from '../web/render.js';
import type { Signing } from '../signing/service.js';
import type { Flow } from './rfa.js';
import type { BankIdOrder, BankIdService } from './service.js';

export interface BankIdRoutesDeps extends ViewDeps {
  config: Config;
  sessions: SessionManager;
  login: LoginService;
  plan: RolloutPlan;
  signing: Signing;
  bankid: BankIdService;
  clock: Clock;
  audit: AuditLog;
}

/**
 * Where a completed self-test order is taken (selftest/): /bankid/complete sends a 'test'
 * order there and never to completeLogin or a signature.
 */
export const TEST_RESULT_PATH = '/testa-e-legitimation/bankid/resultat';
/** Where a cancelled self-test returns. */
export const TEST_PAGE_PATH = '/testa-e-legitimation';

/** The session's one BankID order: what it is for, and the sign request it signs. */
export interface BankIdFlow {
  orderId: string;
  kind: 'auth' | 'sign' | 'test';
  flow: Flow;
  signRequestId: string | null;
  /** How many times the waiting page's script renewed an unscanned QR order (absent: none). */
  renewals?: number;
}

/**
 * An unscanned QR order fails after BankID's start window (about 30 s, startFailed). With
 * its script the waiting page starts a new one for the same purpose this many times
 * (about two minutes of QR codes in all), then it stops and offers "Try again".
 */
export const QR_RENEWALS = 3;
/** The script warns this many seconds before the start window closes. */
export const QR_WARNING_SECONDS = 10;

/** Whether the session's order is a QR order that ran out unscanned and may be renewed. */
export function renewable(
  flow: BankIdFlow,
  order: Pick<BankIdOrder, 'flow' | 'state' | 'hintCode'>,
): boolean {
  return (
    flow.flow === 'qr' &&
    order.flow === 'qr' &&
    order.state === 'failed' &&
    order.hintCode === 'startFailed' &&
    (flow.renewals ?? 0) < QR_RENEWALS
  );
}

export function flowOf(request: FastifyRequest): BankIdFlow | undefined {
  return request.session?.data.flows?.['bankid'] as BankIdFlow | undefined;
}

export type OrderAccess = ReturnType<typeof createOrderAccess>;

export function createOrderAccess(deps: Pick<BankIdRoutesDeps, 'bankid'>) {
  const { bankid } = deps;

  /** The session's order as polled now (BankID's /collect at most every 2 s), if it has one. */
  async function currentOrder(request: FastifyRequest) {
    const flow = flowOf(request);
    const polled = flow ? await bankid.poll(flow.orderId) : undefined;
    return flow && polled ? { flow, ...polled } : undefined;
  }

  return { flowOf, currentOrder };
}
