import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge } from 'prom-client';
import { MAIL_QUEUE, SMS_QUEUE } from '../infra/queues.js';
import { JobMetrics } from './job-metrics.js';
import { Metrics } from './metrics.js';

/** Queue depths and the workers' job outcomes, read from Redis when Prometheus scrapes. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly jobs: JobMetrics,
    @InjectQueue(SMS_QUEUE) private readonly sms: Queue,
    @InjectQueue(MAIL_QUEUE) private readonly mail: Queue,
  ) {}

  onModuleInit(): void {
    const queues = { [SMS_QUEUE]: this.sms, [MAIL_QUEUE]: this.mail };
    new Gauge({
      name: 'auth_queue_jobs',
      help: 'Jobs in each queue by state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const [name, queue] of Object.entries(queues)) {
          const counts = await queue.getJobCounts();
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
        }
      },
    });
    const jobs = this.jobs;
    new Gauge({
      name: 'auth_jobs_total',
      help: 'Jobs handled by all workers since the counters were created, by queue, outcome (sent, retried, failed) and reason',
      labelNames: ['queue', 'outcome', 'reason'] as const,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const t of await jobs.totals())
          this.set({ queue: t.queue, outcome: t.outcome, reason: t.reason }, t.count);
      },
    });
  }
}
