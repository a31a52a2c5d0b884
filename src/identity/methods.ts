/**
 * The closed set of login methods Kundwebben knows, as identity sees them (a session names
 * the method a person logged in with). Which of them are enabled when is data (the rollout
 * plan, login/); how each one logs a person in is a provider registered by its feature.
 */
export const METHOD_IDS = ['telia_card', 'svenska_pass_card', 'bankid'] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export function isMethodId(value: unknown): value is MethodId {
  return typeof value === 'string' && (METHOD_IDS as readonly string[]).includes(value);
}
