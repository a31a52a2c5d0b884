/**
 * Builds the real app for tests: test mode, a given clock, SQLite in memory (or a database
 * from DATABASE_KINDS), demo people seeded, and a way to log someone in through the real
 * login service (no e-ID method exists in the foundation; later features add them).
 */
import type { FastifyInstance } from 'fastify';
import { seedDemoData } from '../../devtools/demo/seed.js';
import { buildApp, type Services } from '../../src/app.js';
import type { ReceiptSeal } from '../../src/cases/receipt-store.js';
import { testSeal } from './seal.js';
import { testConfig, type Config } from '../../src/config/config.js';
import type { LoginMethodProvider } from '../../src/login/methods.js';
import type { MethodId } from '../../src/identity/methods.js';
import type { Logger } from 'pino';
import { ManualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db/index.js';

export const TEST_NOW = '2026-11-28T09:00:00Z';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  clock: ManualClock;
  config: Config;
  /** The card-login listener, when card login is configured (not listening yet). */
  cardListener: FastifyInstance | undefined;
  /** Logs `personnummer` in via the login service; returns the Cookie header value. */
  loginAs(personnummer: string, method?: MethodId): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    env?: Record<string, string>;
    clock?: ManualClock;
    db?: Db;
    database?: Config['database'];
    providers?: readonly LoginMethodProvider[];
    logger?: Logger;
    /** The receipt seal; the process's test seal (test/support/seal.ts) by default. */
    seal?: ReceiptSeal;
  } = {},
): Promise<TestApp> {
  const clock = options.clock ?? new ManualClock(TEST_NOW);
  // The ManualClock stands still, so a per-minute window of anonymous sessions never ends in
  // a test app: unlimited unless a test sets the limit it checks.
  let config = testConfig({ KW_ANONYMOUS_SESSIONS_PER_MINUTE: '100000', ...options.env });
  if (options.database) config = { ...config, database: options.database };
  const { app, services, cardListener } = await buildApp(config, {
    clock,
    ...(options.db ? { db: options.db } : {}),
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    seal: options.seal ?? (await testSeal(clock)).seal,
  });
  await seedDemoData(services.accounts);
  await app.ready();
  return {
    app,
    services,
    clock,
    config,
    cardListener,
    async loginAs(personnummer, method = 'telia_card') {
      const result = await services.login.login({
        personnummer,
        method,
        evidence: { reference: 'test' },
        previous: undefined,
        ip: '127.0.0.1',
      });
      if (!result.ok) throw new Error(`test login failed: ${result.reason}`);
      return { cookie: `${services.sessions.cookieName}=${result.session.id}`, csrf: result.session.data.csrf };
    },
    close: () => app.close(),
  };
}
