/**
 * startBankIdTestServer: the RP API v6.0 over HTTPS with mutual TLS, and the test app over
 * plain HTTP, both on loopback. Never loaded in production.
 *
 * TLS: the server presents a certificate from the test SSL root (the portal pins
 * `serverCaPem`, as it pins "Test BankID SSL Root CA v1 Test" against the real test
 * environment) and requires a client certificate issued by the RP CA (`requestCert`,
 * `rejectUnauthorized`): a client without one fails the handshake. A certificate from the RP
 * CA that is not registered as having access gets 401 unauthorized.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Clock } from '../../src/platform/clock.js';
import { createTestApp, type BankIdTestApp } from './app-service.js';
import { registerAppRoutes } from './app-routes.js';
import { createFaults, resetFaults, type BankIdFaults } from './faults.js';
import { DEFAULT_TIMINGS, createOrderBook, type Order, type OrderTimings } from './orders.js';
import { bankIdStateOf, type BankIdPerson, type BankIdTestPki } from './pki.js';
import { API_PREFIX, BODY_LIMIT, registerRpApi } from './rp-api.js';
import type { UnknownFieldPolicy } from './schema.js';

export interface BankIdTestServerOptions {
  pki: BankIdTestPki;
  /** The demo people the test app offers; each gets a BankID (ensureUser) if the PKI has none. */
  people: readonly BankIdPerson[];
  /** Default 127.0.0.1 (both listeners). */
  host?: string;
  /** RP API port; default 0 (any free port). */
  port?: number;
  /** Test app port; default 0. */
  appPort?: number;
  /** Default the PKI's clock. */
  clock?: Clock;
  /** Order timings (start window, lifetime, retention); defaults in DEFAULT_TIMINGS. */
  timings?: Partial<OrderTimings>;
  /** How old a scanned QR code may be, in seconds; default 10. */
  qrMaxAgeSeconds?: number;
  /** Unknown request fields: 'reject' (default, 400 invalidParameters) or 'ignore'. */
  unknownFields?: UnknownFieldPolicy;
  /** Sweep for orders past retention every this many ms (real time); default 5 000. */
  sweepIntervalMs?: number;
  /** Fastify's logger (pino); default off. */
  logger?: boolean;
}

export interface BankIdTestServer {
  /** `https://127.0.0.1:<port>/rp/v6.0`: the RP API base URL. */
  readonly url: string;
  /** `http://127.0.0.1:<appPort>`: the test app (pages, `/autostart?autostarttoken=…`, `/api/…`). */
  readonly appUrl: string;
  /** Pin this as the only CA for the RP API. */
  readonly serverCaPem: string;
  /** The portal's RP client certificate and key. */
  readonly rpCertPem: string;
  readonly rpKeyPem: string;
  rpPkcs12(password: string): Promise<Uint8Array>;
  /** "Test BankID Root CA v1 Test": the anchor for verifying completionData.signature. */
  readonly userRootPem: string;
  readonly pki: BankIdTestPki;
  /** Mutable failure injection. */
  readonly faults: BankIdFaults;
  resetFaults(): void;
  /** The simulated BankID app, without HTTP. */
  readonly testApp: BankIdTestApp;
  /** An order as the server holds it (undefined when unknown or gone); for assertions. */
  order(orderRef: string): Order | undefined;
  /** Orders held (pending and uncollected). */
  orderCount(): number;
  close(): Promise<void>;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startBankIdTestServer(options: BankIdTestServerOptions): Promise<BankIdTestServer> {
  const { pki } = options;
  const state = bankIdStateOf(pki);
  const clock = options.clock ?? pki.clock;
  const host = options.host ?? '127.0.0.1';
  for (const person of options.people) await pki.ensureUser(person);
  const people = options.people.map((p) => ({ personnummer: p.personnummer, givenName: p.givenName, surname: p.surname }));

  const book = createOrderBook(clock, { ...DEFAULT_TIMINGS, ...options.timings });
  const faults = createFaults();
  const closing = new AbortController();
  const testApp = createTestApp({
    book,
    pki: state,
    people,
    faults,
    clock,
    qrMaxAgeSeconds: options.qrMaxAgeSeconds ?? 10,
  });

  const rpApi: FastifyInstance = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    https: {
      key: pki.server.keyPem,
      cert: pki.server.certPem,
      // Client certificates: only the RP CA is trusted, and a certificate is required.
      ca: [pki.rpCaPem],
      requestCert: true,
      rejectUnauthorized: true,
      // BankID's own sample pins TLS 1.2 (shared/reference/bankid.md §A); 1.3 is allowed too.
      minVersion: 'TLSv1.2',
    },
  });
  registerRpApi(rpApi, {
    pki,
    book,
    faults,
    unknownFields: options.unknownFields ?? 'reject',
    closing: closing.signal,
  });

  const appServer: FastifyInstance = Fastify({ logger: options.logger ?? false });
  await registerAppRoutes(appServer, { testApp, book, faults, pki, now: () => clock.now().getTime() });

  await rpApi.listen({ host, port: options.port ?? 0 });
  try {
    await appServer.listen({ host, port: options.appPort ?? 0 });
  } catch (err) {
    await rpApi.close();
    throw err;
  }
  const port = (rpApi.server.address() as AddressInfo).port;
  const appPort = (appServer.server.address() as AddressInfo).port;

  const sweep = setInterval(() => book.sweep(), options.sweepIntervalMs ?? 5_000);
  sweep.unref();

  return {
    url: `https://${urlHost(host)}:${port}${API_PREFIX}`,
    appUrl: `http://${urlHost(host)}:${appPort}`,
    serverCaPem: pki.serverCaPem,
    rpCertPem: pki.rp.certPem,
    rpKeyPem: pki.rp.keyPem,
    rpPkcs12: (password) => pki.rp.pkcs12(password),
    userRootPem: pki.userRootPem,
    pki,
    faults,
    resetFaults: () => resetFaults(faults),
    testApp,
    order: (orderRef) => book.get(orderRef),
    orderCount: () => book.size(),
    async close() {
      clearInterval(sweep);
      closing.abort();
      await Promise.all([rpApi.close(), appServer.close()]);
    },
  };
}
