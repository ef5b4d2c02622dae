import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { SmsJobs, type SmsJob } from './sms-jobs.js';
import { noticeTemplate } from './sms-notices.js';
import { failed, SMS_PROVIDER, type SmsProvider, type SmsSendResult } from './sms-provider.js';
import { SmsRequestStore } from './sms-request.store.js';

/**
 * Sends one job through the configured provider, whichever it is. With a provider that does not de-duplicate,
 * each attempt is claimed before the call and released only when it provably never reached the provider, so
 * a later attempt after an unsettled one (a worker that died mid-call) is `unknown`, never a second SMS.
 */
@Injectable()
export class SmsSender {
  constructor(
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    private readonly config: AppConfig,
    private readonly jobs: SmsJobs,
    private readonly requests: SmsRequestStore,
  ) {}

  async deliver(job: SmsJob): Promise<SmsSendResult> {
    if (job.kind === 'notice' && !noticeTemplate(this.config)) return failed('give_up', 'notice_template_unset');
    const send = this.sendFor(job); // opens a sealed code before anything is claimed
    const guarded = !this.provider.deduplicates;
    if (guarded && !(await this.requests.claimAttempt(job.requestId))) {
      return failed('unknown', 'earlier_attempt_unsettled');
    }
    const result = await send();
    if (guarded && !result.ok && result.kind === 'retry') await this.requests.releaseAttempt(job.requestId);
    return result;
  }

  private sendFor(job: SmsJob): () => Promise<SmsSendResult> {
    if (job.kind === 'notice') return () => this.provider.sendNotice(job);
    const sms = this.jobs.open(job);
    return () => this.provider.sendCode(sms);
  }
}
