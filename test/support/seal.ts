/**
 * The test apps' receipt seal: one test seal root and seal certificate per test process
 * (devtools/test-pki/seal.ts), valid around real time and the test clock alike.
 */
import { spanOf } from '../../devtools/test-pki/crypto.js';
import { createTestSeal, type TestSeal } from '../../devtools/test-pki/seal.js';
import type { ReceiptSeal } from '../../src/cases/receipt-store.js';
import type { Clock } from '../../src/platform/clock.js';
import { loadSealKey } from '../../src/platform/seal-key.js';

export const TEST_SEAL_PASSWORD = 'test-seal-lösen';
export const TEST_SEAL_SUBJECT = { organisation: 'Inspektionen för strategiska produkter', organisationIdentifier: 'NTRSE-2021005018' };

let made: Promise<{ files: TestSeal; seal: ReceiptSeal }> | undefined;

/** The process's test seal; `clock` only widens the validity on first use (test clocks stand near real time). */
export function testSeal(clock: Clock): Promise<{ files: TestSeal; seal: ReceiptSeal }> {
  made ??= (async () => {
    const files = await createTestSeal(TEST_SEAL_SUBJECT, spanOf(clock), TEST_SEAL_PASSWORD);
    return { files, seal: { key: await loadSealKey(files.p12, TEST_SEAL_PASSWORD) } };
  })();
  return made;
}
