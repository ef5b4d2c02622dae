/**
 * Fake Alibaba Cloud SMS (dysmsapi SendSms, signature V3) from docs/providers/aliyun.md: it checks the exact
 * canonical request, refuses a nonce it has seen (so a byte-identical replay after a lost answer is refused,
 * not sent), validates parameters, and can inject error codes, HTTP 500, hangs and lost answers.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { checkV3, parseSendSms, type AliyunError, type AliyunTemplate, type SendSmsParams } from './aliyun-rules.js';
import { formParams, sendJson, startHttp, type FakeRequest, type RunningFake } from './http.js';
import {
  applyTransportFault,
  handleControl,
  nationalDigits,
  render,
  SmsFakeState,
  type LimitHit,
  type SmsFault,
} from './sms-fake-common.js';

export const ALIYUN_DEFAULTS = {
  accessKeyId: 'LTAI5tFakeAccessKeyId001',
  accessKeySecret: 'fake_aliyun_access_key_secret_0001',
  signName: '认证服务',
  templateCode: 'SMS_100000001',
  noticeTemplateCode: 'SMS_100000002',
} as const;

export const ALIYUN_TEMPLATES: Record<string, AliyunTemplate> = {
  [ALIYUN_DEFAULTS.templateCode]: { text: '您的验证码为${code}，请勿泄露于他人！' },
  [ALIYUN_DEFAULTS.noticeTemplateCode]: { text: '您的账号刚刚${action}。如非本人操作，请立即联系客服。' },
};

const NONCE_TTL_MS = 30 * 60_000;
const GATEWAY_STATUS: Record<string, number> = { InternalError: 500, ServiceUnavailable: 503 };
const LIMIT_MESSAGE: Record<Exclude<LimitHit, undefined>, string> = {
  cooldown: '触发分钟级流控Permits:1',
  hourly: '触发小时级流控Permits:5',
  daily: '触发天级流控Permits:10',
};

export interface AliyunFakeOptions {
  port?: number;
  secrets?: Record<string, string>;
  signName?: string;
  templates?: Record<string, AliyunTemplate>;
}

export async function startAliyunFake(options: AliyunFakeOptions = {}): Promise<RunningFake> {
  const state = new SmsFakeState();
  const nonces = new Map<string, number>();
  const ctx = {
    state,
    nonces,
    secrets: options.secrets ?? { [ALIYUN_DEFAULTS.accessKeyId]: ALIYUN_DEFAULTS.accessKeySecret },
    signName: options.signName ?? ALIYUN_DEFAULTS.signName,
    templates: options.templates ?? ALIYUN_TEMPLATES,
  };
  return startHttp(options.port ?? 0, (req, res) => {
    if (req.path === '/' && (req.method === 'POST' || req.method === 'GET')) return handleSend(req, res, ctx);
    if (!handleControl(req, res, state)) sendJson(res, 404, { error: 'not_found', path: req.path });
  });
}

type Context = {
  state: SmsFakeState;
  nonces: Map<string, number>;
  secrets: Record<string, string>;
  signName: string;
  templates: Record<string, AliyunTemplate>;
};

function handleSend(req: FakeRequest, res: ServerResponse, ctx: Context): void {
  ctx.state.requests += 1;
  const now = Date.now();
  // Pairs survive URLSearchParams' round trip exactly, and the signature covers the decoded pairs.
  const authError = checkV3({ ...req, rawQuery: req.query.toString(), secrets: ctx.secrets, now });
  if (authError) return answerError(res, authError);
  const params = formParams(req);
  const to = nationalDigits(params.get('PhoneNumbers')?.split(',')[0]?.trim() ?? '');
  const fault = ctx.state.faults.take((f) => !f.to || f.to === to);
  // A hang or a 500 page without `accept` stands for a failure in front of the gateway: the request never
  // arrived, so its nonce is not remembered and a byte-identical replay is processed as the first arrival.
  if (fault && !fault.accept && (fault.mode === 'hang' || fault.mode === 'http500'))
    return void applyTransportFault(res, fault, () => undefined);
  const nonce = String(req.headers['x-acs-signature-nonce']);
  for (const [seen, at] of ctx.nonces) if (now - at > NONCE_TTL_MS) ctx.nonces.delete(seen);
  if (ctx.nonces.has(nonce))
    return answerError(res, {
      status: 400,
      code: 'SignatureNonceUsed',
      message: 'Specified signature nonce was used already.',
    });
  ctx.nonces.set(nonce, now);
  if (req.headers['x-acs-action'] !== 'SendSms')
    return answerError(res, { status: 404, code: 'InvalidAction.NotFound', message: 'Specified api is not found.' });
  if (req.headers['x-acs-version'] !== '2017-05-25')
    return answerError(res, {
      status: 400,
      code: 'InvalidVersion',
      message: 'Specified parameter Version is not valid.',
    });
  const sms = parseSendSms(params, ctx.signName, ctx.templates);
  if ('code' in sms) return answerError(res, sms);
  if (fault) return applyFault(res, fault, () => deliver(ctx, sms, now));
  const limit = ctx.state.limitHit(to, now);
  if (limit)
    return answerError(res, { status: 200, code: 'isv.BUSINESS_LIMIT_CONTROL', message: LIMIT_MESSAGE[limit] });
  sendJson(res, 200, { RequestId: requestId(), Code: 'OK', Message: 'OK', BizId: deliver(ctx, sms, now) });
}

function applyFault(res: ServerResponse, fault: SmsFault, deliver: () => string): void {
  if (fault.mode === 'slow') {
    setTimeout(
      () => sendJson(res, 200, { RequestId: requestId(), Code: 'OK', Message: 'OK', BizId: deliver() }),
      fault.delayMs ?? 500,
    );
    return;
  }
  if (applyTransportFault(res, fault, () => void deliver())) return;
  const code = fault.code ?? (fault.mode === 'permanent' ? 'isv.BUSINESS_LIMIT_CONTROL' : 'Throttling.User');
  const business = code.startsWith('isv.') || code.startsWith('isp.');
  const message = code === 'isv.BUSINESS_LIMIT_CONTROL' ? LIMIT_MESSAGE.daily : `fake ${code}`;
  answerError(res, { status: business ? 200 : (GATEWAY_STATUS[code] ?? 400), code, message });
}

function deliver(ctx: Context, sms: SendSmsParams, now: number): string {
  const bizId = `${randomInt(1e9, 1e10)}${randomInt(1e5, 1e6)}^0`;
  const template = ctx.templates[sms.templateCode].text;
  for (const number of sms.numbers) {
    ctx.state.record({
      to: nationalDigits(number),
      signName: sms.signName,
      template: sms.templateCode,
      params: sms.params,
      ref: sms.outId,
      text: `【${sms.signName}】${render(template, sms.params)}`,
      messageId: bizId,
      receivedAt: new Date(now).toISOString(),
    });
  }
  return bizId;
}

function answerError(res: ServerResponse, error: AliyunError): void {
  const body: Record<string, string> = { RequestId: requestId(), Code: error.code, Message: error.message };
  if (error.status !== 200) body.HostId = 'dysmsapi.aliyuncs.com';
  sendJson(res, error.status, body);
}

const requestId = () => randomUUID().toUpperCase();
