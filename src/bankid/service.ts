/**
 * BankID orders bound to the browser session. The order (orderRef, qrStartSecret, start
 * time) lives in the TTL store, named by a random id that only the session knows: the
 * browser never sends an orderRef. Polls are cheap: BankID's /collect is called at most once
 * per 2 s per order however many tabs or instances poll (a short lock in the store), a poll
 * between two collects is answered from what this instance knows of the order without
 * touching the store, the animated QR data is computed on the server (qrStartSecret never
 * leaves it), and a completed order is verified once and used once. A completion is
 * accepted only if it was made after its order started and has not been seen before, so an
 * answer replayed into another order logs nobody in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import type { TtlStore } from '../platform/store/port.js';
import type { ParsedCertificate } from '../platform/pki.js';
import { rfaForError, rfaForFailed, rfaForPending, type Flow, type Rfa } from './rfa.js';
import { qrData } from './qr.js';
import { BankIdError, type BankIdClient, type CompletionData, type OrderRequest, type OrderResponse } from './rp-client.js';
import { verifyBankIdCompletion } from './verify.js';

/** A login, a signature, or a self-test (an identification that logs nobody in: selftest/). */
export type OrderKind = 'auth' | 'sign' | 'test';

export interface BankIdOrder {
  id: string;
  kind: OrderKind;
  flow: Flow;
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
  startedAt: number;
  endUserIp: string;
  mobile: boolean;
  signRequestId: string | null;
  visibleData: string | undefined;
  nonVisibleData: string | undefined;
  state: 'pending' | 'failed' | 'complete';
  hintCode: string | undefined;
  rfa: Rfa;
  /** Set once the completion has been verified. */
  result?: { personnummer: string; name: string; completion: CompletionData; certificate: { serial: string; notAfter: string; issuer: string } };
  /** Why a completion or start was refused (our own check, not BankID's). */
  refusal?: string;
  used?: boolean;
  /** When this instance or another last called /collect (saves needless lock attempts). */
  lastCollectAt?: number;
}

export interface OrderView {
  state: BankIdOrder['state'];
  rfa: Rfa;
  /** The animated QR data for this second (other-device flow, while not yet scanned). */
  qr: string | null;
  /**
   * While the QR is shown: whole seconds until BankID's start window closes (by our clock;
   * BankID fails an unscanned order with startFailed about then), else null.
   */
  qrSecondsLeft: number | null;
  refusal: string | null;
}

/**
 * BankID's start window (reference §4, §7): an order no app has picked up fails with
 * startFailed about 30 s after it was created.
 */
export const START_WINDOW_SECONDS = 30;
/** Orders are kept a little longer than BankID keeps them collectable. */
const ORDER_SECONDS = 6 * 60;
const COLLECT_INTERVAL_SECONDS = 2;
/** At most this many orders are known in memory (beyond it the oldest go: polls then read the store). */
const MAX_KNOWN_ORDERS = 50_000;
/** Allowed clock difference to BankID's OCSP responder when comparing producedAt with an order's start. */
const COMPLETION_SKEW_MS = 5 * 60_000;
/**
 * How long a completion's signature is remembered: past this, its producedAt is too old for
 * any order still collectable (ORDER_SECONDS after its start), so the age check refuses it.
 */
const SEEN_COMPLETION_SECONDS = ORDER_SECONDS + COMPLETION_SKEW_MS / 1000;

export function createBankIdService(deps: {
  client: BankIdClient;
  store: TtlStore;
  clock: Clock;
  audit: AuditLog;
  roots: readonly ParsedCertificate[];
  referringDomain: string;
  /** Told when an order ends: complete, or failed with BankID's hintCode or our refusal. */
  onOrderEnded?: (kind: OrderKind, outcome: string) => void;
}) {
  const { client, store, clock, audit } = deps;
  const key = (id: string) => `bankid:order:${id}`;
  const stats = { collects: 0, polls: 0, fromMemory: 0 };

  /**
   * The pending orders this instance answered polls for, each as it was last read or
   * collected here, and until when that copy is as good as the store's. Only a collect
   * changes a pending order in the store (besides taking or cancelling it, which also ends
   * the session's flow, so no poll reaches it any more), and no instance collects before the
   * last collect is COLLECT_INTERVAL_SECONDS old (the lock). So until then a poll is answered
   * from here without touching the store; afterwards it reads the store again, which shows
   * what another instance collected. Ordered by last update: stale entries are dropped from
   * the front as others are added.
   */
  const known = new Map<string, { order: BankIdOrder; readAt: number; freshUntil: number }>();

  function remember(order: BankIdOrder, now: number): void {
    known.delete(order.id);
    const freshUntil = Math.min(
      (order.lastCollectAt ?? 0) + COLLECT_INTERVAL_SECONDS * 1000,
      order.startedAt + ORDER_SECONDS * 1000,
    );
    if (order.state !== 'pending' || freshUntil <= now) return;
    known.set(order.id, { order, readAt: now, freshUntil });
    if (known.size > MAX_KNOWN_ORDERS) known.delete(known.keys().next().value as string);
    let budget = 4;
    for (const [id, entry] of known) {
      if (budget-- === 0 || entry.freshUntil > now) break;
      known.delete(id);
    }
  }

  async function save(order: BankIdOrder): Promise<void> {
    const ttl = Math.max(1, Math.ceil((order.startedAt + ORDER_SECONDS * 1000 - clock.now().getTime()) / 1000));
    await store.upsert(key(order.id), order, ttl);
  }

  function view(order: BankIdOrder, now = clock.now().getTime()): OrderView {
    const showQr = order.flow === 'qr' && order.state === 'pending' && (order.hintCode === undefined || order.hintCode === 'outstandingTransaction');
    return {
      state: order.state,
      rfa: order.rfa,
      qr: showQr ? qrData(order.qrStartToken, order.qrStartSecret, order.startedAt, now) : null,
      qrSecondsLeft: showQr ? Math.max(0, Math.ceil((order.startedAt + START_WINDOW_SECONDS * 1000 - now) / 1000)) : null,
      refusal: order.refusal ?? null,
    };
  }

  return {
    stats,

    /** Starts an order; throws BankIdError (with its code) when BankID refuses. */
    async start(input: {
      kind: OrderKind;
      flow: Flow;
      endUserIp: string;
      userAgent: string | undefined;
      deviceId: string;
      mobile: boolean;
      personnummer?: string;
      text?: string;
      nonVisible?: string;
      signRequestId?: string;
    }): Promise<BankIdOrder> {
      const visibleData = input.text === undefined ? undefined : Buffer.from(input.text, 'utf8').toString('base64');
      const nonVisibleData = input.nonVisible === undefined ? undefined : Buffer.from(input.nonVisible, 'utf8').toString('base64');
      const body: OrderRequest = {
        endUserIp: input.endUserIp,
        returnRisk: true,
        web: {
          referringDomain: deps.referringDomain,
          deviceIdentifier: createHash('sha256').update(input.deviceId).digest('hex'),
          ...(input.userAgent ? { userAgent: input.userAgent.slice(0, 256) } : {}),
        },
        ...(input.personnummer ? { requirement: { personalNumber: input.personnummer, pinCode: input.kind === 'sign' } } : {}),
        // Plain text: the app then shows exactly the text the portal's sign page shows. As
        // simpleMarkdownV1, a `*` or `_` in a case title would change what the signer reads.
        ...(visibleData ? { userVisibleData: visibleData, userVisibleDataFormat: 'plaintext' as const } : {}),
        ...(nonVisibleData ? { userNonVisibleData: nonVisibleData } : {}),
      };
      let response: OrderResponse;
      try {
        response =
          input.kind === 'sign' && visibleData ? await client.sign({ ...body, userVisibleData: visibleData }) : await client.auth(body);
      } catch (err) {
        // An order BankID would not start ended too: counted like one that failed later.
        if (err instanceof BankIdError) deps.onOrderEnded?.(input.kind, err.code);
        throw err;
      }
      const order: BankIdOrder = {
        id: randomBytes(24).toString('base64url'),
        kind: input.kind,
        flow: input.flow,
        ...response,
        startedAt: clock.now().getTime(),
        endUserIp: input.endUserIp,
        mobile: input.mobile,
        signRequestId: input.signRequestId ?? null,
        visibleData,
        nonVisibleData,
        state: 'pending',
        hintCode: undefined,
        rfa: input.flow === 'qr' ? 'RFA1' : 'RFA13',
      };
      await save(order);
      return order;
    },

    /** The order's current view without contacting BankID (for the QR image). */
    async peek(id: string): Promise<OrderView | undefined> {
      if (!/^[A-Za-z0-9_-]{32}$/.test(id)) return undefined;
      const order = await store.find<BankIdOrder>(key(id));
      return order ? view(order) : undefined;
    },

    async find(id: string | undefined): Promise<BankIdOrder | undefined> {
      if (!id || !/^[A-Za-z0-9_-]{32}$/.test(id)) return undefined;
      return store.find<BankIdOrder>(key(id));
    },

    /**
     * The order's state for a poll. Calls BankID's /collect only when the last call is 2 s
     * old — the lock in the store makes that hold across tabs and instances. Between two
     * collects a pending order is answered from memory (`known`), without the store.
     */
    async poll(id: string): Promise<{ order: BankIdOrder; view: OrderView } | undefined> {
      stats.polls++;
      const now = clock.now().getTime();
      const memory = known.get(id);
      // (A clock set back, as tests do, is no reason to trust the copy longer.)
      if (memory && memory.readAt <= now && now < memory.freshUntil) {
        stats.fromMemory++;
        return { order: memory.order, view: view(memory.order, now) };
      }
      let order = await store.find<BankIdOrder>(key(id));
      if (!order) {
        known.delete(id);
        return undefined;
      }
      const due = (order.lastCollectAt ?? 0) + COLLECT_INTERVAL_SECONDS * 1000 <= now;
      if (order.state === 'pending' && due && (await store.add(`bankid:collect:${id}`, 1, COLLECT_INTERVAL_SECONDS))) {
        order.lastCollectAt = clock.now().getTime();
        stats.collects++;
        try {
          const collected = await client.collect(order.orderRef);
          if (collected.status === 'pending' && collected.hintCode === order.hintCode) {
            // Nothing new, nothing written: the stored order keeps an older lastCollectAt
            // (the lock, not that hint, keeps collects 2 s apart across instances).
            remember(order, now);
            return { order, view: view(order) };
          }
          const collectedAt = order.lastCollectAt;
          order = (await store.find<BankIdOrder>(key(id))) ?? order;
          order.lastCollectAt = collectedAt;
          if (collected.status === 'pending') {
            order.hintCode = collected.hintCode;
            order.rfa = rfaForPending(collected.hintCode, order.flow, order.mobile);
          } else if (collected.status === 'failed') {
            order.state = 'failed';
            order.hintCode = collected.hintCode;
            order.rfa = rfaForFailed(collected.hintCode, order.flow);
          } else {
            const completion = collected.completionData;
            const verification = verifyBankIdCompletion({
              completion,
              expectedVisibleData: order.visibleData,
              expectedNonVisibleData: order.nonVisibleData,
              roots: deps.roots,
              at: clock.now(),
            });
            const refused = order;
            const refuse = async (refusal: 'verification' | 'risk' | 'device', details: Record<string, unknown>) => {
              refused.state = 'failed';
              refused.rfa = 'RFA22';
              refused.refusal = refusal;
              const test = refused.kind === 'test';
              await audit.record({
                event: test ? 'eid_selftest' : refused.kind === 'auth' ? 'login_failed' : 'signature_failed',
                outcome: 'failure',
                // A self-test keeps no personal number (selftest/).
                actor: !test && /^\d{12}$/.test(completion.user.personalNumber) ? completion.user.personalNumber : null,
                subject: 'bankid',
                ip: refused.endUserIp,
                details: test ? { usage: 'login', ...details } : { ...details, orderRef: refused.orderRef },
              });
            };
            if (!verification.ok) {
              await refuse('verification', { reason: verification.code, detail: verification.detail });
            } else if (verification.producedAt.getTime() < order.startedAt - COMPLETION_SKEW_MS) {
              // Signed before this order existed: another order's answer, replayed.
              await refuse('verification', { reason: 'completion_predates_order' });
            } else if (
              !(await store.add(`bankid:completion:${createHash('sha256').update(completion.signature).digest('base64url')}`, 1, SEEN_COMPLETION_SECONDS))
            ) {
              // The same signature already completed an order (this one or another).
              await refuse('verification', { reason: 'completion_replayed' });
            } else if (completion.risk === 'high') {
              await refuse('risk', { reason: 'risk_high' });
            } else if (order.flow === 'autostart' && completion.device.ipAddress && completion.device.ipAddress !== order.endUserIp) {
              // Same-device flow, but the app ran elsewhere: a relayed autostart link.
              await refuse('device', { reason: 'device_ip_mismatch' });
            } else {
              order.state = 'complete';
              order.result = {
                personnummer: verification.personnummer,
                name: verification.name,
                completion,
                certificate: { ...verification.certificate, notAfter: verification.certificate.notAfter.toISOString() },
              };
            }
          }
        } catch (err) {
          if (!(err instanceof BankIdError)) throw err;
          order.state = 'failed';
          order.rfa = rfaForError(err.code);
          order.refusal = err.code;
        }
        await save(order);
        // A self-test that BankID ended (cancelled, timed out, refused) is counted as a failed
        // test; our own refusals above were audited where they were made.
        if (order.kind === 'test' && order.state === 'failed' && !['verification', 'risk', 'device'].includes(order.refusal ?? '')) {
          await audit.record({
            event: 'eid_selftest',
            outcome: 'failure',
            actor: null,
            subject: 'bankid',
            ip: order.endUserIp,
            details: { usage: 'login', reason: order.refusal ?? order.hintCode ?? 'failed' },
          });
        }
        if (order.state !== 'pending') deps.onOrderEnded?.(order.kind, order.state === 'complete' ? 'complete' : (order.refusal ?? order.hintCode ?? 'failed'));
      }
      remember(order, now);
      return { order, view: view(order) };
    },

    /** Takes a completed order once; a second call gets nothing. */
    async takeCompleted(id: string): Promise<BankIdOrder | undefined> {
      known.delete(id);
      const order = await store.consume<BankIdOrder>(key(id));
      if (!order) return undefined;
      if (order.state !== 'complete' || order.used) {
        await save(order);
        return undefined;
      }
      return order;
    },

    /** Cancels at BankID (so the person can start again at once) and forgets the order. */
    async cancel(id: string): Promise<void> {
      known.delete(id);
      const order = await store.consume<BankIdOrder>(key(id));
      if (order?.state === 'pending') {
        try {
          await client.cancel(order.orderRef);
        } catch (err) {
          if (!(err instanceof BankIdError)) throw err;
        }
      }
    },

    view,
  };
}

export type BankIdService = ReturnType<typeof createBankIdService>;
