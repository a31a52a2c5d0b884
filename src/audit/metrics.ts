/**
 * What the audit log tells the metrics: logins by method and outcome, and signature
 * verifications by method and result. Given to `createAuditLog` as its `onRecord`.
 */
import type { Metrics } from '../platform/metrics.js';
import type { AuditEventInput } from './service.js';

export function auditToMetrics(metrics: Metrics): (event: AuditEventInput) => void {
  return (event) => {
    if (event.event === 'login' || event.event === 'login_failed') {
      metrics.logins.inc({ method: event.subject ?? 'unknown', outcome: event.outcome });
    } else if (event.event === 'signature_completed' || event.event === 'signature_failed') {
      const method = typeof event.details?.['method'] === 'string' ? event.details['method'] : 'unknown';
      metrics.signatureVerifications.inc({ method, result: event.outcome === 'success' ? 'valid' : 'refused' });
    }
  };
}
