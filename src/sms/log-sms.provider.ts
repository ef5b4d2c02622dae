import { Logger } from '@nestjs/common';
import { maskPhone } from '../users/phone.js';
import {
  NOTICE_ACTION,
  sent,
  type CodeSms,
  type NoticeSms,
  type SmsProvider,
  type SmsSendResult,
} from './sms-provider.js';

/** `SMS_DRIVER=log`, development only (refused in production): prints the message so a developer can use it. */
export class LogSmsProvider implements SmsProvider {
  readonly name = 'log';
  readonly deduplicates = true;
  private readonly logger = new Logger('Sms');

  sendCode(sms: CodeSms): Promise<SmsSendResult> {
    this.logger.log(`[SMS_DRIVER=log] to ${maskPhone(sms.phone)}: code ${sms.code}, valid ${sms.ttlMinutes} min`);
    return Promise.resolve(sent(`log:${sms.requestId}`));
  }

  sendNotice(sms: NoticeSms): Promise<SmsSendResult> {
    this.logger.log(`[SMS_DRIVER=log] to ${maskPhone(sms.phone)}: notice, 您的账号刚刚${NOTICE_ACTION[sms.notice]}`);
    return Promise.resolve(sent(`log:${sms.requestId}`));
  }
}
