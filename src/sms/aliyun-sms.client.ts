import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { nationalNumber } from '../users/phone.js';
import { classifyAliyun } from './aliyun-sms.errors.js';
import { buildSendSmsRequest, type AliyunSendSms } from './aliyun-sms.request.js';
import { attempt, parseJson, type HttpRequest } from './provider-http.js';
import {
  failed,
  NOTICE_ACTION,
  sent,
  type CodeSms,
  type NoticeSms,
  type SmsProvider,
  type SmsSendResult,
} from './sms-provider.js';

type Read = { ambiguous: true; reason: string } | { ambiguous: false; result: SmsSendResult };

/**
 * The only code that talks to Alibaba Cloud SMS (dysmsapi SendSms). SendSms does not de-duplicate, so an
 * ambiguous attempt is replayed once byte for byte (same date, nonce and signature) and never re-signed:
 * the gateway refuses a nonce it has seen (`SignatureNonceUsed`), so the replay either sends the one SMS that
 * never arrived or proves the first arrived (docs/providers/aliyun.md, "Idempotency").
 */
@Injectable()
export class AliyunSmsClient implements SmsProvider {
  readonly name = 'aliyun';
  readonly deduplicates = false;

  constructor(private readonly config: AppConfig) {}

  sendCode(sms: CodeSms): Promise<SmsSendResult> {
    const { templateCode } = this.config.aliyun;
    return this.send({
      phoneNumbers: nationalNumber(sms.phone),
      templateCode,
      templateParam: { code: sms.code },
      outId: sms.requestId,
    });
  }

  sendNotice(sms: NoticeSms): Promise<SmsSendResult> {
    const { noticeTemplateCode: templateCode } = this.config.aliyun;
    const templateParam = { action: NOTICE_ACTION[sms.notice] };
    return this.send({ phoneNumbers: nationalNumber(sms.phone), templateCode, templateParam, outId: sms.requestId });
  }

  async send(sms: AliyunSendSms): Promise<SmsSendResult> {
    const nonce = randomBytes(16).toString('hex');
    const { request } = buildSendSmsRequest(this.config.aliyun, sms, new Date(), nonce);
    const first = await this.read(request);
    if (!first.ambiguous) return first.result;
    const replay = await this.read(request);
    if (replay.ambiguous) return failed('unknown', first.reason);
    // The replay's answer is about the first attempt too: OK means the first never arrived.
    if (replay.result.ok || replay.result.kind === 'give_up') return replay.result;
    return failed('unknown', replay.result.kind === 'unknown' ? replay.result.reason : first.reason);
  }

  private async read(request: HttpRequest): Promise<Read> {
    const answer = await attempt(request, this.config.aliyun.timeoutMs);
    if (answer.kind === 'not_sent') return { ambiguous: false, result: failed('retry', answer.reason) };
    if (answer.kind === 'ambiguous') return { ambiguous: true, reason: answer.reason };
    // Business refusals come with HTTP 200, gateway refusals with 4xx/5xx: `Code` decides either way.
    const body = parseJson(answer.text) as { Code?: unknown; BizId?: unknown } | undefined;
    const code = typeof body?.Code === 'string' ? body.Code : undefined;
    if (code === 'OK') return { ambiguous: false, result: sent(String(body?.BizId ?? '')) };
    if (code === 'InternalError') return { ambiguous: true, reason: 'aliyun_InternalError' };
    if (code) return { ambiguous: false, result: failed(classifyAliyun(code), `aliyun_${code}`) };
    // No Alibaba body: a proxy's 5xx page may stand in front of a request that was processed.
    if (answer.status >= 500) return { ambiguous: true, reason: `http_${answer.status}` };
    return { ambiguous: false, result: failed('give_up', `http_${answer.status}`) };
  }
}
