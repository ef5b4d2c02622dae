/** Tencent Cloud TC3-HMAC-SHA256 and SendSms 2021-01-11 body checks, as the API applies them (docs/providers/tencent.md). */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isObject } from './http.js';
import { MAINLAND } from './sms-fake-common.js';

const AUTH =
  /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;
const WINDOW_S = 300;
export const REGIONS = new Set(['ap-guangzhou', 'ap-beijing', 'ap-nanjing']);

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

export interface Tc3Input {
  headers: IncomingHttpHeaders;
  body: string;
  secrets: Record<string, string>;
  nowSeconds: number;
}

/** Returns the `Response.Error.Code` refusing the request, or undefined when it is authentic. */
export function checkTc3({ headers, body, secrets, nowSeconds }: Tc3Input): string | undefined {
  const match = AUTH.exec(header(headers, 'authorization') ?? '');
  if (!match) return 'AuthFailure.InvalidAuthorization';
  const stamp = header(headers, 'x-tc-timestamp');
  if (!stamp) return 'MissingParameter';
  const ts = Number(stamp);
  if (!/^\d+$/.test(stamp) || Math.abs(nowSeconds - ts) > WINDOW_S) return 'AuthFailure.SignatureExpire';
  const [, secretId, date, service, signedList, signature] = match;
  const secret = secrets[secretId];
  if (secret === undefined) return 'AuthFailure.SecretIdNotFound';
  const host = header(headers, 'host') ?? '';
  const signed = signedList.split(';');
  const wellFormed =
    date === new Date(ts * 1000).toISOString().slice(0, 10) &&
    (service === 'sms' || service === host.split('.')[0]) &&
    signed.includes('content-type') &&
    signed.includes('host') &&
    [...signed].sort().join(';') === signedList &&
    signedList === signedList.toLowerCase();
  if (!wellFormed) return 'AuthFailure.SignatureFailure';
  // The Node SDK signs the host without its port while sending it with one: accept both.
  const hosts = [host, host.replace(/:\d+$/, '')];
  const ok = hosts.some((h) => sign({ headers, body, secret, date, service, signed, host: h, ts }) === signature);
  return ok ? undefined : 'AuthFailure.SignatureFailure';
}

interface SignInput {
  headers: IncomingHttpHeaders;
  body: string;
  secret: string;
  date: string;
  service: string;
  signed: string[];
  host: string;
  ts: number;
}

function sign({ headers, body, secret, date, service, signed, host, ts }: SignInput): string {
  const value = (h: string) => (h === 'host' ? host : (header(headers, h) ?? ''));
  const canonicalHeaders = signed.map((h) => `${h}:${value(h).trim().toLowerCase()}\n`).join('');
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const canonical = ['POST', '/', '', canonicalHeaders, signed.join(';'), sha(body)].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${scope}\n${sha(canonical)}`;
  const mac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const key = mac(mac(mac(`TC3${secret}`, date), service), 'tc3_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

export interface TencentTemplate {
  text: string;
  params: number;
  /** Verification-code templates take 0-6 digits per variable. */
  verification?: boolean;
}

export interface SendSmsBody {
  numbers: string[];
  signName: string;
  templateId: string;
  params: string[];
  sessionContext: string;
}

export interface AppSettings {
  sdkAppId: string;
  signName: string;
  templates: Record<string, TencentTemplate>;
}

/** Body checks in order; returns the `Response.Error.Code` refusing it. */
export function parseSendSmsBody(text: string, app: AppSettings): SendSmsBody | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'FailedOperation.JsonParseFail';
  }
  if (!isObject(body)) return 'FailedOperation.JsonParseFail';
  const numbers = body.PhoneNumberSet;
  if (numbers === undefined || (Array.isArray(numbers) && numbers.length === 0))
    return 'MissingParameter.EmptyPhoneNumberSet';
  if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'string')) return 'InvalidParameter';
  if (numbers.length > 200) return 'LimitExceeded.PhoneNumberCountLimit';
  if (numbers.some((n: string) => !MAINLAND.test(n))) return 'InvalidParameterValue.IncorrectPhoneNumber';
  if (body.SmsSdkAppId !== app.sdkAppId) return 'UnauthorizedOperation.SmsSdkAppIdVerifyFail';
  if (body.SignName !== app.signName) return 'FailedOperation.SignatureIncorrectOrUnapproved';
  const templateId = typeof body.TemplateId === 'string' ? body.TemplateId : '';
  const template = app.templates[templateId];
  if (!template) return 'FailedOperation.TemplateIncorrectOrUnapproved';
  const params = body.TemplateParamSet ?? [];
  if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) return 'InvalidParameter';
  if (params.length !== template.params) return 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate';
  if (template.verification && params.some((p: string) => !/^\d{0,6}$/.test(p)))
    return 'InvalidParameterValue.TemplateParameterFormatError';
  const sessionContext = typeof body.SessionContext === 'string' ? body.SessionContext : '';
  if (Buffer.byteLength(sessionContext) >= 512) return 'InvalidParameter';
  return {
    numbers: numbers as string[],
    signName: app.signName,
    templateId,
    params: params as string[],
    sessionContext,
  };
}
