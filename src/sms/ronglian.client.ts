import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, type RonglianConfig } from '../config/config.js';
import { nationalNumber } from '../users/phone.js';
import { attempt, parseJson } from './provider-http.js';
import { classifyRonglian } from './ronglian.errors.js';
import {
  failed,
  NOTICE_ACTION,
  sent,
  type CodeSms,
  type NoticeSms,
  type SmsProvider,
  type SmsSendResult,
} from './sms-provider.js';

export interface TemplateSms {
  to: string;
  templateId: string;
  datas: string[];
  /** ≤ 32 chars, unique per account per day: Ronglian answers 160054 to a repeat instead of sending twice. */
  reqId: string;
}

/** China Standard Time is UTC+8 all year (no daylight saving since 1991), so no time-zone database is needed. */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** `yyyyMMddHHmmss` in Asia/Shanghai, whatever the host's time zone (docs/providers/ronglian.md, "Signature"). */
export function ronglianTimestamp(date: Date): string {
  // `toISOString` of the shifted instant reads the Shanghai wall clock: 2014-04-16T14:20:30.000Z → 20140416142030.
  const iso = new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/** Builds the TemplateSMS request exactly as the official SDKs do (docs/providers/ronglian.md, "Request"). */
export function buildTemplateSmsRequest(creds: RonglianConfig, sms: TemplateSms, now: Date) {
  const ts = ronglianTimestamp(now);
  const sig = createHash('md5').update(`${creds.accountSid}${creds.authToken}${ts}`).digest('hex').toUpperCase();
  return {
    url: `${creds.baseUrl}/2013-12-26/Accounts/${creds.accountSid}/SMS/TemplateSMS?sig=${sig}`,
    method: 'POST' as const,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json;charset=utf-8',
      Authorization: Buffer.from(`${creds.accountSid}:${ts}`).toString('base64'),
    },
    body: JSON.stringify({
      to: sms.to,
      appId: creds.appId,
      templateId: sms.templateId,
      datas: sms.datas,
      reqId: sms.reqId,
    }),
  };
}

/**
 * The only code that talks to Ronglian. Every unclear outcome is `retry`: the retry carries the same `reqId`,
 * which Ronglian refuses as a duplicate (160054) when the first attempt went through.
 */
@Injectable()
export class RonglianClient implements SmsProvider {
  readonly name = 'ronglian';
  readonly deduplicates = true;

  constructor(private readonly config: AppConfig) {}

  sendCode(sms: CodeSms): Promise<SmsSendResult> {
    const { templateId } = this.config.ronglian;
    return this.send({
      to: nationalNumber(sms.phone),
      templateId,
      datas: [sms.code, String(sms.ttlMinutes)],
      reqId: sms.requestId,
    });
  }

  sendNotice(sms: NoticeSms): Promise<SmsSendResult> {
    const { noticeTemplateId: templateId } = this.config.ronglian;
    return this.send({
      to: nationalNumber(sms.phone),
      templateId,
      datas: [NOTICE_ACTION[sms.notice]],
      reqId: sms.requestId,
    });
  }

  async send(sms: TemplateSms): Promise<SmsSendResult> {
    const request = buildTemplateSmsRequest(this.config.ronglian, sms, new Date());
    const answer = await attempt(request, this.config.ronglian.timeoutMs);
    if (answer.kind !== 'answer') return failed('retry', answer.reason);
    const body = parseJson(answer.text) as
      { statusCode?: unknown; templateSMS?: { smsMessageSid?: unknown } } | undefined;
    // The result is in the body whatever the HTTP status; `statusCode` is a string (docs/providers/ronglian.md).
    if (body?.statusCode === undefined || body.statusCode === null) {
      return failed(answer.status >= 500 || answer.status === 429 ? 'retry' : 'give_up', `http_${answer.status}`);
    }
    const statusCode = String(body.statusCode);
    switch (classifyRonglian(statusCode)) {
      case 'sent':
        return sent(String(body.templateSMS?.smsMessageSid ?? ''));
      case 'duplicate':
        return sent(`reqId:${sms.reqId}`);
      case 'transient':
        return failed('retry', `ronglian_${statusCode}`);
      case 'permanent':
        return failed('give_up', `ronglian_${statusCode}`);
    }
  }
}
