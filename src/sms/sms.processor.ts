import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../config/config.js';
import { SMS_QUEUE } from '../infra/queues.js';
import { JobMetrics } from '../observability/job-metrics.js';
import { maskPhone } from '../users/phone.js';
import { SmsDeliveryError } from './ronglian.errors.js';
import type { SmsJob } from './sms-job.js';
import { SmsRequestStore } from './sms-request.store.js';
import { SmsSender } from './sms.sender.js';

/** Consumes the `sms` queue: decode, deliver, and sort failures into retry (transient) or give up. */
@Injectable()
export class SmsProcessor implements OnModuleInit {
  private readonly logger = new Logger('SmsProcessor');

  constructor(
    @InjectQueue(SMS_QUEUE) private readonly queue: Queue<SmsJob>,
    private readonly config: AppConfig,
    private readonly sender: SmsSender,
    private readonly requests: SmsRequestStore,
    private readonly jobs: JobMetrics,
  ) {}

  onModuleInit(): void {
    // Concurrency comes from configuration, so the handler is registered here rather than with @Process().
    void this.queue.process(this.config.sms.workerConcurrency, (job) => this.handle(job));
  }

  async handle(job: Job<SmsJob>): Promise<void> {
    const { requestId, phone } = job.data;
    try {
      await this.sender.deliver(job.data);
      await Promise.all([this.requests.markSent(requestId), this.jobs.record(SMS_QUEUE, 'sent')]);
    } catch (err) {
      const transient = !(err instanceof SmsDeliveryError) || err.transient;
      const reason = err instanceof SmsDeliveryError ? err.reason : 'internal_error';
      const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn(`sms ${requestId} to ${maskPhone(phone)} failed (${reason}, attempt ${job.attemptsMade + 1})`);
      await this.jobs.record(SMS_QUEUE, !transient || lastTry ? 'failed' : 'retried', reason);
      if (!transient || lastTry) {
        await this.requests.markFailed(requestId, phone, reason);
        await job.update({ ...job.data, code: '' }); // kept in the failed set for operators, without the code
        await job.discard();
      }
      throw err;
    }
  }
}
