import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import { classifyRonglian, SmsDeliveryError, type RonglianOutcome } from './ronglian.errors.js';

export interface TemplateSms {
  to: string;
  datas: string[];
  /** ≤ 32 chars, unique per account per day: Ronglian answers 160054 to a repeat instead of sending twice. */
  reqId: string;
}

export interface RonglianCredentials {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  appId: string;
  templateId: string;
}

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `yyyyMMddHHmmss` in Asia/Shanghai, whatever the host's time zone (contract §2.2). */
export function ronglianTimestamp(date: Date): string {
  const parts = Object.fromEntries(SHANGHAI.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}${parts.second}`;
}

/** Builds the TemplateSMS request exactly as the official SDKs do (contract §2.1–2.3). */
export function buildTemplateSmsRequest(creds: RonglianCredentials, sms: TemplateSms, now: Date) {
  const ts = ronglianTimestamp(now);
  const sig = createHash('md5').update(`${creds.accountSid}${creds.authToken}${ts}`).digest('hex').toUpperCase();
  return {
    url: `${creds.baseUrl}/2013-12-26/Accounts/${creds.accountSid}/SMS/TemplateSMS?sig=${sig}`,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json;charset=utf-8',
      Authorization: Buffer.from(`${creds.accountSid}:${ts}`).toString('base64'),
    },
    body: JSON.stringify({
      to: sms.to,
      appId: creds.appId,
      templateId: creds.templateId,
      datas: sms.datas,
      reqId: sms.reqId,
    }),
  };
}

/** The only code that talks to Ronglian. Resolves on success or duplicate; throws SmsDeliveryError otherwise. */
@Injectable()
export class RonglianClient {
  constructor(private readonly config: AppConfig) {}

  async send(sms: TemplateSms): Promise<RonglianOutcome> {
    const { url, headers, body } = buildTemplateSmsRequest(this.config.ronglian, sms, new Date());
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.config.ronglian.timeoutMs),
      });
    } catch (err) {
      throw new SmsDeliveryError(true, `network: ${(err as Error).name}`);
    }
    const statusCode = parseStatusCode(await response.text());
    if (!statusCode)
      throw new SmsDeliveryError(response.status >= 500 || response.status === 429, `http_${response.status}`);
    const outcome = classifyRonglian(statusCode);
    if (outcome === 'sent' || outcome === 'duplicate') return outcome;
    throw new SmsDeliveryError(outcome === 'transient', `ronglian_${statusCode}`);
  }
}

/** Ronglian puts the result in the body whatever the HTTP status; `statusCode` is a string (§2.4). */
function parseStatusCode(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as { statusCode?: unknown }).statusCode;
    return value === undefined || value === null ? undefined : String(value);
  } catch {
    return undefined;
  }
}
