import { Global, Module } from '@nestjs/common';
import { MAIL_QUEUE, registerQueue, SMS_QUEUE } from '../infra/queues.js';
import { JobMetrics } from './job-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';
import { QueueMetrics } from './queue-metrics.js';

/** API side: the registry, the /metrics route, and queue gauges. */
@Global()
@Module({
  imports: [registerQueue(SMS_QUEUE), registerQueue(MAIL_QUEUE)],
  controllers: [MetricsController],
  providers: [Metrics, JobMetrics, QueueMetrics],
  exports: [Metrics, JobMetrics],
})
export class ObservabilityModule {}

/** Worker side: the registry and the job counters, served by the worker's own endpoint (src/health). */
@Global()
@Module({ providers: [Metrics, JobMetrics], exports: [Metrics, JobMetrics] })
export class WorkerMetricsModule {}
