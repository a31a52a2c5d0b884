/**
 * The card-login server for (e): the real app (buildApp) with card login configured in `tls`
 * mode, on a file-backed SQLite in WAL mode seeded with the demo people, and its card
 * listener (Fastify over HTTPS, requestCert) on 127.0.0.1. Like demo mode, it creates the
 * test PKI (devtools/test-pki) with Tolvan Tolvansson's Telia card and runs its OCSP responder
 * in this process; the responder is asked once (the first login warms the OCSP cache, whose
 * answers stay valid for an hour), so it is idle while the bench measures.
 *
 * BENCH_SQLITE_FILE names the database file; the PKI goes into `pki/` next to it (the parent
 * creates and removes that temp directory). The ready line announces the PEM files (see
 * CardFiles in protocol.ts); the bare https baseline (d) is started with the same server
 * certificate, key and advertised CAs. On stop it reports the OCSP client's counters and the
 * certificate cache's (src/card/validate.ts: the card certificate parsed and its path checked
 * once, on the first login).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../test/support/ports.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoData } from '../../devtools/demo/seed.js';
import { ensureDemoPki, startOcspResponder } from '../../devtools/test-pki/index.js';
import { buildApp } from '../../src/app.js';
import { advertisedCaPem } from '../../src/card/listener.js';
import { certificateCacheOf } from '../../src/card/validate.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/platform/clock.js';
import { announce, reportStats, stopOnSignal } from './protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sqliteFile = process.env['BENCH_SQLITE_FILE'];
if (sqliteFile === undefined || sqliteFile === '')
  throw new Error('card server: BENCH_SQLITE_FILE is not set');
const pkiDir = path.join(path.dirname(sqliteFile), 'pki');


const ocspPort = await freePort();
const demo = await ensureDemoPki(pkiDir, {
  clock: systemClock,
  ocspBaseUrl: `http://127.0.0.1:${ocspPort}/ocsp`,
  people: [{ personnummer: '191212121212', givenName: 'Tolvan', surname: 'Tolvansson', issuer: 'telia' }],
  password: 'kundwebben',
});
const tolvan = demo.cards.find((c) => c.personnummer === '191212121212');
if (!tolvan) throw new Error('card server: the demo PKI has no card for Tolvan');
const ocspResponder = await startOcspResponder(demo.pki, { port: ocspPort, clock: systemClock });

const config = loadConfig(
  {
    KW_MODE: 'test',
    KW_SQLITE_FILE: sqliteFile,
    KW_LOG_LEVEL: 'silent',
    KW_PORT: '0',
    KW_ROLLOUT_PLAN_FILE: path.join(root, 'config/rollout-plan.json'),
    KW_CARD_ISSUERS_FILE: demo.issuersFile,
    KW_CARD_TLS_CERT: demo.tls.certPath,
    KW_CARD_TLS_KEY: demo.tls.keyPath,
    // The highest value config accepts. The card listener's limiter is global and counts
    // per client address; in tls mode every bench connection comes from 127.0.0.1, so all
    // of them share one budget of 100 000/min (about 1 667/s). The parent reports it if hit.
    KW_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  },
  'test',
);
const { app, services, cardListener } = await buildApp(config, { clock: systemClock });
if (!cardListener || !services.cardLogin || !services.ocsp) {
  throw new Error('card server: card login is not configured (no card listener)');
}
await seedDemoData(services.accounts);
await app.ready();

// The CA list the listener sends in its CertificateRequest, for the baseline to send too.
const advertisedCaPath = path.join(pkiDir, 'advertised-ca.pem');
writeFileSync(advertisedCaPath, advertisedCaPem(services.cardLogin.profiles));

await cardListener.listen({ host: '127.0.0.1', port: 0 });
const address = cardListener.server.address();
if (address === null || typeof address === 'string') throw new Error('card server: no TCP address');

const ocspStats = services.ocsp.stats;
const certificateStats = certificateCacheOf(services.cardLogin.profiles).stats;
stopOnSignal(async () => {
  reportStats({
    ocspRequests: ocspStats.requests,
    ocspCacheHits: ocspStats.cacheHits,
    certificateCacheHits: certificateStats.hits,
    certificateCacheMisses: certificateStats.misses,
  });
  await app.close(); // closes the card listener too
  await ocspResponder.close();
  // Also when the parent died without cleaning up: remove our own temp directory.
  const dir = path.dirname(sqliteFile);
  if (path.basename(dir).startsWith('kundwebben-bench-')) rmSync(dir, { recursive: true, force: true });
});
announce({
  port: address.port,
  card: {
    serverCertPath: demo.tls.certPath,
    serverKeyPath: demo.tls.keyPath,
    serverCaPath: demo.tls.caPath,
    advertisedCaPath,
    clientCertPath: tolvan.login.certPath,
    clientKeyPath: tolvan.login.keyPath,
  },
});
