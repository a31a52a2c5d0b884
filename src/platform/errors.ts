/**
 * The one base of the portal's errors. An error has a code from its class's own closed
 * union, and each code means an HTTP status and a text from the typed catalog (the text the
 * user reads, in their language); `detail` is for the log only. The error handler
 * (web/error-handler.tsx) turns any of them into a page or JSON, so a feature throws its own
 * error and does not translate it route by route.
 *
 * A feature declares its codes by subclassing, with a table of what each code means:
 *
 *   type ParcelErrorCode = 'lost' | 'late';
 *   const MEANINGS = { lost: { status: 410, message: 'parcel.error.lost' }, late: … }
 *     satisfies ErrorMeanings<ParcelErrorCode>;
 *   class ParcelError extends PortalError<ParcelErrorCode> {
 *     constructor(code: ParcelErrorCode, detail: string) { super(code, MEANINGS[code], detail); }
 *   }
 *
 * A code without a meaning, or a meaning whose text is not in the catalog (or takes
 * parameters), fails typecheck. The base names no feature and no code.
 */
import type { TextKey } from './i18n/index.js';

/** What one code means outside the code: the HTTP status and the text the user is shown. */
export interface ErrorMeaning {
  readonly status: number;
  readonly message: TextKey;
}

/** The meaning of every code of a class. */
export type ErrorMeanings<Code extends string> = { readonly [C in Code]: ErrorMeaning };

export interface PortalErrorOptions {
  cause?: unknown;
  /** The Error's own message (the log's text), when it is not "code: detail". */
  logMessage?: string;
}

export abstract class PortalError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly status: number;
  /** The text the user is shown, in their language: `request.t[error.messageKey]`. */
  readonly messageKey: TextKey;
  /** Internal detail for the log; never shown to users. */
  readonly detail: string | undefined;

  protected constructor(code: Code, meaning: ErrorMeaning, detail?: string, options: PortalErrorOptions = {}) {
    super(options.logMessage ?? (detail ? `${code}: ${detail}` : code), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = meaning.status;
    this.messageKey = meaning.message;
    this.detail = detail;
  }
}

/** Whether `value` is any of the portal's errors (of any class, with its code, status and text). */
export function isPortalError(value: unknown): value is PortalError {
  return value instanceof PortalError;
}
