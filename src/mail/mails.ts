import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { AppConfig } from '../config/config.js';
import { MAIL_QUEUE } from '../infra/queues.js';
import type { MailJob } from './mail-job.js';
import { maskEmail } from './mailer.js';

/** The API side of mail: the one place that queues mail jobs for the worker (which sends them). */
@Injectable()
export class Mails {
  constructor(
    @InjectQueue(MAIL_QUEUE) private readonly queue: Queue<MailJob>,
    private readonly config: AppConfig,
  ) {}

  async activation(to: string, username: string, code: string): Promise<void> {
    await this.queue.add({ template: 'activation', to, username, code }, this.jobOptions());
  }

  /** To the address an account just left; the new one is shown masked. */
  async emailChanged(to: string, username: string, newEmail: string): Promise<void> {
    await this.queue.add({ template: 'email_changed', to, username, newEmail: maskEmail(newEmail) }, this.jobOptions());
  }

  private jobOptions(): JobOptions {
    const { retryAttempts, retryDelayMs } = this.config.mail;
    return {
      jobId: randomUUID(),
      attempts: retryAttempts,
      backoff: { type: 'exponential', delay: retryDelayMs },
      removeOnComplete: true,
      // Failed mails stay visible (in the failed set and the queue dashboard), up to this many.
      removeOnFail: 1000,
    };
  }
}
