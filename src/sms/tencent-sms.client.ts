import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { attempt, parseJson } from './provider-http.js';
import {
  failed,
  NOTICE_ACTION,
  sent,
  type CodeSms,
  type NoticeSms,
  type SmsProvider,
  type SmsSendResult,
} from './sms-provider.js';
import { classifyTencent } from './tencent-sms.errors.js';
import { buildTencentSendSms, type TencentSendSms } from './tencent-sms.request.js';

interface SendSmsAnswer {
  Response?: {
    Error?: { Code?: unknown };
    SendStatusSet?: Array<{ PhoneNumber?: unknown; Code?: unknown; SerialNo?: unknown }>;
  };
}

/**
 * The only code that talks to Tencent Cloud SMS (SendSms 2021-01-11). Tencent has no idempotency key and no
 * nonce, so an attempt that may have been processed is never sent again: it is `unknown`
 * (docs/providers/tencent.md, "Idempotency"). HTTP 200 is not success: only our number's `Ok` entry is.
 */
@Injectable()
export class TencentSmsClient implements SmsProvider {
  readonly name = 'tencent';
  readonly deduplicates = false;

  constructor(private readonly config: AppConfig) {}

  sendCode(sms: CodeSms): Promise<SmsSendResult> {
    const templateParams = [sms.code, String(sms.ttlMinutes)];
    return this.send({
      phoneNumber: sms.phone,
      templateId: this.config.tencent.templateId,
      templateParams,
      sessionContext: sms.requestId,
    });
  }

  sendNotice(sms: NoticeSms): Promise<SmsSendResult> {
    const { noticeTemplateId: templateId } = this.config.tencent;
    return this.send({
      phoneNumber: sms.phone,
      templateId,
      templateParams: [NOTICE_ACTION[sms.notice]],
      sessionContext: sms.requestId,
    });
  }

  async send(sms: TencentSendSms): Promise<SmsSendResult> {
    const { request } = buildTencentSendSms(this.config.tencent, sms, Math.floor(Date.now() / 1000));
    const answer = await attempt(request, this.config.tencent.timeoutMs);
    if (answer.kind === 'not_sent') return failed('retry', answer.reason);
    if (answer.kind === 'ambiguous') return failed('unknown', answer.reason);
    const response = (parseJson(answer.text) as SendSmsAnswer | undefined)?.Response;
    // Every answer from Tencent is HTTP 200 with a `Response`; anything else came from something in between.
    if (answer.status !== 200 || !response) return failed('unknown', `http_${answer.status}`);
    const error = response.Error?.Code;
    if (typeof error === 'string') return failed(classifyTencent(error), `tencent_${error}`);
    const entry = response.SendStatusSet?.find((s) => s.PhoneNumber === sms.phoneNumber) ?? response.SendStatusSet?.[0];
    if (typeof entry?.Code !== 'string') return failed('unknown', 'tencent_no_status');
    if (entry.Code === 'Ok') return sent(String(entry.SerialNo ?? ''));
    return failed(classifyTencent(entry.Code), `tencent_${entry.Code}`);
  }
}
