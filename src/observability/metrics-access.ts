import { timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/config.js';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'off';

/**
 * Who may read /metrics (API and worker alike): with METRICS_TOKEN only `Authorization: Bearer <token>`;
 * without it, everyone in development and no one in production (docs/operations.md).
 */
export function metricsAccess(config: AppConfig, authorization: string | undefined): MetricsAccess {
  const token = config.operations.metricsToken;
  if (!token) return config.env === 'production' ? 'off' : 'allowed';
  const given = Buffer.from(authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'allowed' : 'unauthorized';
}
