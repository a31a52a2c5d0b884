/** The named steps at which a test can make the process crash (KW_CRASH_AT; armed by src/platform/crash.ts). */
/** Every step at which the process can be made to crash. */
export const CRASH_POINTS = [
  /** signing.complete: the evidence row is inserted, the purpose handler has not run. */
  'sign:after-evidence',
  /** signing.complete: the purpose handler updated the case; the transaction is not committed. */
  'sign:before-commit',
  /** signing.complete: committed; the sign request is not yet marked completed in the store. */
  'sign:after-commit',
  /** signing.complete: marked completed; nothing audited, no answer sent. */
  'sign:after-mark',
  /** login: the new session is stored; credential_seen not written, no cookie sent. */
  'login:after-session',
  /** login: credential_seen written; the login not audited, no cookie sent. */
  'login:after-credential',
  /** purge: one case of a batch is removed, the batch's transaction is not committed. */
  'purge:mid-batch',
  /** purge: the first batch is committed; the rest not yet removed. */
  'purge:after-batch',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export function isCrashPoint(value: string): value is CrashPoint {
  return (CRASH_POINTS as readonly string[]).includes(value);
}

