/**
 * How a login method is offered: the provider a feature (card, BankID) registers. The
 * closed set of method ids lives in identity/methods.ts; which are enabled when is data
 * (the rollout plan).
 */
import type { MethodId } from '../identity/methods.js';

/** What a feature registers to offer a method on the login page. */
export interface LoginMethodProvider {
  readonly id: MethodId;
  /** Where the login page's button for this method leads (a local path). */
  readonly startPath: string;
}
