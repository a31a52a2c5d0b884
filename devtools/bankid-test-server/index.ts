/**
 * A faithful local BankID test server for dev and test: the RP API v6.0 over mutual TLS with
 * real XML signatures and OCSP responses from a test BankID PKI, a test app that plays the
 * user's BankID app (HTML and JSON), and failure injection. Never loaded in production.
 * See shared/reference/bankid.md for the behaviour it follows.
 */
export {
  BANKID_NAMES,
  BANKID_OID,
  DEFAULT_RP_IDENTITY,
  USER_CERT_OCSP_URL,
  createBankIdTestPki,
  type BankIdPerson,
  type BankIdRpIdentity,
  type BankIdTestPki,
  type BankIdTestPkiOptions,
  type BankIdUserCertificate,
  type RpCertificate,
} from './pki.js';
export {
  DEFAULT_RP_PKCS12_PASSWORD,
  ensureBankIdTestPki,
  loadBankIdTestPki,
  saveBankIdTestPki,
  type BankIdDemoPki,
} from './store.js';
export { startBankIdTestServer, type BankIdTestServer, type BankIdTestServerOptions } from './server.js';
export {
  TestAppError,
  type BankIdTestApp,
  type CompleteInput,
  type OrderOutcome,
  type TestAppErrorCode,
} from './app-service.js';
export { RP_ENDPOINTS, type BankIdFaults, type EndpointFault, type RpEndpoint } from './faults.js';
export { COMPLETION_FORGERIES, DEFAULT_TEST_POLICIES, type CompletionForgery } from './completion.js';
export {
  DEFAULT_TIMINGS,
  FAILED_HINT_CODES,
  PENDING_HINT_CODES,
  type CollectResponse,
  type CompletionData,
  type FailedHintCode,
  type Order,
  type OrderKind,
  type OrderRequest,
  type OrderTimings,
  type PendingHintCode,
  type Requirement,
  type Risk,
} from './orders.js';
export { animatedQrString, isQrAuthCodeValid, parseQrString, qrAuthCode, type ScannedQr } from './qr.js';
export { BANKID_SIGNATURE_NS, XMLDSIG_NS, type UserAuthMethod } from './signature.js';
export { ocspNonceFor } from './ocsp.js';
export { API_PREFIX, type RpErrorCode } from './rp-api.js';
export type { UnknownFieldPolicy } from './schema.js';
export { BankIdTestError, type BankIdTestErrorCode } from './errors.js';
