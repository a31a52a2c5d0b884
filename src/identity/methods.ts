/**
 * The closed set of login methods Kundwebben knows, as identity sees them (a session names
 * the method a person logged in with). Which of them are enabled when is data (the rollout
 * plan, login/); how each one logs a person in is a provider registered by its feature.
 */
import type { Messages } from '../platform/i18n/index.js';

export const METHOD_IDS = ['telia_card', 'svenska_pass_card', 'bankid'] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export function isMethodId(value: unknown): value is MethodId {
  return typeof value === 'string' && (METHOD_IDS as readonly string[]).includes(value);
}

/** The method's name in the reader's language; an id no longer known is shown as it is. */
export function methodName(t: Messages, id: string): string {
  return isMethodId(id) ? t[`method.${id}.name`] : id;
}
