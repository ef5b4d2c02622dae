import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { maskPhone, nationalNumber } from '../users/phone.js';
import { RonglianClient } from './ronglian.client.js';
import type { SmsJob } from './sms-job.js';

/** Sends one verification SMS through the configured driver. */
@Injectable()
export class SmsSender {
  private readonly logger = new Logger('Sms');

  constructor(
    private readonly config: AppConfig,
    private readonly ronglian: RonglianClient,
  ) {}

  async deliver(job: SmsJob): Promise<void> {
    if (this.config.sms.driver === 'log') {
      // Development only (refused in production): the code is printed so a developer can use it.
      this.logger.log(`[SMS_DRIVER=log] to ${maskPhone(job.phone)}: code ${job.code}, valid ${job.ttlMinutes} min`);
      return;
    }
    await this.ronglian.send({
      to: nationalNumber(job.phone),
      datas: [job.code, String(job.ttlMinutes)],
      reqId: job.requestId,
    });
  }
}
