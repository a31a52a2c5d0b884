/**
 * The demo's test seal on disk: made once, reused while valid, read by the product's PKCS#12
 * loader with its password; the seal certificate is the agency's organisation seal.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import { loadSealKeyFile } from '../../src/platform/seal-key.js';
import { spanOf } from './crypto.js';
import { ensureDemoSeal } from './seal.js';

const SUBJECT = { organisation: 'Inspektionen för strategiska produkter (ISP)', organisationIdentifier: 'NTRSE-2021005018' };

describe('the demo seal', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kw-demo-seal-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is written once (PKCS#12 with a password, the root as PEM), reused on the next start, and loads in the product', async () => {
    const first = await ensureDemoSeal(dir, SUBJECT, spanOf(systemClock));
    const again = await ensureDemoSeal(dir, SUBJECT, spanOf(systemClock));
    expect(again).toEqual(first);
    const key = await loadSealKeyFile(first.p12File, first.password);
    const seal = new X509Certificate(key.certificate);
    const root = new X509Certificate(await readFile(first.rootFile));
    expect(seal.verify(root.publicKey)).toBe(true);
    expect(seal.subject).toContain('O=Inspektionen för strategiska produkter (ISP)');
    expect(seal.subject).toContain('NTRSE-2021005018');
    expect(seal.keyUsage ?? []).toEqual([]); // node lists EKU here: a seal has none
    await expect(loadSealKeyFile(first.p12File, 'fel')).rejects.toThrow(/wrong password/);
  }, 30_000);
});
