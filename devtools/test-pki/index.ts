/**
 * Test PKI and OCSP responder for card login and card signing in dev and test: card issuers
 * (Telia, AB Svenska Pass) with real RSA keys and signatures, cards as PEM and PKCS#12, an
 * RFC 6960 responder over HTTP with fault injection, and a demo PKI kept on disk.
 * Never loaded in production (src/config/config.ts refuses issuer files under test-pki).
 */
export {
  DEFAULT_ISSUERS,
  createTestPki,
  type Card,
  type CardCert,
  type CardRequest,
  type CardVariant,
  type CertStatus,
  type DefaultIssuerId,
  type IssuedCertificate,
  type IssuerAnchors,
  type IssuerSpec,
  type Revocation,
  type ServerCertificate,
  type TestPki,
  type TestPkiOptions,
} from './pki.js';
export { OCSP_RESPONSE_STATUS, createOcspResponse, type OcspFaultMode, type OcspFaults } from './ocsp.js';
export { startOcspResponder, type OcspResponder, type OcspResponderOptions } from './ocsp-responder.js';
export { createPkcs12 } from './pkcs12.js';
export {
  ensureDemoPki,
  loadPki,
  savePki,
  type DemoCardFiles,
  type DemoCardHolder,
  type DemoCertificateFiles,
  type DemoPki,
} from './store.js';
export { TestPkiError, type TestPkiErrorCode } from './errors.js';
