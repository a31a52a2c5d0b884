/**
 * The test app's behaviour — what a user's BankID app does with an order — shared by the HTML
 * pages, the JSON API and the programmatic `server.testApp`. It respects the order: a QR code
 * must be current and correct (§4), a started order cannot be started again,
 * `requirement.personalNumber` (and a phone order's personalNumber) admits only that person,
 * `requirement.pinCode` refuses biometrics, `requirement.certificatePolicies` must admit a
 * Mobile BankID, and a blocked BankID fails the order with certificateErr.
 */
import type { Clock } from '../../src/platform/clock.js';
import { buildCompletionData, mobileBankIdMatches, type CompletionForgery } from './completion.js';
import type { BankIdFaults } from './faults.js';
import {
  FAILED_HINT_CODES,
  PENDING_HINT_CODES,
  type FailedHintCode,
  type Order,
  type OrderBook,
  type PendingHintCode,
  type Risk,
} from './orders.js';
import type { BankIdPerson, BankIdPkiState } from './pki.js';
import { isQrAuthCodeValid, parseQrString } from './qr.js';
import type { UserAuthMethod } from './signature.js';

export type TestAppErrorCode =
  | 'malformed'
  | 'unknown_token'
  | 'unknown_order'
  | 'stale_qr'
  | 'bad_qr_code'
  | 'already_started'
  | 'not_pending'
  | 'wrong_person'
  | 'pin_required'
  | 'no_matching_bankid'
  | 'unknown_person'
  | 'busy';

const STATUS: Record<TestAppErrorCode, number> = {
  malformed: 400,
  unknown_token: 404,
  unknown_order: 404,
  stale_qr: 400,
  bad_qr_code: 400,
  already_started: 409,
  not_pending: 409,
  wrong_person: 409,
  pin_required: 409,
  no_matching_bankid: 409,
  unknown_person: 404,
  busy: 409,
};

/** What the app shows the user (Swedish, like the real app). */
const MESSAGE: Record<TestAppErrorCode, string> = {
  malformed: 'Koden kunde inte läsas. Klistra in en QR-kod (bankid.…) eller en autostarttoken.',
  unknown_token: 'Det finns ingen beställning för den här koden.',
  unknown_order: 'Beställningen finns inte längre.',
  stale_qr: 'QR-koden är för gammal. Läs av den nya QR-koden.',
  bad_qr_code: 'QR-koden är felaktig.',
  already_started: 'Beställningen har redan startats på en annan enhet.',
  not_pending: 'Beställningen är redan avslutad.',
  wrong_person: 'Beställningen är avsedd för en annan person.',
  pin_required: 'Tjänsten kräver att du använder din säkerhetskod.',
  no_matching_bankid: 'Du har inget BankID som tjänsten godtar.',
  unknown_person: 'Det finns inget BankID för den personen.',
  busy: 'Beställningen behandlas redan.',
};

export class TestAppError extends Error {
  readonly code: TestAppErrorCode;
  readonly status: number;
  readonly userMessage: string;
  constructor(code: TestAppErrorCode, detail?: string) {
    super(detail ?? MESSAGE[code]);
    this.name = 'TestAppError';
    this.code = code;
    this.status = STATUS[code];
    this.userMessage = MESSAGE[code];
  }
}

export interface OrderOutcome {
  orderRef: string;
  status: Order['status'];
  hintCode?: PendingHintCode | FailedHintCode;
}

export interface CompleteInput {
  orderRef: string;
  personnummer: string;
  /** Default 'pin' (security code). */
  authMethod?: UserAuthMethod;
  /** The device's IP as BankID sees it; default the caller's IP or the order's endUserIp. */
  deviceIp?: string;
  /** completionData.risk when returnRisk was asked for; default 'low'. */
  risk?: Risk;
  /** Outcome of the MRTD step-up when requirement.mrtd was asked for; default true. */
  mrtd?: boolean;
  /** Forge this completion (see CompletionForgery). */
  forgery?: CompletionForgery;
}

/** The user's BankID app, simulated. */
export interface BankIdTestApp {
  /** The demo people the pages offer (anyone with a BankID in the PKI may complete orders). */
  readonly people: readonly BankIdPerson[];
  /** Reads a QR string or an autostart token, as the app does; the order is then started. */
  scan(input: { qr?: string; autoStartToken?: string; personnummer?: string; redirect?: string }): OrderOutcome;
  /** Opens an order BankID pushed to the person's app (phone orders, requirement.personalNumber). */
  open(orderRef: string, personnummer: string): OrderOutcome;
  /** Moves a pending order to another pending hint (default userSign: the user sees the order). */
  start(orderRef: string, hintCode?: PendingHintCode): OrderOutcome;
  /** The user identifies or signs. Implicitly starts an order not yet picked up. */
  complete(input: CompleteInput): Promise<OrderOutcome>;
  /** The user presses Avbryt: failed userCancel. */
  cancel(orderRef: string): OrderOutcome;
  /** Ends the order with any failed hintCode (certificateErr, userDeclinedCall, …). */
  fail(orderRef: string, hintCode: FailedHintCode): OrderOutcome;
  /** The order as the app sees it (undefined when unknown or gone). */
  order(orderRef: string): Order | undefined;
}

export function isPendingHint(value: unknown): value is PendingHintCode {
  return PENDING_HINT_CODES.includes(value as PendingHintCode);
}

export function isFailedHint(value: unknown): value is FailedHintCode {
  return FAILED_HINT_CODES.includes(value as FailedHintCode);
}

export function outcomeOf(order: Order): OrderOutcome {
  if (order.status === 'pending') return { orderRef: order.orderRef, status: 'pending', hintCode: order.pendingHint };
  if (order.status === 'failed')
    return { orderRef: order.orderRef, status: 'failed', hintCode: order.failedHint ?? 'expiredTransaction' };
  return { orderRef: order.orderRef, status: 'complete' };
}

export function createTestApp(deps: {
  book: OrderBook;
  pki: BankIdPkiState;
  people: readonly BankIdPerson[];
  faults: BankIdFaults;
  clock: Clock;
  qrMaxAgeSeconds: number;
}): BankIdTestApp {
  const { book, faults, clock } = deps;

  const pendingOrder = (orderRef: string): Order => {
    const order = book.get(orderRef);
    if (!order) throw new TestAppError('unknown_order');
    if (order.status !== 'pending') throw new TestAppError('not_pending');
    if (order.completing) throw new TestAppError('busy');
    return order;
  };

  /** Anyone with a BankID in the PKI can use the app; `people` is only what the pages offer. */
  const knownPerson = (personnummer: string): BankIdPerson => {
    const person = deps.pki.users.get(personnummer)?.person;
    if (!person) throw new TestAppError('unknown_person');
    return person;
  };

  const checkPerson = (order: Order, personnummer: string) => {
    if (order.person !== null && order.person !== personnummer) throw new TestAppError('wrong_person');
  };

  return {
    people: deps.people,

    scan(input) {
      let order: Order | undefined;
      let via: 'qr' | 'autostart';
      if (typeof input.qr === 'string' && input.qr.trim().startsWith('bankid.')) {
        const scanned = parseQrString(input.qr);
        if (!scanned) throw new TestAppError('malformed');
        order = book.byQrStartToken(scanned.qrStartToken);
        if (!order) throw new TestAppError('unknown_token');
        if (!order.tokens || !isQrAuthCodeValid(order.tokens.qrStartSecret, scanned))
          throw new TestAppError('bad_qr_code');
        // qrTime counts from when the RP got the response: never ahead of our clock (1 s
        // slack for rounding), and a code older than qrMaxAgeSeconds is a stale or relayed picture.
        const elapsed = Math.floor((clock.now().getTime() - order.createdAt) / 1000);
        if (scanned.qrTime > elapsed + 1 || scanned.qrTime < elapsed - deps.qrMaxAgeSeconds)
          throw new TestAppError('stale_qr');
        via = 'qr';
      } else {
        const token = (input.autoStartToken ?? input.qr ?? '').trim().toLowerCase();
        if (!/^[0-9a-f-]{36}$/.test(token)) throw new TestAppError('malformed');
        order = book.byAutoStartToken(token);
        if (!order) throw new TestAppError('unknown_token');
        via = 'autostart';
      }
      if (order.status !== 'pending') throw new TestAppError('not_pending');
      if (order.pickedUpAt !== null) throw new TestAppError('already_started');
      if (input.personnummer !== undefined) {
        knownPerson(input.personnummer);
        checkPerson(order, input.personnummer);
      }
      book.pickUp(order, via, input.personnummer ?? null);
      if (input.redirect !== undefined) order.redirect = input.redirect;
      return outcomeOf(order);
    },

    open(orderRef, personnummer) {
      const order = pendingOrder(orderRef);
      knownPerson(personnummer);
      checkPerson(order, personnummer);
      if (order.pickedUpAt === null) book.pickUp(order, 'app', personnummer);
      return outcomeOf(order);
    },

    start(orderRef, hintCode = 'userSign') {
      const order = pendingOrder(orderRef);
      if (order.pickedUpAt === null) book.pickUp(order, 'app', null);
      book.setPendingHint(order, hintCode);
      return outcomeOf(order);
    },

    async complete(input) {
      const order = pendingOrder(input.orderRef);
      const person = knownPerson(input.personnummer);
      checkPerson(order, person.personnummer);
      const authMethod = input.authMethod ?? 'pin';
      if (order.request.requirement.pinCode === true && authMethod !== 'pin') throw new TestAppError('pin_required');
      if (!mobileBankIdMatches(order.request.requirement.certificatePolicies))
        throw new TestAppError('no_matching_bankid');
      if (order.pickedUpAt === null) book.pickUp(order, 'app', person.personnummer);
      if (deps.pki.users.get(person.personnummer)?.revokedAt) {
        book.fail(order, 'certificateErr');
        return outcomeOf(order);
      }
      const forgery = faults.nextCompletion ?? input.forgery ?? null;
      faults.nextCompletion = null;
      order.completing = true;
      try {
        const completionData = await buildCompletionData({
          state: deps.pki,
          order,
          person,
          authMethod,
          deviceIp: input.deviceIp ?? order.request.endUserIp ?? '127.0.0.1',
          risk: input.risk ?? 'low',
          mrtd: input.mrtd ?? true,
          forgery,
          now: clock.now(),
        });
        book.complete(order, completionData);
      } catch (err) {
        order.completing = false;
        throw err;
      }
      return outcomeOf(order);
    },

    cancel(orderRef) {
      const order = pendingOrder(orderRef);
      book.fail(order, 'userCancel');
      return outcomeOf(order);
    },

    fail(orderRef, hintCode) {
      const order = pendingOrder(orderRef);
      book.fail(order, hintCode);
      return outcomeOf(order);
    },

    order(orderRef) {
      return book.get(orderRef);
    },
  };
}
