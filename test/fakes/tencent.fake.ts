/**
 * Fake Tencent Cloud SMS (SendSms 2021-01-11, TC3-HMAC-SHA256) from docs/providers/tencent.md: every answer is
 * HTTP 200 `{Response}`, refusals come in `Response.Error` or in a number's `SendStatusSet` entry, and there is
 * no replay protection: a resend sends again. Faults: error codes, HTTP 500, hangs and lost answers.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, startHttp, type FakeRequest, type RunningFake } from './http.js';
import {
  applyTransportFault,
  handleControl,
  nationalDigits,
  render,
  SmsFakeState,
  type LimitHit,
  type SmsFault,
} from './sms-fake-common.js';
import { checkTc3, parseSendSmsBody, REGIONS, type AppSettings, type SendSmsBody } from './tencent-rules.js';

export const TENCENT_DEFAULTS = {
  secretId: 'AKIDFakeSecretId0000000000000001',
  secretKey: 'fake_tencent_secret_key_00000001',
  sdkAppId: '1400000001',
  signName: '认证服务',
  templateId: '100001',
  noticeTemplateId: '100002',
  region: 'ap-guangzhou',
} as const;

export const TENCENT_TEMPLATES: AppSettings['templates'] = {
  [TENCENT_DEFAULTS.templateId]: { text: '您的验证码为{1}，{2}分钟内有效。', params: 2, verification: true },
  [TENCENT_DEFAULTS.noticeTemplateId]: { text: '您的账号刚刚{1}。如非本人操作，请立即联系客服。', params: 1 },
};

const LIMIT_CODE: Record<Exclude<LimitHit, undefined>, string> = {
  cooldown: 'LimitExceeded.PhoneNumberThirtySecondLimit',
  hourly: 'LimitExceeded.PhoneNumberOneHourLimit',
  daily: 'LimitExceeded.PhoneNumberDailyLimit',
};

export interface TencentFakeOptions {
  port?: number;
  secrets?: Record<string, string>;
  app?: AppSettings;
}

type Context = { state: SmsFakeState; secrets: Record<string, string>; app: AppSettings };

export async function startTencentFake(options: TencentFakeOptions = {}): Promise<RunningFake> {
  const ctx: Context = {
    state: new SmsFakeState(),
    secrets: options.secrets ?? { [TENCENT_DEFAULTS.secretId]: TENCENT_DEFAULTS.secretKey },
    app: options.app ?? { ...TENCENT_DEFAULTS, templates: TENCENT_TEMPLATES },
  };
  return startHttp(options.port ?? 0, (req, res) => {
    if (req.path === '/' && req.method === 'POST') return handleSend(req, res, ctx);
    if (!handleControl(req, res, ctx.state)) sendJson(res, 404, { error: 'not_found', path: req.path });
  });
}

function handleSend(req: FakeRequest, res: ServerResponse, ctx: Context): void {
  ctx.state.requests += 1;
  const now = Date.now();
  const refusal = checkRequest(req, ctx, now);
  if (refusal) return answerError(res, refusal);
  const sms = parseSendSmsBody(req.body, ctx.app);
  if (typeof sms === 'string') return answerError(res, sms);
  const to = nationalDigits(sms.numbers[0]);
  const fault = ctx.state.faults.take((f) => !f.to || f.to === to);
  if (fault) return applyFault(res, fault, sms, () => statuses(ctx, sms, now));
  sendJson(res, 200, { Response: { SendStatusSet: statuses(ctx, sms, now), RequestId: randomUUID() } });
}

function checkRequest(req: FakeRequest, ctx: Context, now: number): string | undefined {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return 'InvalidParameter';
  const auth = checkTc3({
    headers: req.headers,
    body: req.body,
    secrets: ctx.secrets,
    nowSeconds: Math.floor(now / 1000),
  });
  if (auth) return auth;
  if (req.headers['x-tc-action'] !== 'SendSms') return 'InvalidAction';
  if (req.headers['x-tc-version'] !== '2021-01-11') return 'NoSuchVersion';
  const region = req.headers['x-tc-region'];
  if (!region) return 'MissingParameter';
  return REGIONS.has(String(region)) ? undefined : 'UnsupportedRegion';
}

/** Per-number results: the frequency knobs refuse a number, the others are delivered. */
function statuses(ctx: Context, sms: SendSmsBody, now: number) {
  return sms.numbers.map((number) => {
    const to = nationalDigits(number);
    const code = limitCode(ctx.state.limitHit(to, now));
    const phone = `+86${to}`;
    if (code) return refusedEntry(number, sms, code);
    const serialNo = `2640:${randomInt(1e9, 1e10)}${randomInt(1e9, 1e10)}${randomInt(1e8, 1e9 - 1)}`;
    const text = `【${sms.signName}】${render(ctx.app.templates[sms.templateId].text, toNamed(sms.params))}`;
    ctx.state.record({
      to,
      signName: sms.signName,
      template: sms.templateId,
      params: toNamed(sms.params),
      ref: sms.sessionContext,
      text,
      messageId: serialNo,
      receivedAt: new Date(now).toISOString(),
    });
    const fee = Math.max(1, Math.ceil([...text].length / 67));
    return {
      SerialNo: serialNo,
      PhoneNumber: phone,
      Fee: fee,
      SessionContext: sms.sessionContext,
      Code: 'Ok',
      Message: 'send success',
      IsoCode: 'CN',
    };
  });
}

const limitCode = (hit: LimitHit) => (hit ? LIMIT_CODE[hit] : undefined);
const toNamed = (params: string[]) => Object.fromEntries(params.map((p, i) => [String(i + 1), p]));
const PER_NUMBER = /^(LimitExceeded\.PhoneNumber(?!CountLimit)|FailedOperation\.PhoneNumberInBlacklist)/;

function applyFault(res: ServerResponse, fault: SmsFault, sms: SendSmsBody, deliver: () => unknown): void {
  if (fault.mode === 'slow') {
    setTimeout(
      () => sendJson(res, 200, { Response: { SendStatusSet: deliver(), RequestId: randomUUID() } }),
      fault.delayMs ?? 500,
    );
    return;
  }
  if (applyTransportFault(res, fault, () => void deliver())) return;
  const code =
    fault.code ?? (fault.mode === 'permanent' ? 'LimitExceeded.PhoneNumberDailyLimit' : 'RequestLimitExceeded');
  const where = fault.where ?? (PER_NUMBER.test(code) ? 'status' : 'response');
  if (where === 'response') return answerError(res, code);
  const refused = sms.numbers.map((number) => refusedEntry(number, sms, code));
  sendJson(res, 200, { Response: { SendStatusSet: refused, RequestId: randomUUID() } });
}

function refusedEntry(number: string, sms: SendSmsBody, code: string) {
  const phone = `+86${nationalDigits(number)}`;
  const { sessionContext } = sms;
  return {
    SerialNo: '',
    PhoneNumber: phone,
    Fee: 0,
    SessionContext: sessionContext,
    Code: code,
    Message: `fake ${code}`,
    IsoCode: 'CN',
  };
}

function answerError(res: ServerResponse, code: string): void {
  sendJson(res, 200, { Response: { Error: { Code: code, Message: `fake ${code}` }, RequestId: randomUUID() } });
}
