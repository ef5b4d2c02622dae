/** The Alibaba and Tencent SMS fakes: signature checks, replay rules, parameter rules, notices and faults. */
import type { AliyunSmsConfig, TencentSmsConfig } from '../../src/config/config.js';
import { buildSendSmsRequest, type AliyunSendSms } from '../../src/sms/aliyun-sms.request.js';
import type { HttpRequest } from '../../src/sms/provider-http.js';
import { buildTencentSendSms, type TencentSendSms } from '../../src/sms/tencent-sms.request.js';
import { ALIYUN_DEFAULTS, startAliyunFake } from './aliyun.fake.js';
import type { RunningFake } from './http.js';
import { TENCENT_DEFAULTS, startTencentFake } from './tencent.fake.js';

type Json = Record<string, any>;

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const getJson = async (url: string): Promise<Json> => (await (await fetch(url)).json()) as Json;
const send = async (request: HttpRequest, signal?: AbortSignal) =>
  fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal });

describe('Alibaba SMS fake', () => {
  let fake: RunningFake;
  let config: AliyunSmsConfig;
  const code: AliyunSendSms = {
    phoneNumbers: '13800138000',
    templateCode: ALIYUN_DEFAULTS.templateCode,
    templateParam: { code: '123456' },
    outId: 'req-1',
  };
  let n = 0;
  const signed = (sms: AliyunSendSms = code, over: Partial<AliyunSmsConfig> = {}, at = new Date()) =>
    buildSendSmsRequest({ ...config, ...over }, sms, at, `nonce-${n++}`).request;

  beforeAll(async () => {
    fake = await startAliyunFake();
    config = { ...ALIYUN_DEFAULTS, endpoint: fake.url, timeoutMs: 500 };
  });
  afterAll(() => fake.close());
  beforeEach(() => post(`${fake.url}/_fake/reset`, {}));

  it('accepts a correctly signed SendSms, answers OK with a BizId and records the rendered message', async () => {
    const res = await send(signed());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      Code: 'OK',
      Message: 'OK',
      BizId: expect.stringMatching(/^\d+\^0$/),
    });
    const { messages } = await getJson(`${fake.url}/_fake/messages?to=13800138000`);
    expect(messages).toEqual([
      expect.objectContaining({
        to: '13800138000',
        ref: 'req-1',
        text: '【认证服务】您的验证码为123456，请勿泄露于他人！',
      }),
    ]);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch (400) quoting its StringToSign, and sends nothing', async () => {
    const res = await send(signed(code, { accessKeySecret: 'wrong' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as Json;
    expect(body.Code).toBe('SignatureDoesNotMatch');
    expect(body.Message).toContain('ACS3-HMAC-SHA256\n');
    expect((await getJson(`${fake.url}/_fake/stats`)).accepted).toBe(0);
  });

  it('refuses a tampered query: the signature covers every parameter', async () => {
    const request = signed();
    const res = await send({ ...request, url: request.url.replace('123456', '654321') });
    expect(((await res.json()) as Json).Code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a replayed nonce: the identical request again is SignatureNonceUsed, one SMS', async () => {
    const request = signed();
    expect(((await (await send(request)).json()) as Json).Code).toBe('OK');
    const replay = await send(request);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as Json).Code).toBe('SignatureNonceUsed');
    expect((await getJson(`${fake.url}/_fake/messages`)).messages).toHaveLength(1);
  });

  it.each([
    ['an unknown key', { accessKeyId: 'LTAInobody' }, new Date(), 404, 'InvalidAccessKeyId.NotFound'],
    ['a date 20 minutes off', {}, new Date(Date.now() - 20 * 60_000), 400, 'InvalidTimeStamp.Expired'],
  ])('refuses %s', async (_what, over, at, status, expected) => {
    const res = await send(signed(code, over, at));
    expect(res.status).toBe(status);
    expect(((await res.json()) as Json).Code).toBe(expected);
  });

  it.each([
    [{ ...code, phoneNumbers: '1380013800' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
    [{ ...code, templateCode: 'SMS_999' }, 'isv.SMS_TEMPLATE_ILLEGAL'],
    [{ ...code, templateParam: {} }, 'isv.TEMPLATE_MISSING_PARAMETERS'],
  ])('validates parameters with HTTP 200 business codes (%#)', async (sms, expected) => {
    const res = await send(signed(sms));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).Code).toBe(expected);
  });

  it('refuses another signature name', async () => {
    expect(((await (await send(signed(code, { signName: '别的签名' }))).json()) as Json).Code).toBe(
      'isv.SMS_SIGNATURE_ILLEGAL',
    );
  });

  it('accepts and records a notice through the notice template', async () => {
    const notice = {
      ...code,
      templateCode: ALIYUN_DEFAULTS.noticeTemplateCode,
      templateParam: { action: '修改了密码' },
    };
    expect(((await (await send(signed(notice))).json()) as Json).Code).toBe('OK');
    const { messages } = await getJson(`${fake.url}/_fake/messages?to=13800138000`);
    expect(messages[0]).toMatchObject({
      template: ALIYUN_DEFAULTS.noticeTemplateCode,
      text: '【认证服务】您的账号刚刚修改了密码。如非本人操作，请立即联系客服。',
    });
  });

  it('accept_then_hang delivers and never answers; the replay then proves the arrival', async () => {
    await post(`${fake.url}/_fake/faults`, { mode: 'accept_then_hang' });
    const request = signed();
    await expect(send(request, AbortSignal.timeout(200))).rejects.toThrow();
    expect(((await (await send(request)).json()) as Json).Code).toBe('SignatureNonceUsed');
    expect((await getJson(`${fake.url}/_fake/messages`)).messages).toHaveLength(1);
  });

  it('a hang without accept never arrived: the replay is processed as the first', async () => {
    await post(`${fake.url}/_fake/faults`, { mode: 'hang' });
    const request = signed();
    await expect(send(request, AbortSignal.timeout(200))).rejects.toThrow();
    expect(((await (await send(request)).json()) as Json).Code).toBe('OK');
    expect((await getJson(`${fake.url}/_fake/messages`)).messages).toHaveLength(1);
  });

  it('injects error codes with their status, and the per-number minute limit', async () => {
    await post(`${fake.url}/_fake/faults`, { mode: 'transient' });
    const throttled = await send(signed());
    expect([throttled.status, ((await throttled.json()) as Json).Code]).toEqual([400, 'Throttling.User']);
    await post(`${fake.url}/_fake/limits`, { cooldownMs: 60_000 });
    expect(((await (await send(signed())).json()) as Json).Code).toBe('OK');
    const limited = (await (await send(signed())).json()) as Json;
    expect(limited).toMatchObject({ Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1' });
  });
});

describe('Tencent SMS fake', () => {
  let fake: RunningFake;
  let config: TencentSmsConfig;
  const code: TencentSendSms = {
    phoneNumber: '+8613800138000',
    templateId: TENCENT_DEFAULTS.templateId,
    templateParams: ['123456', '3'],
    sessionContext: 'req-1',
  };
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (sms: TencentSendSms = code, over: Partial<TencentSmsConfig> = {}, ts = now()) =>
    buildTencentSendSms({ ...config, ...over }, sms, ts).request;
  const response = async (res: Response) => ((await res.json()) as Json).Response as Json;

  beforeAll(async () => {
    fake = await startTencentFake();
    config = { ...TENCENT_DEFAULTS, endpoint: fake.url, timeoutMs: 500 };
  });
  afterAll(() => fake.close());
  beforeEach(() => post(`${fake.url}/_fake/reset`, {}));

  it('accepts a correctly signed SendSms with one Ok entry per number and records the message', async () => {
    const res = await send(signed());
    expect(res.status).toBe(200);
    const body = await response(res);
    expect(body.SendStatusSet).toEqual([
      {
        SerialNo: expect.stringMatching(/^2640:\d+$/),
        PhoneNumber: '+8613800138000',
        Fee: 1,
        SessionContext: 'req-1',
        Code: 'Ok',
        Message: 'send success',
        IsoCode: 'CN',
      },
    ]);
    const { messages } = await getJson(`${fake.url}/_fake/messages?to=13800138000`);
    expect(messages[0]).toMatchObject({ ref: 'req-1', text: '【认证服务】您的验证码为123456，3分钟内有效。' });
  });

  it('answers every refusal with HTTP 200 and Response.Error', async () => {
    const res = await send(signed(code, { secretKey: 'wrong' }));
    expect(res.status).toBe(200);
    expect((await response(res)).Error.Code).toBe('AuthFailure.SignatureFailure');
  });

  it.each([
    ['an expired timestamp', signedAt(-400), 'AuthFailure.SignatureExpire'],
    ['an unknown SecretId', { secretId: 'AKIDnobody' }, 'AuthFailure.SecretIdNotFound'],
    ['an unknown region', { region: 'mars-1' }, 'UnsupportedRegion'],
    ['another SdkAppId', { sdkAppId: '1400999999' }, 'UnauthorizedOperation.SmsSdkAppIdVerifyFail'],
  ])('refuses %s', async (_what, over, expected) => {
    const { ts, ...rest } = over as Partial<TencentSmsConfig> & { ts?: number };
    expect((await response(await send(signed(code, rest, ts ?? now())))).Error.Code).toBe(expected);
  });

  it.each([
    [{ ...code, templateParams: ['123456'] }, 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate'],
    [{ ...code, templateParams: ['12345678', '3'] }, 'InvalidParameterValue.TemplateParameterFormatError'],
    [{ ...code, phoneNumber: '+86123' }, 'InvalidParameterValue.IncorrectPhoneNumber'],
    [{ ...code, templateId: '999' }, 'FailedOperation.TemplateIncorrectOrUnapproved'],
  ])('validates the body (%#)', async (sms, expected) => {
    expect((await response(await send(signed(sms)))).Error.Code).toBe(expected);
  });

  it('has no replay protection: the identical request sends again', async () => {
    const request = signed();
    await send(request);
    await send(request);
    expect((await getJson(`${fake.url}/_fake/messages`)).messages).toHaveLength(2);
  });

  it('accepts and records a notice through the notice template', async () => {
    const notice = { ...code, templateId: TENCENT_DEFAULTS.noticeTemplateId, templateParams: ['更换了手机号'] };
    expect((await response(await send(signed(notice)))).SendStatusSet[0].Code).toBe('Ok');
    const { messages } = await getJson(`${fake.url}/_fake/messages?to=13800138000`);
    expect(messages[0].text).toBe('【认证服务】您的账号刚刚更换了手机号。如非本人操作，请立即联系客服。');
  });

  it('puts per-number refusals in the status entry and others in Response.Error', async () => {
    await post(`${fake.url}/_fake/faults`, { mode: 'permanent' });
    await post(`${fake.url}/_fake/faults`, { mode: 'code', code: 'InternalError.Timeout' });
    const daily = await response(await send(signed()));
    expect(daily.SendStatusSet[0]).toMatchObject({ Code: 'LimitExceeded.PhoneNumberDailyLimit', SerialNo: '', Fee: 0 });
    expect((await response(await send(signed()))).Error.Code).toBe('InternalError.Timeout');
    expect((await getJson(`${fake.url}/_fake/messages`)).messages).toHaveLength(0);
  });

  it('http500 with accept delivers, then answers a 500 page', async () => {
    await post(`${fake.url}/_fake/faults`, { mode: 'http500', accept: true });
    expect((await send(signed())).status).toBe(500);
    expect((await getJson(`${fake.url}/_fake/messages`)).messages).toHaveLength(1);
  });
});

function signedAt(offsetSeconds: number) {
  return { ts: Math.floor(Date.now() / 1000) + offsetSeconds };
}
