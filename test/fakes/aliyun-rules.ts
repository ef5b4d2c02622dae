/** Alibaba Cloud SMS signature V3 and SendSms parameter checks, as the gateway applies them (docs/providers/aliyun.md). */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isObject } from './http.js';
import { MAINLAND } from './sms-fake-common.js';

export interface AliyunError {
  status: number;
  code: string;
  message: string;
}

const err = (status: number, code: string, message: string): AliyunError => ({ status, code, message });

const AUTH = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const WINDOW_MS = 15 * 60_000;

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The query as the server re-encodes it: decoded pairs (a raw `+` reads as a space), encoded again, sorted. */
export function canonicalQuery(rawQuery: string): string {
  return [...new URLSearchParams(rawQuery)]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface V3Input {
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: string;
  secrets: Record<string, string>;
  now: number;
}

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** Checks in the gateway's order; returns the refusal, or undefined when the request is authentic. */
export function checkV3(input: V3Input): AliyunError | undefined {
  const { headers } = input;
  const match = AUTH.exec(header(headers, 'authorization') ?? '');
  if (!match) return err(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
  const date = header(headers, 'x-acs-date') ?? '';
  if (!DATE.test(date) || Number.isNaN(Date.parse(date)))
    return err(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
  if (Math.abs(input.now - Date.parse(date)) > WINDOW_MS)
    return err(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  if (!header(headers, 'x-acs-signature-nonce'))
    return err(400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.');
  const [, keyId, signedList, signature] = match;
  const secret = input.secrets[keyId];
  if (secret === undefined) return err(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  const signed = signedList.split(';');
  const mustSign = Object.keys(headers).filter((h) => h === 'host' || h === 'content-type' || h.startsWith('x-acs-'));
  const sorted = [...signed].sort().join(';') === signedList && signed.every((h) => h === h.toLowerCase());
  const bodyHash = createHash('sha256').update(input.body).digest('hex');
  const stringToSign = stringToSignOf(input, signed);
  const expected = createHmac('sha256', secret).update(stringToSign).digest('hex');
  if (
    !sorted ||
    mustSign.some((h) => !signed.includes(h)) ||
    header(headers, 'x-acs-content-sha256') !== bodyHash ||
    expected !== signature
  ) {
    return err(
      400,
      'SignatureDoesNotMatch',
      `Specified signature does not match our calculation. server StringToSign is [${stringToSign}]`,
    );
  }
  return undefined;
}

function stringToSignOf(input: V3Input, signed: string[]): string {
  const canonicalHeaders = signed.map((h) => `${h}:${(header(input.headers, h) ?? '').trim()}\n`).join('');
  const canonical = [
    input.method,
    input.path,
    canonicalQuery(input.rawQuery),
    canonicalHeaders,
    signed.join(';'),
    header(input.headers, 'x-acs-content-sha256') ?? '',
  ].join('\n');
  return `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
}

export interface AliyunTemplate {
  text: string;
}

export interface SendSmsParams {
  numbers: string[];
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  outId: string;
}

/** SendSms parameter rules; the first three are gateway errors (400), the rest business codes (HTTP 200). */
export function parseSendSms(
  params: URLSearchParams,
  signName: string,
  templates: Record<string, AliyunTemplate>,
): SendSmsParams | AliyunError {
  const phones = params.get('PhoneNumbers');
  const sign = params.get('SignName');
  const templateCode = params.get('TemplateCode');
  if (!phones) return err(400, 'MissingPhoneNumbers', 'PhoneNumbers is mandatory for this action.');
  if (!sign) return err(400, 'MissingSignName', 'SignName is mandatory for this action.');
  if (!templateCode) return err(400, 'MissingTemplateCode', 'TemplateCode is mandatory for this action.');
  const numbers = phones.split(',').map((n) => n.trim());
  if (numbers.length > 1000) return err(200, 'isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制');
  if (numbers.some((n) => !MAINLAND.test(n))) return err(200, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
  if (sign !== signName) return err(200, 'isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
  const template = templates[templateCode];
  if (!template) return err(200, 'isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
  let values: unknown = {};
  try {
    values = JSON.parse(params.get('TemplateParam') ?? '{}');
  } catch {
    return err(200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
  }
  if (!isObject(values) || Object.values(values).some((v) => typeof v !== 'string'))
    return err(200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
  const given = values as Record<string, string>;
  const needed = [...template.text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
  if (needed.some((name) => given[name] === undefined))
    return err(200, 'isv.TEMPLATE_MISSING_PARAMETERS', '模版缺少变量');
  return { numbers, signName: sign, templateCode, params: given, outId: params.get('OutId') ?? '' };
}
