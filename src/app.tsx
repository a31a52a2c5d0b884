/**
 * The composition root: builds every service from the config and the given dependencies
 * (tests pass a clock, a database, a logger), and registers the plugins and features.
 */
import './messages.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAccounts } from './accounts/service.js';
import { loadIssuersFile } from './card/issuers.js';
import { advertisedCaPem, buildCardListener } from './card/listener.js';
import { cardRoutes } from './card/routes.js';
import { createCardLogin, type CardLogin } from './card/service.js';
import { cardReverifier } from './card/cms.js';
import { cardSignMethod, cardSignRoutes } from './card/sign-routes.js';
import { createCardSignTest } from './card/sign-test.js';
import { createOcspClient, type OcspClient } from './card/ocsp.js';
import { createSigning } from './signing/service.js';
import { createEvidenceTimestamps, tsaAnchorsFromPem } from './signing/timestamps.js';
import { requestTimestamp } from './platform/tsa.js';
import { createCases } from './cases/service.js';
import { createRegister } from './organisation/register.js';
import { createReceiptStore, type ReceiptSeal } from './cases/receipt-store.js';
import { loadSealKeyFile } from './platform/seal-key.js';
import { caseRoutes } from './cases/routes.js';
import { archiveRoutes, archiveTimestamp } from './archive/routes.js';
import { officerRoutes } from './officer/routes.js';
import { orgRoutes } from './organisation/routes.js';
import { loadCaseTypes, type CaseTypes } from './cases/types.js';
import { casesStartNotice } from './cases/views/start-notice.js';
import { readFileSync } from 'node:fs';
import { bankIdRoutes } from './bankid/routes.js';
import { bankIdSignMethod } from './bankid/sign-method.js';
import { bankIdReverifier } from './bankid/reverify.js';
import { createBankIdClient, type BankIdClient } from './bankid/rp-client.js';
import { createBankIdService, type BankIdService } from './bankid/service.js';
import { rootsFromPem } from './bankid/verify.js';
import { selftestRoutes } from './selftest/routes.js';
import { signingRoutes } from './signing/routes.js';
import type { SignMethod } from './signing/sign-methods.js';
import { auditToMetrics } from './audit/metrics.js';
import { createAuditLog } from './audit/service.js';
import type { Config } from './config/config.js';
import { createSessionManager, storedPrincipal } from './identity/sessions.js';
import { infoRoutes } from './info/routes.js';
import { adminRoutes } from './admin/routes.js';
import { createMail } from './reports/mail.js';
import { reportRoutes } from './reports/routes.js';
import { createPurge, startAutomaticPurge } from './retention/purge.js';
import { retentionRoutes } from './retention/routes.js';
import { loadRetentionFile, type RetentionRules } from './retention/rules.js';
import type { LoginMethodProvider } from './login/methods.js';
import type { MethodId } from './identity/methods.js';
import { loadPlanFile, type PlanFile } from './login/plan-file.js';
import { createRolloutPlan } from './login/plan.js';
import { loginRoutes, type StartNotice } from './login/routes.js';
import { cardExpiryStartNotice } from './card/views/expiry-notice.js';
import { createLoginService } from './login/service.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createDatabase, migrateToLatest, type Db } from './platform/db/index.js';
import { requestContext } from './web/context.js';
import { installErrorHandling } from './web/error-handler.js';
import { AppError } from './web/errors.js';
import { createLogger } from './platform/logging.js';
import { startHousekeeping } from './platform/housekeeping.js';
import { createSqlStore } from './platform/store/sql-store.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { certificatesToWatch, healthRoutes } from './platform/http/health.js';
import { derToPem } from './platform/pki.js';
import { createRedisStore } from './platform/store/redis-store.js';
import { rateLimitKey, sharedRateLimitStore } from './platform/http/rate-limit-store.js';
import { helmetHeaders } from './platform/http/security-headers.js';
import { Redis } from 'ioredis';
import type { TtlStore } from './platform/store/port.js';
import { createInvalidation, type Invalidation } from './platform/invalidation.js';
import { createAccountFacts, type AccountFacts } from './accounts/facts.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..');

export interface AppDeps {
  clock?: Clock;
  db?: Db;
  store?: TtlStore;
  logger?: Logger;
  planFile?: PlanFile;
  metrics?: Metrics;
  /** Case types (tests may pass their own); read from config.cases.typesFile otherwise. */
  caseTypes?: CaseTypes;
  /** Login method providers registered by features (card, BankID). */
  providers?: readonly LoginMethodProvider[];
  /** Retention rules (tests may pass their own); read from config.retention.file otherwise. */
  retentionRules?: RetentionRules;
  /** The receipt seal (tests pass a test seal); read from config.seal otherwise. */
  seal?: ReceiptSeal;
}

/**
 * Builds every service; migrations and plan seeding run here so the app starts ready.
 * `caches`: the web app's in-process caches of sessions and account facts, with the
 * connection that hears of other instances' changes (commands run without them).
 */
export async function createServices(config: Config, deps: AppDeps = {}, options: { caches?: boolean } = {}) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config);
  const db = deps.db ?? createDatabase(config.database, (err) => logger.warn({ err: err.message }, 'database connection lost; reconnecting on the next query'));
  await migrateToLatest(db, config.database);
  // A command waits for at most two reconnection attempts; retrying at least every 0.5 s
  // (ioredis's default backs off to 2 s) answers requests within about a second with 503
  // during a Redis outage, and notices its end as quickly.
  const redis = !deps.store && config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, retryStrategy: (times: number) => Math.min(times * 50, 500) })
    : undefined;
  // ioredis reconnects by itself; while Redis is away requests answer 503 (error handler).
  redis?.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  const store = deps.store ?? (redis ? createRedisStore(redis, clock, config.redisKeyPrefix) : createSqlStore(db, clock));
  /** Set when a shutdown begins (signal, or app.close()): readiness then fails. */
  const lifecycle = { shuttingDown: false };
  const planFile = deps.planFile ?? loadPlanFile(config.rolloutPlanFile);
  const metrics = deps.metrics ?? createMetrics();
  const audit = createAuditLog(db, clock, auditToMetrics(metrics));
  const accounts = createAccounts({ db, clock });
  const plan = createRolloutPlan({ db, clock, audit });
  await plan.seed(planFile.methods);
  // The caches are trusted only while this instance hears of every change (platform/invalidation.ts).
  // A store passed in by a caller is one we know nothing about: its sessions are not cached.
  const invalidation: Invalidation | undefined =
    options.caches && config.session.cacheSeconds > 0
      ? createInvalidation({
          db,
          database: config.database,
          sessions: deps.store ? 'none' : redis ? 'redis' : config.database.kind === 'postgres' ? 'postgres' : 'local',
          ...(redis ? { redis } : {}),
          redisKeyPrefix: config.redisKeyPrefix,
          logger,
        })
      : undefined;
  const cacheSettings = { maxAgeMs: config.session.cacheSeconds * 1000, maxEntries: config.session.cacheEntries };
  const sessions = createSessionManager({
    store,
    clock,
    config: config.session,
    anonymousPerMinute: config.rateLimit.anonymousSessionsPerMinute,
    ...(invalidation
      ? { cache: { records: invalidation.cache<string>('session', cacheSettings), changed: (key: string) => invalidation.publish('session', key) } }
      : {}),
  });
  const login = createLoginService({ db, clock, accounts, audit, plan, sessions });
  const accountFacts = createAccountFacts(accounts, invalidation?.cache<AccountFacts>('accounts', cacheSettings));
  const providers = new Map<MethodId, LoginMethodProvider>((deps.providers ?? []).map((p) => [p.id, p]));

  const tsaAnchors = config.tsa ? tsaAnchorsFromPem(readFileSync(config.tsa.caFile, 'utf8'), config.tsa.caFile) : undefined;
  const timestamps = createEvidenceTimestamps({
    db,
    clock,
    audit,
    logger,
    settings: config.tsa && tsaAnchors ? { ...config.tsa, anchors: tsaAnchors } : undefined,
  });
  const signing = createSigning({ db, store, clock, audit, timestamps });
  const mail = createMail(config, { clock, logger });
  const caseTypes = deps.caseTypes ?? loadCaseTypes(config.cases.typesFile);
  const cases = createCases({ db, clock, audit, types: caseTypes, signing, config: { ...config.cases, timeZone: planFile.site.timeZone } });
  const register = createRegister({ db, clock, audit });
  let cardLogin: CardLogin | undefined;
  let ocsp: OcspClient | undefined;
  if (config.card.issuersFile) {
    const { issuers } = loadIssuersFile(config.card.issuersFile);
    ocsp = createOcspClient({
      clock,
      store,
      timeoutMs: config.card.ocspTimeoutMs,
      defaultCacheSeconds: config.card.ocspCacheWithoutNextUpdateSeconds,
      onLookup: (source) => metrics.ocspLookups.inc({ source }),
    });
    cardLogin = createCardLogin({ config, clock, store, audit, plan, ocsp, profiles: issuers });
    for (const method of cardLogin.methods()) {
      if (!providers.has(method)) providers.set(method, { id: method, startPath: `/login/card?method=${method}` });
      signing.registerReverifier(method, cardReverifier(issuers));
    }
  }
  let bankid: BankIdService | undefined;
  let bankidClient: BankIdClient | undefined;
  if (config.bankid) {
    const b = config.bankid;
    bankidClient = createBankIdClient({
      baseUrl: b.url,
      ca: readFileSync(b.caFile, 'utf8'),
      ...(b.rpPfxFile ? { pfx: readFileSync(b.rpPfxFile) } : {}),
      ...(b.rpPassphrase ? { passphrase: b.rpPassphrase } : {}),
      ...(b.rpCertFile ? { cert: readFileSync(b.rpCertFile, 'utf8') } : {}),
      ...(b.rpKeyFile ? { key: readFileSync(b.rpKeyFile, 'utf8') } : {}),
      timeoutMs: b.timeoutMs,
      clock,
    });
    const roots = rootsFromPem(readFileSync(b.userRootsFile, 'utf8'));
    bankid = createBankIdService({
      client: bankidClient,
      store,
      clock,
      audit,
      roots,
      referringDomain: new URL(config.http.publicUrl).hostname,
      onOrderEnded: (kind, outcome) => metrics.bankidOrders.inc({ kind, outcome }),
    });
    if (!providers.has('bankid')) providers.set('bankid', { id: 'bankid', startPath: '/login/bankid' });
    signing.registerReverifier('bankid', bankIdReverifier(roots));
  }
  // The receipt's seal is B-T with the TSA's timestamp over its signature; a receipt sealed
  // while the TSA was down gets its timestamp later from the housekeeping step below.
  const tsaClient = config.tsa && tsaAnchors ? { url: config.tsa.url, timeoutMs: config.tsa.timeoutMs, anchors: tsaAnchors } : undefined;
  const sealKey = deps.seal ?? (config.seal ? { key: await loadSealKeyFile(config.seal.p12File, config.seal.p12Password) } : undefined);
  const seal =
    sealKey && !sealKey.timestamper && tsaClient
      ? { ...sealKey, timestamper: async (signatureValue: Uint8Array) => (await requestTimestamp(tsaClient, signatureValue)).tokenDer }
      : sealKey;
  if (!seal) logger.warn('no receipt seal configured (KW_SEAL_P12_FILE): receipts are stored unsealed');
  const receipts = createReceiptStore({
    db,
    clock,
    site: planFile.site,
    publicUrl: config.http.publicUrl,
    seal,
    lookup: async (id) => {
      const row = await cases.find(id);
      return row ? { row, type: cases.typeOf(row) } : undefined;
    },
    evidence: (id) => signing.evidence(id),
  });
  cases.onSubmitted((caseId, lang) =>
    receipts.afterSubmission(caseId, lang).catch((err: unknown) => {
      logger.warn({ err: err instanceof Error ? err.message : String(err), caseId }, 'receipt not sealed at submission: it is sealed at its first download');
    }),
  );
  const housekeeping = startHousekeeping({
    intervalSeconds: config.housekeepingSeconds,
    logger,
    steps: [
      { name: 'expiredStoreRows', run: () => store.sweep() },
      { name: 'unreferencedFileContents', run: () => cases.sweepUnreferencedContent() },
      { name: 'evidenceTimestamps', run: () => timestamps.stampDue() },
      { name: 'receiptTimestamps', run: () => (seal?.timestamper ? receipts.addTimestamps(seal.timestamper) : Promise.resolve(0)) },
    ],
  });
  const retentionRules = deps.retentionRules ?? loadRetentionFile(config.retention.file);
  const purge = createPurge({ db, clock, audit, cases, store, rules: retentionRules, settings: config.retention, logger });
  const automaticPurge = config.retention.automatic ? startAutomaticPurge(purge, logger) : undefined;
  return { config, clock, logger, db, store, audit, accounts, accountFacts, invalidation, plan, sessions, login, providers, cardLogin, ocsp, signing, timestamps, cases, receipts, register, mail, bankid, bankidClient, redis, metrics, lifecycle, housekeeping, site: planFile.site, retentionRules, purge, automaticPurge };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

export async function buildApp(
  config: Config,
  deps: AppDeps = {},
): Promise<{ app: FastifyInstance; services: Services; cardListener: FastifyInstance | undefined }> {
  const services = await createServices(config, deps, { caches: true });
  const loggerInstance: FastifyBaseLogger = services.logger;
  const app = Fastify({
    loggerInstance,
    trustProxy: config.http.trustProxy.length > 0 ? [...config.http.trustProxy] : false,
    bodyLimit: config.http.bodyLimitBytes,
    routerOptions: { maxParamLength: 200 },
    requestIdHeader: false,
  });

  const viewDeps = { config, sessions: services.sessions, site: services.site };
  app.addHook('onResponse', async (request, reply) => {
    services.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });
  installErrorHandling(app, viewDeps);

  // Helmet's headers, computed once for these options and set on every answer:
  // @fastify/helmet would build helmet anew (and parse the CSP again) on every request.
  const securityHeaders = await helmetHeaders({
    // Strict CSP: only our own scripts and styles, no inline code, no framing, forms post
    // only to us. Prevents injected markup from running script or exfiltrating forms.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        ...(config.session.secureCookie ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.session.secureCookie ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.http.bodyLimitBytes });
  // Several instances behind a load balancer must share the counters (Redis, or PostgreSQL
  // without Redis), or each would allow the limit again. SQLite means one machine and one
  // process: in-process counters are enough and cost no write per request.
  const sharedCounters = services.redis !== undefined || config.database.kind === 'postgres';
  const rateLimitStore = sharedCounters ? sharedRateLimitStore(services.store, 'rl:') : undefined;
  await app.register(rateLimit, {
    global: false,
    ...(rateLimitStore ? { store: rateLimitStore } : {}),
    keyGenerator: (request) => rateLimitKey(request.ip),
    errorResponseBuilder: () => new AppError('rate_limited', 'login rate limit'),
  });
  await app.register(fastifyStatic, {
    root: path.join(PROJECT_ROOT, 'static'),
    prefix: '/static/',
    maxAge: config.mode === 'production' ? '1h' : 0,
    index: false,
  });
  await app.register(requestContext, {
    config,
    sessions: services.sessions,
    refreshPrincipal: async (principal) => {
      const { person, staff, memberships } = await services.accountFacts.of(principal.personnummer);
      if (!person?.active) return null;
      const acting = principal.orgnr === null ? undefined : memberships.find((m) => m.orgnr === principal.orgnr);
      return { ...storedPrincipal(principal), name: person.name, staff: [...staff], orgnr: acting?.orgnr ?? null, ...(acting ? { orgName: acting.orgName } : {}), orgChoices: memberships.length };
    },
  });

  // The start page's notices, each from its feature: cases first, then the card's expiry.
  const startNotices: StartNotice[] = [casesStartNotice(services.cases)];
  if (services.cardLogin) {
    startNotices.push(cardExpiryStartNotice({ ...services, windowDays: config.card.expiryWarningDays, otherMethodDays: config.card.expiryOtherMethodDays }));
  }
  await app.register(loginRoutes, { ...viewDeps, ...services, startNotices });
  await app.register(healthRoutes, {
    config,
    clock: services.clock,
    db: services.db,
    redis: services.redis,
    metrics: services.metrics,
    certificates: certificatesToWatch(
      config,
      // Anchors and intermediates alike: a card chain breaks when any configured CA expires.
      (services.cardLogin?.profiles ?? []).flatMap((p) => [
        ...p.anchors.map((a, i) => ({ name: `card-anchor-${p.id}-${i}`, pem: derToPem(a.der) })),
        ...p.intermediates.map((c, i) => ({ name: `card-intermediate-${p.id}-${i}`, pem: derToPem(c.der) })),
      ]).concat(services.receipts.sealCertificate ? [{ name: 'receipt-seal-certificate', pem: derToPem(services.receipts.sealCertificate) }] : []),
    ),
    bankidOpen: () => services.bankidClient?.isOpen() ?? false,
    overdueTimestamps: () => services.timestamps.overdue(3600),
    shuttingDown: () => services.lifecycle.shuttingDown,
  });
  await app.register(infoRoutes, { ...viewDeps, clock: services.clock, plan: services.plan });
  await app.register(adminRoutes, { ...viewDeps, ...services });
  await app.register(reportRoutes, { ...viewDeps, ...services });
  await app.register(retentionRoutes, { ...viewDeps, purge: services.purge, retentionRules: services.retentionRules });
  const cardLogin = services.cardLogin;
  let cardListener: FastifyInstance | undefined;
  const signMethods: SignMethod[] = [];
  const signTest = cardLogin && services.ocsp && config.card.signerUrl ? createCardSignTest({ ...services, cardLogin, ocsp: services.ocsp }) : undefined;
  if (cardLogin && services.ocsp && config.card.signerUrl) {
    await app.register(cardSignRoutes, { ...viewDeps, ...services, cardLogin, ocsp: services.ocsp, signTest });
    signMethods.push(cardSignMethod({ ...viewDeps, ...services, cardLogin, ocsp: services.ocsp }));
  }
  const bankidService = services.bankid;
  if (bankidService) {
    await app.register(bankIdRoutes, { ...viewDeps, ...services, bankid: bankidService });
    signMethods.unshift(bankIdSignMethod({ ...viewDeps, ...services, bankid: bankidService }));
  }
  await app.register(selftestRoutes, { ...viewDeps, clock: services.clock, plan: services.plan, audit: services.audit, bankid: bankidService, cardLogin, signTest });
  await app.register(signingRoutes, { ...viewDeps, signing: services.signing, signMethods });
  await app.register(caseRoutes, { ...viewDeps, clock: services.clock, accounts: services.accounts, cases: services.cases, receipts: services.receipts, signing: services.signing, signMethods, register: services.register, audit: services.audit });
  await app.register(archiveRoutes, {
    clock: services.clock,
    cases: services.cases,
    accounts: services.accounts,
    signing: services.signing,
    audit: services.audit,
    receipts: services.receipts,
    timestamp: archiveTimestamp(services.signing),
  });
  await app.register(officerRoutes, { ...viewDeps, cases: services.cases });
  await app.register(orgRoutes, { ...viewDeps, clock: services.clock, accounts: services.accounts, register: services.register });
  if (cardLogin) {
    await app.register(cardRoutes, { ...viewDeps, ...services, cardLogin });
    cardListener = await buildCardListener(config, {
      cardLogin,
      logger: loggerInstance,
      caPem: advertisedCaPem(cardLogin.profiles),
      ...(sharedCounters ? { rateLimitStore: sharedRateLimitStore(services.store, 'rl:card-listener:') } : {}),
    });
  }

  app.addHook('preClose', async () => {
    services.lifecycle.shuttingDown = true;
  });
  app.addHook('onClose', async () => {
    services.housekeeping.stop();
    services.automaticPurge?.stop();
    await cardListener?.close();
    await services.bankidClient?.close();
    await services.invalidation?.close();
    await services.redis?.quit();
    await services.timestamps.settled(); // a try in flight ends within the TSA timeout
    await services.db.destroy();
  });
  return { app, services, cardListener };
}
