import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../config/config.js';
import { MAIL_QUEUE } from '../infra/queues.js';
import { JobMetrics } from '../observability/job-metrics.js';
import type { MailJob } from './mail-job.js';
import { MailDeliveryError } from './mail.errors.js';
import { composeMail } from './mail.templates.js';
import { Mailer, maskEmail } from './mailer.js';

/** `<job id@sender's domain>`: the same for every attempt of one job. */
function messageId(jobId: string, from: string): string {
  return `<${jobId}@${/@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'localhost'}>`;
}

/** Activation mails and notices are few; a handful of SMTP connections at once is plenty. */
const CONCURRENCY = 5;

/** Consumes the `mail` queue: decode, render, send, and sort failures into retry (transient) or give up. */
@Injectable()
export class MailProcessor implements OnModuleInit {
  private readonly logger = new Logger('MailProcessor');

  constructor(
    @InjectQueue(MAIL_QUEUE) private readonly queue: Queue<MailJob>,
    private readonly config: AppConfig,
    private readonly mailer: Mailer,
    private readonly jobs: JobMetrics,
  ) {}

  onModuleInit(): void {
    void this.queue.process(CONCURRENCY, (job) => this.handle(job));
  }

  async handle(job: Job<MailJob>): Promise<void> {
    try {
      await this.mailer.send(composeMail(job.data, this.config.mail), messageId(String(job.id), this.config.mail.from));
      await this.jobs.record(MAIL_QUEUE, 'sent');
    } catch (err) {
      const transient = !(err instanceof MailDeliveryError) || err.transient;
      const reason = err instanceof MailDeliveryError ? err.reason : 'internal_error';
      const attempt = job.attemptsMade + 1;
      this.logger.warn(`mail ${job.id} to ${maskEmail(job.data.to)} failed (${reason}, attempt ${attempt})`);
      const final = !transient || attempt >= (job.opts.attempts ?? 1);
      await this.jobs.record(MAIL_QUEUE, final ? 'failed' : 'retried', reason);
      if (final) {
        this.logger.error(`mail ${job.id} to ${maskEmail(job.data.to)} given up (${reason}); kept in the failed set`);
        // The failed job stays visible; the code it carried must not stay readable in Redis.
        if (job.data.template === 'activation') await job.update({ ...job.data, code: '' });
        await job.discard();
      }
      throw err;
    }
  }
}
