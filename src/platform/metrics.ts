/**
 * Prometheus metrics (prom-client) in a registry per app instance: request latency by
 * route, logins by method and outcome, BankID orders by outcome (BankID's hintCode, our
 * refusal, or the error that ended or prevented the order), OCSP answers by source and OCSP
 * errors, signature verifications, and whether each dependency answered the last readiness
 * check. Features count through this object, never a global.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kundwebben_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'kundwebben_http_request_duration_seconds',
      help: 'HTTP request latency by route and status class',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    logins: new Counter({
      name: 'kundwebben_logins_total',
      help: 'Logins by method and outcome',
      labelNames: ['method', 'outcome'] as const,
      registers: [registry],
    }),
    bankidOrders: new Counter({
      name: 'kundwebben_bankid_orders_total',
      help: 'BankID orders by kind and how they ended',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    ocspLookups: new Counter({
      name: 'kundwebben_ocsp_lookups_total',
      help: 'OCSP lookups by source (cache or responder), or error when the responder gave no usable answer',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    dependencyUp: new Gauge({
      name: 'kundwebben_dependency_up',
      help: 'Whether a dependency answered the last readiness check: database, redis, bankid (circuit closed)',
      labelNames: ['dependency'] as const,
      registers: [registry],
    }),
    signatureVerifications: new Counter({
      name: 'kundwebben_signature_verifications_total',
      help: 'Signature verifications by method and result',
      labelNames: ['method', 'result'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
