import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Metrics } from './metrics.js';

export type JobOutcome = 'sent' | 'retried' | 'failed' | 'unknown' | 'queued' | 'skipped';

/**
 * Job outcomes as Prometheus counters of the process that ran them: the worker's own /metrics
 * (WORKER_METRICS_PORT), or the API's when it runs the consumers inline. Prometheus sums the workers.
 */
@Injectable()
export class JobMetrics {
  private readonly jobs: Counter<'queue' | 'outcome' | 'reason'>;
  private readonly purged: Counter<'table'>;

  constructor(metrics: Metrics) {
    this.jobs = new Counter({
      name: 'auth_jobs_total',
      help: 'Jobs handled by this process, by queue, outcome (sent, retried, failed) and reason',
      labelNames: ['queue', 'outcome', 'reason'] as const,
      registers: [metrics.registry],
    });
    this.purged = new Counter({
      name: 'auth_purged_rows_total',
      help: 'Rows deleted by the scheduled purge, by table',
      labelNames: ['table'] as const,
      registers: [metrics.registry],
    });
  }

  /** Counts one outcome; a promise so callers may await it like any other step of a job. */
  record(queue: string, outcome: JobOutcome, reason = ''): Promise<void> {
    this.jobs.inc({ queue, outcome, reason });
    return Promise.resolve();
  }

  recordPurged(table: string, rows: number): void {
    this.purged.inc({ table }, rows);
  }
}
