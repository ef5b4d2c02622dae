import { webcrypto } from 'node:crypto';
import type { TencentSmsConfig } from '../config/config.js';
import { buildTencentSendSms } from './tencent-sms.request.js';

// The worked example of docs/providers/tencent.md ("Signature"): example keys, fixed timestamp.
const config: TencentSmsConfig = {
  endpoint: 'https://sms.tencentcloudapi.com',
  secretId: 'AKIDExampleSecretIdNotReal00000001',
  secretKey: 'ExampleSecretKeyNotReal000000001',
  sdkAppId: '1400123456',
  signName: '认证服务',
  templateId: '2301234',
  noticeTemplateId: '',
  region: 'ap-guangzhou',
  timeoutMs: 5000,
};
const sms = {
  phoneNumber: '+8613800138000',
  templateId: '2301234',
  templateParams: ['123456', '5'],
  sessionContext: 'otp-7f3a2c',
};
const TS = 1768465800; // 2026-01-15T08:30:00Z

describe('buildTencentSendSms (TC3-HMAC-SHA256)', () => {
  const built = buildTencentSendSms(config, sms, TS);

  it('sends the worked example body byte for byte', () => {
    expect(built.request.body).toBe(
      '{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400123456","TemplateId":"2301234","SignName":"认证服务","TemplateParamSet":["123456","5"],"SessionContext":"otp-7f3a2c"}',
    );
  });

  it('builds the worked example canonical request and signature', () => {
    expect(built.canonicalRequest).toBe(
      [
        'POST',
        '/',
        '',
        'content-type:application/json; charset=utf-8',
        'host:sms.tencentcloudapi.com',
        '',
        'content-type;host',
        'feda714d4805aad03c5906dddc1f66d78afd2c13fe7c2b2ca400738a1fba34d2',
      ].join('\n'),
    );
    expect(built.signature).toBe('29481252a1568efcb14b233a8fe86dce3059afeb7ca7ca5aa625ec0a43ea7348');
    expect(built.request.headers).toEqual({
      'Content-Type': 'application/json; charset=utf-8',
      'X-TC-Action': 'SendSms',
      'X-TC-Version': '2021-01-11',
      'X-TC-Timestamp': '1768465800',
      'X-TC-Region': 'ap-guangzhou',
      Authorization:
        'TC3-HMAC-SHA256 Credential=AKIDExampleSecretIdNotReal00000001/2026-01-15/sms/tc3_request, SignedHeaders=content-type;host, Signature=29481252a1568efcb14b233a8fe86dce3059afeb7ca7ca5aa625ec0a43ea7348',
    });
  });

  it('takes the scope date from the UTC day, not Beijing time (00:30 in Beijing is the previous UTC day)', () => {
    const lateUtc = Date.UTC(2026, 0, 15, 16, 30) / 1000;
    expect(buildTencentSendSms(config, sms, lateUtc).request.headers.Authorization).toContain('/2026-01-15/sms/');
  });

  it.each([
    ['http://127.0.0.1:19107', 1768465800],
    ['https://sms.tencentcloudapi.com', 1700000000],
  ])('matches an independent computation against %s at %d', async (endpoint, ts) => {
    const cfg = { ...config, endpoint };
    const input = { ...sms, templateParams: ['654321', '3'], sessionContext: 'a"b\\c' };
    const ours = buildTencentSendSms(cfg, input, ts);
    expect(ours.signature).toBe(await independentSignature(cfg, ours.request.body ?? '', ts));
  });
});

// Written apart from the client: WebCrypto, the host taken with a regex, the date from the day count.
const enc = (s: string) => new TextEncoder().encode(s);
const hex = (buf: ArrayBuffer) => Buffer.from(buf).toString('hex');

async function hmac(key: Uint8Array, text: string): Promise<Uint8Array> {
  const k = await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await webcrypto.subtle.sign('HMAC', k, enc(text)));
}

async function independentSignature(cfg: TencentSmsConfig, body: string, ts: number): Promise<string> {
  const host = /^https?:\/\/([^/]+)/.exec(cfg.endpoint)![1];
  const day = new Date(Math.floor(ts / 86400) * 86400 * 1000);
  const date = `${day.getUTCFullYear()}-${String(day.getUTCMonth() + 1).padStart(2, '0')}-${String(day.getUTCDate()).padStart(2, '0')}`;
  const sha = async (s: string) => hex(await webcrypto.subtle.digest('SHA-256', enc(s)));
  const canonical = `POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:${host}\n\ncontent-type;host\n${await sha(body)}`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${date}/sms/tc3_request\n${await sha(canonical)}`;
  const kDate = await hmac(enc('TC3' + cfg.secretKey), date);
  const kService = await hmac(kDate, 'sms');
  const kSigning = await hmac(kService, 'tc3_request');
  return Buffer.from(await hmac(kSigning, toSign)).toString('hex');
}
