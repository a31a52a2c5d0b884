/**
 * What every self-test route gets, and the session's list of tests made: only the method,
 * what was tested (login or signing) and whether it worked, for the summary. No personal
 * number, name or certificate is kept; the anonymous session ends as any does.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../platform/clock.js';
import type { MethodId } from '../identity/methods.js';
import { isMethodId } from '../identity/methods.js';
import type { RolloutPlan } from '../login/plan.js';
import type { ViewDeps } from '../web/render.js';

export const SELFTEST_PATH = '/testa-e-legitimation';

export interface SelftestDeps extends ViewDeps {
  clock: Clock;
  plan: RolloutPlan;
  audit: AuditLog;
}

export type TestUsage = 'login' | 'sign';

export interface TestOutcome {
  /** 'card' when the card's issuer was not known (e.g. no signing certificate came). */
  method: MethodId | 'card';
  usage: TestUsage;
  ok: boolean;
}

/** The tests made in this session, newest last; one entry per method and usage. */
export function outcomesOf(request: FastifyRequest): TestOutcome[] {
  const raw = (request.session?.data.flows?.['selftest'] as { outcomes?: unknown } | undefined)?.outcomes;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (o): o is TestOutcome =>
      typeof o === 'object' && o !== null && (isMethodId((o as TestOutcome).method) || (o as TestOutcome).method === 'card') && ((o as TestOutcome).usage === 'login' || (o as TestOutcome).usage === 'sign'),
  );
}

export async function noteOutcome(deps: Pick<SelftestDeps, 'sessions'>, request: FastifyRequest, outcome: TestOutcome): Promise<void> {
  const session = request.session;
  if (!session) return;
  const kept = outcomesOf(request).filter((o) => !(o.method === outcome.method && o.usage === outcome.usage));
  session.data.flows = { ...session.data.flows, selftest: { outcomes: [...kept, { method: outcome.method, usage: outcome.usage, ok: outcome.ok }] } };
  await deps.sessions.save(session);
}

/** The audit event of a test: method, what was tested and the outcome; never who. */
export async function auditTest(
  deps: Pick<SelftestDeps, 'audit'>,
  input: { method: MethodId | 'card'; usage: TestUsage; ok: boolean; reason?: string; ip: string | null },
): Promise<void> {
  await deps.audit.record({
    event: 'eid_selftest',
    outcome: input.ok ? 'success' : 'failure',
    actor: null,
    subject: input.method,
    ip: input.ip,
    details: { usage: input.usage, ...(input.reason ? { reason: input.reason } : {}) },
  });
}

/** All but the last four digits hidden: what the test shows of the number it read. */
export function maskAllButLastFour(canonical: string): string {
  return `XXXXXXXX-${canonical.slice(-4)}`;
}
