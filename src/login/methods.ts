/**
 * The closed set of login methods Kundwebben knows. Which of them are enabled when is data
 * (the rollout plan); how each one logs a person in is a provider registered by its
 * feature (card, BankID).
 */
export const METHOD_IDS = ['telia_card', 'svenska_pass_card', 'bankid'] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export function isMethodId(value: unknown): value is MethodId {
  return typeof value === 'string' && (METHOD_IDS as readonly string[]).includes(value);
}

/** What a feature registers to offer a method on the login page. */
export interface LoginMethodProvider {
  readonly id: MethodId;
  /** Where the login page's button for this method leads (a local path). */
  readonly startPath: string;
}
