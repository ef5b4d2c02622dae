import { createHash, createHmac } from 'node:crypto';
import type { TencentSmsConfig } from '../config/config.js';
import type { HttpRequest } from './provider-http.js';

/** SendSms 2021-01-11 body fields (docs/providers/tencent.md, "Request"). */
export interface TencentSendSms {
  phoneNumber: string;
  templateId: string;
  templateParams: string[];
  sessionContext: string;
}

const CONTENT_TYPE = 'application/json; charset=utf-8';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/**
 * The signed SendSms request, `TC3-HMAC-SHA256` (docs/providers/tencent.md, "Signature"): `content-type` and
 * `host` signed with lower-cased values, the scope's date is the timestamp's UTC date, the key chained
 * through date, service and `tc3_request` as raw bytes.
 */
export function buildTencentSendSms(config: TencentSmsConfig, sms: TencentSendSms, timestamp: number) {
  const body = JSON.stringify({
    PhoneNumberSet: [sms.phoneNumber],
    SmsSdkAppId: config.sdkAppId,
    TemplateId: sms.templateId,
    SignName: config.signName,
    TemplateParamSet: sms.templateParams,
    SessionContext: sms.sessionContext,
  });
  const host = new URL(config.endpoint).host;
  const signedHeaders = 'content-type;host';
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${CONTENT_TYPE.toLowerCase()}\nhost:${host.toLowerCase()}\n`,
    signedHeaders,
    sha256(body),
  ].join('\n');
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/sms/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonicalRequest)}`;
  const signingKey = hmac(hmac(hmac(`TC3${config.secretKey}`, date), 'sms'), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  const request: HttpRequest = {
    url: `${config.endpoint}/`,
    method: 'POST',
    headers: {
      'Content-Type': CONTENT_TYPE,
      'X-TC-Action': 'SendSms',
      'X-TC-Version': '2021-01-11',
      'X-TC-Timestamp': String(timestamp),
      'X-TC-Region': config.region,
      Authorization: `TC3-HMAC-SHA256 Credential=${config.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
    body,
  };
  return { request, canonicalRequest, signature };
}
