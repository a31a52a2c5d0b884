/**
 * A BankID testbed: the local BankID RP API v6 test server (mutual TLS, real XML signatures
 * and OCSP) and the portal configured against it, with BankID enabled by the plan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBankIdTestPki, startBankIdTestServer, type BankIdTestServer } from '../../devtools/bankid-test-server/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestApp, TEST_NOW, type TestApp } from './app.js';

export const BANKID_PEOPLE = [
  { personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson' },
  { personnummer: '198112289874', givenName: 'Testa', surname: 'Testsson' },
  { personnummer: '197505121231', givenName: 'Okänd', surname: 'Bankidsson' },
] as const;

export interface BankIdTestbed {
  t: TestApp;
  server: BankIdTestServer;
  clock: ManualClock;
  dir: string;
  close(): Promise<void>;
}

export async function startBankIdTestbed(
  options: { env?: Record<string, string>; enableBankId?: boolean; rpAsPkcs12?: boolean } = {},
): Promise<BankIdTestbed> {
  const clock = new ManualClock(TEST_NOW);
  const dir = mkdtempSync(path.join(tmpdir(), 'kw-bankid-'));
  const demo = await ensureBankIdTestPki(dir, { clock, people: BANKID_PEOPLE });
  const server = await startBankIdTestServer({ pki: demo.pki, people: BANKID_PEOPLE, clock });
  const t = await startTestApp({
    clock,
    env: {
      KW_BANKID_URL: server.url,
      KW_BANKID_CA_FILE: demo.files.serverCaPath,
      ...(options.rpAsPkcs12
        ? { KW_BANKID_RP_PFX_FILE: demo.files.rpPkcs12Path, KW_BANKID_RP_PASSPHRASE: demo.files.rpPkcs12Password }
        : { KW_BANKID_RP_CERT_FILE: demo.files.rpCertPath, KW_BANKID_RP_KEY_FILE: demo.files.rpKeyPath }),
      KW_BANKID_USER_ROOTS_FILE: demo.files.userRootPath,
      KW_BANKID_LAUNCH_URL: `${server.appUrl}/autostart`,
      KW_BANKID_TIMEOUT_MS: '2000',
      KW_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      ...options.env,
    },
  });
  if (options.enableBankId !== false) {
    await t.services.plan.change('bankid', { enabledFrom: new Date('2026-01-01T00:00:00Z') }, null);
  }
  return {
    t,
    server,
    clock,
    dir,
    async close() {
      await t.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
