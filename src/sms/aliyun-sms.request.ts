import { createHash, createHmac } from 'node:crypto';
import type { AliyunSmsConfig } from '../config/config.js';
import type { HttpRequest } from './provider-http.js';

/** One SendSms call's business parameters (docs/providers/aliyun.md, "Request"). */
export interface AliyunSendSms {
  phoneNumbers: string;
  templateCode: string;
  templateParam: Record<string, string>;
  outId: string;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986 unreserved characters stay, everything else is %XY upper-case: encodeURIComponent plus `!'()*`. */
export function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `yyyy-MM-ddTHH:mm:ssZ` in UTC, no milliseconds. */
export function acsDate(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The signed SendSms request, signature V3 `ACS3-HMAC-SHA256` (docs/providers/aliyun.md, "Signature"): every
 * parameter in the query, an empty body, `host` and the `x-acs-*` headers signed. Sending these exact bytes
 * again is how an ambiguous attempt is replayed: the nonce makes a second arrival refused, not sent.
 */
export function buildSendSmsRequest(config: AliyunSmsConfig, sms: AliyunSendSms, now: Date, nonce: string) {
  const params: Record<string, string> = {
    PhoneNumbers: sms.phoneNumbers,
    SignName: config.signName,
    TemplateCode: sms.templateCode,
    TemplateParam: JSON.stringify(sms.templateParam),
    OutId: sms.outId,
  };
  const query = Object.keys(params)
    .sort()
    .map((name) => `${acsEncode(name)}=${acsEncode(params[name])}`)
    .join('&');
  const signed: Record<string, string> = {
    host: new URL(config.endpoint).host,
    'x-acs-action': 'SendSms',
    'x-acs-content-sha256': EMPTY_SHA256,
    'x-acs-date': acsDate(now),
    'x-acs-signature-nonce': nonce,
    'x-acs-version': '2017-05-25',
  };
  const names = Object.keys(signed).sort();
  const canonicalRequest = [
    'POST',
    '/',
    query,
    names.map((name) => `${name}:${signed[name].trim()}\n`).join(''),
    names.join(';'),
    EMPTY_SHA256,
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', config.accessKeySecret).update(stringToSign).digest('hex');
  const { host: _host, ...sentHeaders } = signed; // fetch sends Host from the URL itself
  const request: HttpRequest = {
    url: `${config.endpoint}/?${query}`,
    method: 'POST',
    headers: {
      ...sentHeaders,
      Authorization: `ACS3-HMAC-SHA256 Credential=${config.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`,
      Accept: 'application/json',
    },
  };
  return { request, canonicalRequest, signature };
}
