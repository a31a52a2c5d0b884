/** The BankID test server's own error type (not the RP API's errorCodes, see rp-api.ts). */
export type BankIdTestErrorCode =
  /** A caller passed something the test server or its PKI cannot use. */
  | 'invalid_input'
  /** A personnummer the test PKI has no BankID for. */
  | 'unknown_person'
  /** A saved PKI directory is missing files or holds an index we cannot read. */
  | 'corrupt_store';

export class BankIdTestError extends Error {
  readonly code: BankIdTestErrorCode;
  constructor(code: BankIdTestErrorCode, detail: string) {
    super(`BankID test server ${code}: ${detail}`);
    this.name = 'BankIdTestError';
    this.code = code;
  }
}
