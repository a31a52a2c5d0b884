/**
 * The order book: every BankID order and its life, all times from the clock
 * (shared/reference/bankid.md §2, §3, §7):
 * - pending `outstandingTransaction` until the app picks the order up (QR, autostart, or push
 *   for phone orders); `startFailed` if that has not happened 30 s after creation (not for
 *   phone orders, which BankID pushes to the user's app);
 * - `expiredTransaction` when not finished 3 min after creation;
 * - a finished order is collectable once: completed ones for 3 min, failed ones for 5 min,
 *   orders never picked up until 3 min 10 s after creation; later, or a second time, the
 *   orderRef is unknown (→ invalidParameters);
 * - a new order with a personal number that has a pending order → alreadyInProgress, and the
 *   pending order fails with `cancelled` ("The order is aborted. No order is created.");
 * - /cancel removes a pending or uncollected order; cancelling again → invalidParameters.
 * Transitions are computed when an order is read, so collect is a Map lookup and a few
 * comparisons; a sweep drops orders nobody collects.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../src/platform/clock.js';
import type { BankIdRpIdentity } from './pki.js';

export type OrderKind = 'auth' | 'sign' | 'phone/auth' | 'phone/sign';

export const PENDING_HINT_CODES = [
  'outstandingTransaction',
  'noClient',
  'started',
  'userMrtd',
  'userCallConfirm',
  'userSign',
  'processing',
] as const;
export type PendingHintCode = (typeof PENDING_HINT_CODES)[number];

export const FAILED_HINT_CODES = [
  'expiredTransaction',
  'certificateErr',
  'userCancel',
  'cancelled',
  'startFailed',
  'userDeclinedCall',
  'notSupportedByUserApp',
  'transactionRiskBlocked',
] as const;
export type FailedHintCode = (typeof FAILED_HINT_CODES)[number];

export type Risk = 'low' | 'moderate' | 'high';

export interface Requirement {
  pinCode?: boolean;
  mrtd?: boolean;
  cardReader?: 'class1' | 'class2';
  certificatePolicies?: string[];
  personalNumber?: string;
}

/** A validated /auth, /sign, /phone/auth or /phone/sign request. */
export interface OrderRequest {
  /** null for phone orders (they have no endUserIp). */
  endUserIp: string | null;
  requirement: Requirement;
  userVisibleData?: string;
  userVisibleDataFormat?: 'plaintext' | 'simpleMarkdownV1';
  userNonVisibleData?: string;
  returnUrl?: string;
  returnRisk: boolean;
  web?: Record<string, string>;
  app?: Record<string, string>;
  /** Phone orders: the top-level personalNumber. */
  personalNumber?: string;
  callInitiator?: 'user' | 'RP';
}

export interface CompletionData {
  user: { personalNumber: string; name: string; givenName: string; surname: string };
  device: { ipAddress: string; uhi: string };
  bankIdIssueDate: string;
  stepUp?: { mrtd: boolean };
  signature: string;
  ocspResponse: string;
  risk?: Risk;
}

export type CollectResponse =
  | { orderRef: string; status: 'pending'; hintCode: PendingHintCode }
  | { orderRef: string; status: 'failed'; hintCode: FailedHintCode }
  | { orderRef: string; status: 'complete'; completionData: CompletionData };

export interface OrderRp {
  fingerprint256: string;
  identity: BankIdRpIdentity;
}

export interface Order {
  readonly orderRef: string;
  readonly kind: OrderKind;
  readonly rp: OrderRp;
  readonly request: OrderRequest;
  /** Absent for phone orders. */
  readonly tokens: { autoStartToken: string; qrStartToken: string; qrStartSecret: string } | null;
  readonly createdAt: number;
  status: 'pending' | 'failed' | 'complete';
  pendingHint: PendingHintCode;
  failedHint: FailedHintCode | null;
  pickedUpAt: number | null;
  pickedUpVia: 'qr' | 'autostart' | 'app' | null;
  /** The personal number BankID knows for the order: requirement, phone request, or the app that picked it up. */
  person: string | null;
  /** Where the launch URL said to go after the app is done (autostart `redirect`). */
  redirect: string | null;
  endedAt: number | null;
  completionData: CompletionData | null;
  scriptedFailure: { hintCode: FailedHintCode; afterCollects: number } | null;
  collects: number;
  /** A completion is being built (signing is async); the app may not act twice. */
  completing: boolean;
}

export interface OrderTimings {
  /** Default 30 000 (30 s start window). */
  startTimeoutMs: number;
  /** Default 180 000 (3 min). */
  lifetimeMs: number;
  /** Default 180 000. */
  completedRetentionMs: number;
  /** Default 300 000. */
  failedRetentionMs: number;
  /** From creation, for orders never picked up. Default 190 000. */
  unstartedRetentionMs: number;
}

export const DEFAULT_TIMINGS: OrderTimings = {
  startTimeoutMs: 30_000,
  lifetimeMs: 180_000,
  completedRetentionMs: 180_000,
  failedRetentionMs: 300_000,
  unstartedRetentionMs: 190_000,
};

export type CreateResult = { ok: true; order: Order } | { ok: false; error: 'alreadyInProgress' };

export interface OrderBook {
  create(
    kind: OrderKind,
    request: OrderRequest,
    rp: OrderRp,
    scriptedFailure: Order['scriptedFailure'],
  ): CreateResult;
  /** The order after applying elapsed time; undefined when unknown, consumed or gone. */
  get(orderRef: string): Order | undefined;
  /** undefined: no such order for this RP (→ invalidParameters). A final answer consumes the order. */
  collect(orderRef: string, rpFingerprint: string): CollectResponse | undefined;
  /** false: no such order for this RP. */
  cancel(orderRef: string, rpFingerprint: string): boolean;
  byQrStartToken(token: string): Order | undefined;
  byAutoStartToken(token: string): Order | undefined;
  /** Pending orders BankID would push to this person's app (phone orders, requirement.personalNumber). */
  pendingFor(personnummer: string): Order[];
  /** Pending orders no app has picked up yet, with QR tokens: what a camera could scan now. */
  awaitingScan(): Order[];
  pickUp(order: Order, via: 'qr' | 'autostart' | 'app', person: string | null): void;
  setPendingHint(order: Order, hint: PendingHintCode): void;
  fail(order: Order, hint: FailedHintCode): void;
  complete(order: Order, completionData: CompletionData): void;
  /** Drops orders past retention; returns how many are left. */
  sweep(): number;
  size(): number;
}

export function createOrderBook(clock: Clock, timings: OrderTimings = DEFAULT_TIMINGS): OrderBook {
  const orders = new Map<string, Order>();
  const qrTokens = new Map<string, Order>();
  const autoStartTokens = new Map<string, Order>();
  /** Pending orders by known personal number (at most one each). */
  const pendingByPerson = new Map<string, Order>();

  const unindex = (order: Order) => {
    if (order.tokens) {
      qrTokens.delete(order.tokens.qrStartToken);
      autoStartTokens.delete(order.tokens.autoStartToken);
    }
    if (order.person !== null && pendingByPerson.get(order.person) === order) pendingByPerson.delete(order.person);
  };

  const remove = (order: Order) => {
    unindex(order);
    orders.delete(order.orderRef);
  };

  const end = (order: Order, status: 'failed' | 'complete', at: number) => {
    order.status = status;
    order.endedAt = at;
    unindex(order);
  };

  const failAt = (order: Order, hint: FailedHintCode, at: number) => {
    order.failedHint = hint;
    end(order, 'failed', at);
  };

  const isPhone = (order: Order) => order.kind === 'phone/auth' || order.kind === 'phone/sign';

  /** Applies elapsed time; returns undefined (and forgets the order) once it is past retention. */
  const refresh = (order: Order, now: number): Order | undefined => {
    if (order.status === 'pending' && !order.completing) {
      const startDeadline = order.createdAt + timings.startTimeoutMs;
      const expiry = order.createdAt + timings.lifetimeMs;
      if (order.pickedUpAt === null && !isPhone(order) && now >= startDeadline) failAt(order, 'startFailed', startDeadline);
      else if (now >= expiry) failAt(order, 'expiredTransaction', expiry);
    }
    if (order.status !== 'pending') {
      const endedAt = order.endedAt ?? order.createdAt;
      const until =
        order.status === 'complete'
          ? endedAt + timings.completedRetentionMs
          : order.pickedUpAt === null
            ? Math.max(order.createdAt + timings.unstartedRetentionMs, endedAt)
            : endedAt + timings.failedRetentionMs;
      if (now > until) {
        remove(order);
        return undefined;
      }
    }
    return order;
  };

  const get = (orderRef: string): Order | undefined => {
    const order = orders.get(orderRef);
    return order && refresh(order, clock.now().getTime());
  };

  const setPerson = (order: Order, person: string) => {
    const other = pendingByPerson.get(person);
    // "cancelled: The order was cancelled. The system received a new order for the user."
    if (other && other !== order && other.status === 'pending') failAt(other, 'cancelled', clock.now().getTime());
    order.person = person;
    pendingByPerson.set(person, order);
  };

  return {
    create(kind, request, rp, scriptedFailure) {
      const now = clock.now().getTime();
      const person = request.requirement.personalNumber ?? request.personalNumber ?? null;
      if (person !== null) {
        const pending = pendingByPerson.get(person);
        if (pending && refresh(pending, now)?.status === 'pending') {
          failAt(pending, 'cancelled', now);
          return { ok: false, error: 'alreadyInProgress' };
        }
      }
      const phone = kind === 'phone/auth' || kind === 'phone/sign';
      const order: Order = {
        orderRef: randomUUID(),
        kind,
        rp,
        request,
        tokens: phone
          ? null
          : { autoStartToken: randomUUID(), qrStartToken: randomUUID(), qrStartSecret: randomUUID() },
        createdAt: now,
        status: 'pending',
        pendingHint: 'outstandingTransaction',
        failedHint: null,
        pickedUpAt: null,
        pickedUpVia: null,
        person: null,
        redirect: null,
        endedAt: null,
        completionData: null,
        scriptedFailure,
        collects: 0,
        completing: false,
      };
      orders.set(order.orderRef, order);
      if (order.tokens) {
        qrTokens.set(order.tokens.qrStartToken, order);
        autoStartTokens.set(order.tokens.autoStartToken, order);
      }
      if (person !== null) setPerson(order, person);
      return { ok: true, order };
    },

    get,

    collect(orderRef, rpFingerprint) {
      const order = get(orderRef);
      if (!order || order.rp.fingerprint256 !== rpFingerprint) return undefined;
      if (order.status === 'pending' && order.scriptedFailure && !order.completing) {
        if (order.collects >= order.scriptedFailure.afterCollects)
          failAt(order, order.scriptedFailure.hintCode, clock.now().getTime());
      }
      order.collects++;
      if (order.status === 'pending') return { orderRef, status: 'pending', hintCode: order.pendingHint };
      // "The same orderRef must not be used for additional collect requests."
      remove(order);
      if (order.status === 'complete' && order.completionData)
        return { orderRef, status: 'complete', completionData: order.completionData };
      return { orderRef, status: 'failed', hintCode: order.failedHint ?? 'expiredTransaction' };
    },

    cancel(orderRef, rpFingerprint) {
      const order = get(orderRef);
      if (!order || order.rp.fingerprint256 !== rpFingerprint) return false;
      remove(order);
      return true;
    },

    byQrStartToken(token) {
      const order = qrTokens.get(token);
      return order && get(order.orderRef);
    },

    byAutoStartToken(token) {
      const order = autoStartTokens.get(token);
      return order && get(order.orderRef);
    },

    awaitingScan() {
      return [...orders.values()]
        .map((o) => get(o.orderRef))
        .filter((o): o is Order => o?.status === 'pending' && o.pickedUpVia === null && o.tokens !== null);
    },

    pendingFor(personnummer) {
      const order = pendingByPerson.get(personnummer);
      const current = order && get(order.orderRef);
      return current?.status === 'pending' ? [current] : [];
    },

    pickUp(order, via, person) {
      order.pickedUpAt = clock.now().getTime();
      order.pickedUpVia = via;
      if (person !== null && order.person === null) setPerson(order, person);
      // Phone orders first ask the user to confirm the call; autostart looks for a usable ID.
      order.pendingHint = isPhone(order) ? 'userCallConfirm' : via === 'autostart' ? 'started' : 'userSign';
    },

    setPendingHint(order, hint) {
      order.pendingHint = hint;
    },

    fail(order, hint) {
      failAt(order, hint, clock.now().getTime());
    },

    complete(order, completionData) {
      order.completionData = completionData;
      order.completing = false;
      end(order, 'complete', clock.now().getTime());
    },

    sweep() {
      const now = clock.now().getTime();
      for (const order of orders.values()) refresh(order, now);
      return orders.size;
    },

    size() {
      return orders.size;
    },
  };
}

/** 20 random bytes, base64 (srvInfo/nonce). */
export function randomNonce(): string {
  return randomBytes(20).toString('base64');
}
