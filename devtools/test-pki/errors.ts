/** The test PKI's one error type: a closed set of codes, each saying whose mistake it is. */
export type TestPkiErrorCode =
  /** An issuer id that this PKI does not have. */
  | 'unknown_issuer'
  /** A serial number that no issuer of this PKI has issued. */
  | 'unknown_serial'
  /** A caller passed something the PKI cannot turn into a certificate. */
  | 'invalid_input'
  /** A saved PKI directory is missing files or holds an index we cannot read. */
  | 'corrupt_store';

export class TestPkiError extends Error {
  readonly code: TestPkiErrorCode;
  constructor(code: TestPkiErrorCode, detail: string) {
    super(`test PKI ${code}: ${detail}`);
    this.name = 'TestPkiError';
    this.code = code;
  }
}
