/**
 * A local RFC 3161 time-stamping authority for demo and tests, with its own test root.
 * Never loaded in production (src/config/config.ts refuses a local KW_TSA_URL and test-tsa files).
 */
export { TSA_POLICY, createTestTsa, testTsaFrom, type TestTsa, type TsaFaultMode } from './tsa.js';
export { startTestTsaServer, type TestTsaServer } from './server.js';
export { ensureDemoTsa, type DemoTsa } from './store.js';
