/**
 * Operations endpoints: liveness, readiness (database, Redis, not shutting down, BankID
 * circuit, and the expiry of the RP certificate, configured trust anchors, card
 * intermediates and the receipt seal with a warning window), and Prometheus metrics (bearer token, or loopback callers only).
 */
import { X509Certificate, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/index.js';
import type { Metrics } from '../metrics.js';

export interface HealthDeps {
  config: Config;
  clock: Clock;
  db: Db;
  redis: Redis | undefined;
  metrics: Metrics;
  /** Certificates whose expiry operations must see coming: name → PEM. */
  certificates: ReadonlyMap<string, string>;
  bankidOpen: () => boolean;
  /** How many timestamps of signature evidence have waited over an hour (a TSA down for long); optional. */
  overdueTimestamps?: () => Promise<number>;
  /** True once a shutdown began: readiness fails so the load balancer drains this instance. */
  shuttingDown: () => boolean;
}

const WARN_DAYS = 30;

/** A check that does not answer in time fails: a hung database must not hang the probe. */
const CHECK_TIMEOUT_MS = 2_000;

class CheckTimeout extends Error {}

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function certificatesToWatch(config: Config, cardCas: readonly { name: string; pem: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, file: string | undefined) => {
    if (!file) return;
    try {
      out.set(name, readFileSync(file, 'utf8'));
    } catch {
      // Reported by the component that uses the file.
    }
  };
  if (config.bankid) {
    add('bankid-rp-certificate', config.bankid.rpCertFile);
    add('bankid-server-root', config.bankid.caFile);
    add('bankid-user-roots', config.bankid.userRootsFile);
  }
  add('card-listener-certificate', config.card.tlsCertFile);
  add('tsa-roots', config.tsa?.caFile);
  for (const a of cardCas) out.set(a.name, a.pem);
  return out;
}

export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  const { clock, db, redis, metrics } = deps;

  app.get('/health/live', { config: { touchSession: false } }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get('/health/ready', { config: { touchSession: false } }, async (request, reply) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    // Anyone may call the probe: the driver's message (host, port, user) goes to the log only.
    const failed = (dependency: string, err: unknown) => {
      request.log.warn({ err, dependency }, 'readiness check failed');
      return { ok: false, detail: err instanceof CheckTimeout ? 'no answer in time' : 'unavailable' };
    };
    if (deps.shuttingDown()) checks['accepting'] = { ok: false, detail: 'shutting down' };
    try {
      await withinTimeout(sql`select 1`.execute(db));
      checks['database'] = { ok: true };
    } catch (err) {
      checks['database'] = failed('database', err);
    }
    if (redis) {
      try {
        checks['redis'] = { ok: (await withinTimeout(redis.ping())) === 'PONG' };
      } catch (err) {
        checks['redis'] = failed('redis', err);
      }
    }
    const warnings: string[] = [];
    if (deps.config.bankid) {
      const open = deps.bankidOpen();
      if (open) warnings.push('bankid: circuit open after repeated failures');
      checks['bankid'] = { ok: !open };
    }
    if (deps.overdueTimestamps) {
      const overdue = await withinTimeout(deps.overdueTimestamps()).catch(() => 0);
      if (overdue > 0) warnings.push(`tsa: ${overdue} evidence timestamps pending for over an hour`);
    }
    const now = clock.now().getTime();
    const expiries: Record<string, string> = {};
    for (const [name, pem] of deps.certificates) {
      for (const match of pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)) {
        const cert = new X509Certificate(match[0]);
        const notAfter = new Date(cert.validTo).getTime();
        expiries[name] = new Date(notAfter).toISOString();
        if (notAfter < now) warnings.push(`${name}: expired ${new Date(notAfter).toISOString()}`);
        else if (notAfter - now < WARN_DAYS * 86_400_000) warnings.push(`${name}: expires ${new Date(notAfter).toISOString()}`);
      }
    }
    for (const dependency of ['database', 'redis', 'bankid'] as const) {
      const check = checks[dependency];
      if (check) metrics.dependencyUp.set({ dependency }, check.ok ? 1 : 0);
    }
    const ready = Object.entries(checks).every(([name, c]) => c.ok || name === 'bankid');
    return reply
      .status(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'unavailable', checks, warnings, certificates: expiries });
  });

  app.get('/metrics', { config: { touchSession: false } }, async (request, reply) => {
    const token = deps.config.metricsToken;
    const given = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const allowed = token
      ? given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token))
      : // Without a token only loopback callers, and never in production: behind a reverse
        // proxy on the same machine every request comes from loopback.
        deps.config.mode !== 'production' && ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');
    if (!allowed) return reply.status(404).type('text/plain').send('Not found');
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
