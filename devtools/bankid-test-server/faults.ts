/**
 * Failure injection. `BankIdFaults` is a plain mutable object: tests change it between
 * requests (or through the test app's POST /api/faults).
 */
import type { CompletionForgery } from './completion.js';
import { COMPLETION_FORGERIES } from './completion.js';
import { FAILED_HINT_CODES, type FailedHintCode } from './orders.js';

export type RpEndpoint = 'auth' | 'sign' | 'phone/auth' | 'phone/sign' | 'collect' | 'cancel';
export const RP_ENDPOINTS: readonly RpEndpoint[] = ['auth', 'sign', 'phone/auth', 'phone/sign', 'collect', 'cancel'];

/**
 * - `maintenance`: 503 maintenance; `internalError`: 500 internalError; `requestTimeout`: 408;
 *   `unauthorized`: 401 unauthorized
 * - `slow`: the normal answer after `delayMs`
 * - `garbage`: 200 with Content-Type application/json and a body that is not JSON
 * - `reset`: the connection is closed without an answer
 */
export type EndpointFault =
  | { mode: 'maintenance' | 'internalError' | 'requestTimeout' | 'unauthorized' | 'garbage' | 'reset'; times?: number }
  | { mode: 'slow'; delayMs: number; times?: number };

export interface BankIdFaults {
  /** Per endpoint, or `*` for every endpoint without its own rule. `times`: how many requests, then the rule goes. */
  endpoints: Partial<Record<RpEndpoint | '*', EndpointFault>>;
  /** One-shot: the next order created fails with this hintCode at its first collect (or after `afterCollects` pending answers). */
  nextOrder: { fail: FailedHintCode; afterCollects?: number } | null;
  /** One-shot: the next completion (whoever completes it) is forged this way. */
  nextCompletion: CompletionForgery | null;
}

export function createFaults(): BankIdFaults {
  return { endpoints: {}, nextOrder: null, nextCompletion: null };
}

export function resetFaults(faults: BankIdFaults): void {
  faults.endpoints = {};
  faults.nextOrder = null;
  faults.nextCompletion = null;
}

/** The rule for this request, counting it down. */
export function takeEndpointFault(faults: BankIdFaults, endpoint: RpEndpoint): EndpointFault | undefined {
  const key = faults.endpoints[endpoint] ? endpoint : faults.endpoints['*'] ? '*' : undefined;
  if (key === undefined) return undefined;
  const rule = faults.endpoints[key];
  if (!rule) return undefined;
  if (rule.times !== undefined) {
    if (rule.times <= 1) faults.endpoints = Object.fromEntries(Object.entries(faults.endpoints).filter(([k]) => k !== key));
    else rule.times--;
  }
  return rule;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FAULT_MODES = ['maintenance', 'internalError', 'requestTimeout', 'unauthorized', 'garbage', 'reset', 'slow'];

/** Validates a JSON patch from the test app API and applies it; returns an error text or null. */
export function applyFaultPatch(faults: BankIdFaults, patch: unknown): string | null {
  if (!isRecord(patch)) return 'body must be an object';
  if (patch.endpoints !== undefined) {
    if (!isRecord(patch.endpoints)) return 'endpoints must be an object';
    const next = new Map<RpEndpoint | '*', EndpointFault>(
      Object.entries(faults.endpoints) as [RpEndpoint | '*', EndpointFault][],
    );
    for (const [key, value] of Object.entries(patch.endpoints)) {
      if (key !== '*' && !RP_ENDPOINTS.includes(key as RpEndpoint)) return `unknown endpoint ${key}`;
      const k = key as RpEndpoint | '*';
      if (value === null) {
        next.delete(k);
        continue;
      }
      if (!isRecord(value) || typeof value.mode !== 'string' || !FAULT_MODES.includes(value.mode))
        return `endpoints.${key}.mode must be one of ${FAULT_MODES.join(', ')}`;
      if (value.times !== undefined && (typeof value.times !== 'number' || !Number.isInteger(value.times) || value.times < 1))
        return `endpoints.${key}.times must be a positive integer`;
      const times = value.times === undefined ? {} : { times: value.times };
      if (value.mode === 'slow') {
        if (typeof value.delayMs !== 'number' || value.delayMs < 0) return `endpoints.${key}.delayMs must be a number`;
        next.set(k, { mode: 'slow', delayMs: value.delayMs, ...times });
      } else {
        next.set(k, { mode: value.mode as Exclude<EndpointFault['mode'], 'slow'>, ...times });
      }
    }
    faults.endpoints = Object.fromEntries(next);
  }
  if (patch.nextOrder !== undefined) {
    const v = patch.nextOrder;
    if (v === null) faults.nextOrder = null;
    else if (!isRecord(v) || !FAILED_HINT_CODES.includes(v.fail as FailedHintCode))
      return `nextOrder.fail must be one of ${FAILED_HINT_CODES.join(', ')}`;
    else if (v.afterCollects !== undefined && (typeof v.afterCollects !== 'number' || v.afterCollects < 0))
      return 'nextOrder.afterCollects must be a non-negative number';
    else
      faults.nextOrder = {
        fail: v.fail as FailedHintCode,
        ...(typeof v.afterCollects === 'number' ? { afterCollects: v.afterCollects } : {}),
      };
  }
  if (patch.nextCompletion !== undefined) {
    const v = patch.nextCompletion;
    if (v !== null && !COMPLETION_FORGERIES.includes(v as CompletionForgery))
      return `nextCompletion must be one of ${COMPLETION_FORGERIES.join(', ')}`;
    faults.nextCompletion = v as CompletionForgery | null;
  }
  return null;
}
