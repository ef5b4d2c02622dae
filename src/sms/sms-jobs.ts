import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { SecretBox } from '../common/secret-box.js';
import { AppConfig } from '../config/config.js';
import { confirmReplicated, SMS_QUEUE } from '../infra/queues.js';
import type { CodeSms, SmsNotice } from './sms-provider.js';

/** A code job: the code is sealed (AES-256-GCM), so the queue in Redis and its dashboard never show it. */
export interface CodeJob {
  kind: 'code';
  requestId: string;
  phone: string;
  sealedCode: string;
  ttlMinutes: number;
}

export interface NoticeJob {
  kind: 'notice';
  requestId: string;
  phone: string;
  notice: SmsNotice;
}

export type SmsJob = CodeJob | NoticeJob;

/** Builds, seals and enqueues `sms` jobs (API side) and opens them (worker side). */
@Injectable()
export class SmsJobs {
  constructor(
    @InjectQueue(SMS_QUEUE) private readonly queue: Queue<SmsJob>,
    private readonly config: AppConfig,
    private readonly box: SecretBox,
  ) {}

  /** One job per code request, its id the request id, so a request is never queued twice. */
  async enqueueCode(sms: CodeSms): Promise<void> {
    const { requestId, phone, code, ttlMinutes } = sms;
    const job: CodeJob = { kind: 'code', requestId, phone, sealedCode: this.box.seal(code), ttlMinutes };
    await this.queue.add(job, this.options(requestId));
    await confirmReplicated(this.queue, this.config); // an accepted code survives a failover
  }

  /** Returns the notice's request id (also its job id, and the provider's idempotency key where there is one). */
  async enqueueNotice(phone: string, notice: SmsNotice): Promise<string> {
    const requestId = randomUUID().replaceAll('-', '');
    await this.queue.add({ kind: 'notice', requestId, phone, notice }, this.options(requestId));
    return requestId;
  }

  open(job: CodeJob): CodeSms {
    const { requestId, phone, ttlMinutes } = job;
    return { requestId, phone, ttlMinutes, code: this.box.open(job.sealedCode) };
  }

  private options(jobId: string): JobOptions {
    const { retryAttempts, retryDelayMs } = this.config.sms;
    return {
      jobId,
      attempts: retryAttempts,
      backoff: { type: 'exponential', delay: retryDelayMs },
      removeOnComplete: true,
      removeOnFail: 1000,
    };
  }
}
