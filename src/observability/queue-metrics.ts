import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge } from 'prom-client';
import { MAIL_QUEUE, SMS_QUEUE } from '../infra/queues.js';
import { Metrics } from './metrics.js';

/**
 * Queue depths, read from Redis when Prometheus scrapes (shared state: every API replica reports the same
 * values, so dashboards take `max by (queue, state)`). Job outcomes are the workers' own counters.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
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
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, Number(count));
        }
      },
    });
  }
}
