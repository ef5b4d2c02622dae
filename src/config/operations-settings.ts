/**
 * Operations settings (docs/operations.md): who may scrape metrics, the queue dashboard's failure limit, the
 * worker's own health and metrics port, and the scheduled purges.
 */
import type { Reader } from './env-reader.js';
import { checkSecrets } from './production-rules.js';

export interface OperationsSettings {
  /** Bearer token for /metrics (API and worker); empty: open in development, 404 in production. */
  metricsToken: string;
  /** The worker's /health and /metrics port; 0 turns that server off. */
  workerMetricsPort: number;
  /** Failed Basic-auth attempts per IP on /admin/queues within the window before 429. */
  adminMaxFailures: number;
  adminFailureWindowSeconds: number;
  purge: {
    everySeconds: number;
    batchSize: number;
    unboundIdentityTtlSeconds: number;
    auditRetentionDays: number;
  };
}

/** The shortest security-event retention production accepts. */
export const MIN_AUDIT_RETENTION_DAYS = 180;

export function operationsSettings(r: Reader, prod: boolean): OperationsSettings {
  const metricsToken = r.str('METRICS_TOKEN', '');
  if (metricsToken) checkSecrets(r, prod, { METRICS_TOKEN: metricsToken });
  const auditRetentionDays = r.int('AUDIT_RETENTION_DAYS', MIN_AUDIT_RETENTION_DAYS, 1, 36500);
  if (prod && auditRetentionDays < MIN_AUDIT_RETENTION_DAYS)
    r.fail('AUDIT_RETENTION_DAYS', `must be at least ${MIN_AUDIT_RETENTION_DAYS} in production`);
  return {
    metricsToken,
    workerMetricsPort: r.int('WORKER_METRICS_PORT', 9464, 0, 65535),
    adminMaxFailures: r.int('ADMIN_MAX_FAILURES', 10, 1, 1_000_000),
    adminFailureWindowSeconds: r.int('ADMIN_FAILURE_WINDOW', 900, 1, 86400),
    purge: {
      everySeconds: r.int('PURGE_INTERVAL', 3600, 10, 7 * 86400),
      batchSize: r.int('PURGE_BATCH_SIZE', 1000, 1, 100_000),
      unboundIdentityTtlSeconds: r.int('UNBOUND_IDENTITY_TTL', 86400, 60, 365 * 86400),
      auditRetentionDays,
    },
  };
}
