/**
 * The demo's test TSA on disk, so `npm start` keeps the same TSA root between runs:
 *   <dir>/tsa-root.pem, tsa-root.key.pem, tsa.pem, tsa.key.pem
 * Remade when missing, unreadable, or not valid over the clock's and real time (with a margin).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../src/platform/clock.js';
import { coversSpan, spanOf, toPem } from '../test-pki/crypto.js';
import { readSigner, writeAtomic, writeSigner } from '../test-pki/store.js';
import { createTestTsa, testTsaFrom, type TestTsa } from './tsa.js';

export interface DemoTsa {
  tsa: TestTsa;
  files: { rootPath: string; certPath: string };
  /** Set when the files were (re)made now. */
  renewed: boolean;
}

export async function ensureDemoTsa(dir: string, options: { clock: Clock }): Promise<DemoTsa> {
  const files = { rootPath: path.join(dir, 'tsa-root.pem'), certPath: path.join(dir, 'tsa.pem') };
  const span = spanOf(options.clock);
  if (existsSync(files.rootPath) && existsSync(files.certPath)) {
    try {
      const root = await readSigner(path.join(dir, 'tsa-root'));
      const signer = await readSigner(path.join(dir, 'tsa'));
      if ([root, signer].every((s) => coversSpan(new X509Certificate(s.der), span))) {
        return { tsa: testTsaFrom(root, signer), files, renewed: false };
      }
    } catch {
      // unreadable: made anew below
    }
  }
  const tsa = await createTestTsa({ clock: options.clock });
  await writeSigner(path.join(dir, 'tsa-root'), tsa.root);
  await writeSigner(path.join(dir, 'tsa'), tsa.signer);
  await writeAtomic(files.rootPath, toPem(tsa.root.der, 'CERTIFICATE'));
  return { tsa, files, renewed: true };
}
