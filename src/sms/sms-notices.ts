import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { JobMetrics } from '../observability/job-metrics.js';
import { maskPhone } from '../users/phone.js';
import { SmsJobs } from './sms-jobs.js';
import type { SmsNotice } from './sms-provider.js';

/** Metric queue label for notices: `auth_jobs_total{queue="sms_notice", outcome, reason=<notice>}`. */
export const NOTICE_METRIC = 'sms_notice';

/** The notice template of the configured driver; empty means notices are off (`log` prints them). */
export function noticeTemplate(config: AppConfig): string {
  switch (config.sms.driver) {
    case 'ronglian':
      return config.ronglian.noticeTemplateId;
    case 'aliyun':
      return config.aliyun.noticeTemplateCode;
    case 'tencent':
      return config.tencent.noticeTemplateId;
    case 'log':
      return 'log';
  }
}

/**
 * Security notices by SMS ("your phone number / password was just changed"), queued like codes. Best effort:
 * a notice that cannot be queued is logged and counted, never thrown to the account flow that asked for it.
 */
@Injectable()
export class SmsNotices {
  private readonly logger = new Logger('SmsNotices');

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: SmsJobs,
    private readonly metrics: JobMetrics,
  ) {}

  async notify(phone: string, notice: SmsNotice): Promise<void> {
    if (!noticeTemplate(this.config)) {
      this.logger.log(
        `notice ${notice} to ${maskPhone(phone)} skipped: no notice template for ${this.config.sms.driver}`,
      );
      await this.metrics.record(NOTICE_METRIC, 'skipped', notice);
      return;
    }
    try {
      await this.jobs.enqueueNotice(phone, notice);
      await this.metrics.record(NOTICE_METRIC, 'queued', notice);
    } catch (err) {
      this.logger.warn(`notice ${notice} to ${maskPhone(phone)} not queued: ${(err as Error).message}`);
      await this.metrics.record(NOTICE_METRIC, 'failed', notice);
    }
  }
}
