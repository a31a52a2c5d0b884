/**
 * What a change of one method in the rollout plan does to the login page and Kundwebbinfo:
 * the effects an admin reads and confirms before such a change is saved, and the change that
 * is refused outright (after it, no login method would work now). "Now" is the caller's
 * clock; a change whose effects are all empty is saved at once.
 *
 * Also the version of the plan the admin's forms carry, so a change is written only onto
 * the plan the admin looked at (`RolloutPlan.changeIf`).
 */
import { createHash } from 'node:crypto';
import type { MethodId } from '../identity/methods.js';
import { statusAt, type PlanChange, type PlannedMethod } from '../login/plan.js';

export type PlanEffect =
  /** Works now, not after the change: gone from the login page today, back at `startsAgain` (or never). */
  | { kind: 'leavesLoginPage'; method: MethodId; startsAgain: Date | null }
  /** Does not work now, works after the change: on the login page today. */
  | { kind: 'startsToday'; method: MethodId }
  /** Announced as coming, ended after the change: gone from the coming methods today. */
  | { kind: 'leavesComing'; method: MethodId }
  /** Ended, announced as coming after the change. */
  | { kind: 'comingAgain'; method: MethodId; from: Date }
  /** Works now and still does after the change, but stops at `at` (sooner than before, or at all). */
  | { kind: 'ends'; method: MethodId; at: Date }
  /** From `at` no login method works at all (sooner than before, or at all). */
  | { kind: 'noneFrom'; at: Date };

export interface PlanEffects {
  /** In the order shown: what happens today, then what happens later. */
  readonly effects: readonly PlanEffect[];
  /** After the change no login method works now: refused. */
  readonly noneToday: boolean;
}

/** The plan with one method changed (the methods not changed are the same objects). */
export function withChange(methods: readonly PlannedMethod[], id: MethodId, change: Required<PlanChange>): PlannedMethod[] {
  return methods.map((m) =>
    m.id === id
      ? {
          ...m,
          enabledFrom: change.enabledFrom,
          enabledUntil: change.enabledUntil,
          announceAs: change.announceAs,
          notice: change.notice,
        }
      : m,
  );
}

export function planEffects(
  methods: readonly PlannedMethod[],
  id: MethodId,
  change: Required<PlanChange>,
  now: Date,
): PlanEffects {
  const before = methods.find((m) => m.id === id);
  const afterPlan = withChange(methods, id, change);
  const after = afterPlan.find((m) => m.id === id);
  if (!before || !after) throw new RangeError(`login method ${id} is not in the plan`);
  const today: PlanEffect[] = [];
  const later: PlanEffect[] = [];
  const was = statusAt(before, now);
  const is = statusAt(after, now);
  if (was === 'enabled' && is !== 'enabled') {
    today.push({ kind: 'leavesLoginPage', method: id, startsAgain: is === 'planned' ? after.enabledFrom : null });
  } else if (was !== 'enabled' && is === 'enabled') {
    today.push({ kind: 'startsToday', method: id });
  } else if (was === 'planned' && is === 'ended') {
    today.push({ kind: 'leavesComing', method: id });
  } else if (was === 'ended' && is === 'planned') {
    today.push({ kind: 'comingAgain', method: id, from: after.enabledFrom });
  }
  if (
    is === 'enabled' &&
    after.enabledUntil &&
    (was !== 'enabled' || !before.enabledUntil || after.enabledUntil.getTime() < before.enabledUntil.getTime())
  ) {
    later.push({ kind: 'ends', method: id, at: after.enabledUntil });
  }
  const gapBefore = firstWithoutLogin(methods, now);
  const gapAfter = firstWithoutLogin(afterPlan, now);
  const noneToday = gapAfter?.getTime() === now.getTime();
  if (!noneToday && gapAfter && (!gapBefore || gapAfter.getTime() < gapBefore.getTime())) {
    later.push({ kind: 'noneFrom', at: gapAfter });
  }
  return { effects: [...today, ...later], noneToday };
}

/**
 * The first instant from `now` on at which no method works: the set of working methods
 * changes only where a method starts or ends, so those instants (and now) are enough.
 */
export function firstWithoutLogin(methods: readonly PlannedMethod[], now: Date): Date | undefined {
  const instants = [now, ...methods.flatMap((m) => (m.enabledUntil ? [m.enabledFrom, m.enabledUntil] : [m.enabledFrom]))]
    .filter((d) => d.getTime() >= now.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
  return instants.find((at) => !methods.some((m) => statusAt(m, at) === 'enabled'));
}

/** A short fingerprint of a list of effects: what the admin confirmed must be what is saved. */
export function effectsDigest(effects: readonly PlanEffect[]): string {
  return digest(JSON.stringify(effects));
}

/** The version of the whole plan (every method's values and time of change) that a form was made from. */
export function planVersion(methods: readonly PlannedMethod[]): string {
  return digest(
    JSON.stringify(
      methods.map((m) => [
        m.id,
        m.sortOrder,
        m.enabledFrom.toISOString(),
        m.enabledUntil?.toISOString() ?? null,
        m.announceAs,
        m.notice,
        m.updatedAt.toISOString(),
      ]),
    ),
  );
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
