import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../config/config.js';
import { retireJob, settleFailedAttempt } from '../infra/job-outcome.js';
import { SMS_QUEUE } from '../infra/queues.js';
import { JobMetrics, type JobOutcome } from '../observability/job-metrics.js';
import { maskPhone } from '../users/phone.js';
import type { SmsJob } from './sms-jobs.js';
import { NOTICE_METRIC } from './sms-notices.js';
import { failed } from './sms-provider.js';
import { SmsRequestStore } from './sms-request.store.js';
import { SmsSender } from './sms.sender.js';

/** Thrown to Bull so a failed attempt counts as failed (and lands in the failed set when it is the last). */
export class SmsSendFailure extends Error {}

/**
 * Consumes the `sms` queue: decode, send through the configured provider, and sort the result into sent,
 * retry, give up (status `failed`, cooldown lifted) or `unknown` (never re-sent; the cooldown runs out).
 */
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
    const result = await this.sender.deliver(job.data).catch((err: unknown) => {
      this.logger.error(`sms ${job.data.requestId}: ${(err as Error).message}`);
      return failed('retry', 'internal_error');
    });
    if (result.ok) return this.settle(job.data, 'sent');
    const { requestId, phone, kind } = job.data;
    const attempt = job.attemptsMade + 1;
    this.logger.warn(`sms ${kind} ${requestId} to ${maskPhone(phone)} failed (${result.reason}, attempt ${attempt})`);
    const scrub = job.data.kind === 'code' ? { sealedCode: '' } : {};
    if (result.kind === 'unknown') {
      await retireJob<SmsJob>(job, scrub);
      await this.settle(job.data, 'unknown', result.reason);
    } else {
      const verdict = await settleFailedAttempt<SmsJob>(job, result.kind === 'retry', scrub);
      await this.settle(job.data, verdict, result.reason);
    }
    throw new SmsSendFailure(result.reason);
  }

  private async settle(data: SmsJob, outcome: JobOutcome, reason = ''): Promise<void> {
    if (data.kind === 'notice') return this.jobs.record(NOTICE_METRIC, outcome, data.notice);
    await Promise.all([this.markStatus(data, outcome, reason), this.jobs.record(SMS_QUEUE, outcome, reason)]);
  }

  private async markStatus(data: SmsJob, outcome: JobOutcome, reason: string): Promise<void> {
    if (outcome === 'sent') await this.requests.markSent(data.requestId);
    if (outcome === 'failed') await this.requests.markFailed(data.requestId, data.phone, reason);
    if (outcome === 'unknown') await this.requests.markUnknown(data.requestId, reason);
  }
}
