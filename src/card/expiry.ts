/**
 * Expiry warnings: a person who logs in with a card whose certificate expires soon — within
 * the configured window, or before the next login method of the rollout plan arrives —
 * is told when, and what to do, unless they already use another method.
 */
import type { Db } from '../platform/db/index.js';
import type { MethodId } from '../identity/methods.js';
import { credentialsSeen } from '../login/credentials.js';
import { statusAt, type PlannedMethod, type RolloutPlan } from '../login/plan.js';

export const CARD_METHODS: readonly MethodId[] = ['telia_card', 'svenska_pass_card'];

export interface ExpiryWarning {
  method: MethodId;
  notAfter: Date;
  expired: boolean;
  /** The next method of the plan, when the card expires before it starts. */
  nextPlanned: PlannedMethod | null;
  bankId: 'enabled' | 'planned' | 'absent';
  svenskaPass: 'enabled' | 'planned' | 'absent';
}

export async function cardExpiryWarning(input: {
  db: Db;
  plan: RolloutPlan;
  now: Date;
  personnummer: string;
  method: MethodId;
  windowDays: number;
  otherMethodDays: number;
}): Promise<ExpiryWarning | undefined> {
  const { db, plan, now, personnummer, method } = input;
  if (!CARD_METHODS.includes(method)) return undefined;
  const rows = await credentialsSeen(db, personnummer);
  const card = rows.find((r) => r.method === method);
  if (!card?.cert_not_after) return undefined;
  const recentSince = now.getTime() - input.otherMethodDays * 86_400_000;
  if (rows.some((r) => r.method !== method && new Date(r.last_used_at).getTime() >= recentSince)) return undefined;

  const notAfter = new Date(card.cert_not_after);
  const methods = await plan.methods();
  const upcoming = methods
    .filter((m) => statusAt(m, now) === 'planned')
    .sort((a, b) => a.enabledFrom.getTime() - b.enabledFrom.getTime());
  const nextPlanned = upcoming.find((m) => notAfter.getTime() < m.enabledFrom.getTime()) ?? null;
  const withinWindow = notAfter.getTime() - now.getTime() <= input.windowDays * 86_400_000;
  if (!withinWindow && !nextPlanned) return undefined;
  const state = (id: MethodId) => {
    const m = methods.find((x) => x.id === id);
    if (!m) return 'absent' as const;
    const s = statusAt(m, now);
    return s === 'ended' ? ('absent' as const) : s;
  };
  return {
    method,
    notAfter,
    expired: notAfter.getTime() <= now.getTime(),
    nextPlanned,
    bankId: state('bankid'),
    svenskaPass: state('svenska_pass_card'),
  };
}
