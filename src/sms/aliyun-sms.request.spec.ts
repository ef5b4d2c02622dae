import { webcrypto } from 'node:crypto';
import type { AliyunSmsConfig } from '../config/config.js';
import { acsEncode, buildSendSmsRequest } from './aliyun-sms.request.js';

// The worked example of docs/providers/aliyun.md ("Signature"): example keys, fixed date and nonce.
const config: AliyunSmsConfig = {
  endpoint: 'https://dysmsapi.aliyuncs.com',
  accessKeyId: 'LTAI5tExampleKeyId000001',
  accessKeySecret: 'ExampleAccessKeySecret0000000001',
  signName: '认证服务',
  templateCode: 'SMS_476500001',
  noticeTemplateCode: '',
  timeoutMs: 5000,
};
const sms = {
  phoneNumbers: '13800138000',
  templateCode: 'SMS_476500001',
  templateParam: { code: '123456' },
  outId: 'otp-7f3a2c',
};
const at = new Date('2026-01-15T08:30:00Z');
const nonce = '3c6f0b2a9d4e4f1a8b7c5d2e1f0a9b8c';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('buildSendSmsRequest (ACS3-HMAC-SHA256)', () => {
  const built = buildSendSmsRequest(config, sms, at, nonce);

  it('builds the worked example canonical request line for line', () => {
    expect(built.canonicalRequest).toBe(
      [
        'POST',
        '/',
        'OutId=otp-7f3a2c&PhoneNumbers=13800138000&SignName=%E8%AE%A4%E8%AF%81%E6%9C%8D%E5%8A%A1&TemplateCode=SMS_476500001&TemplateParam=%7B%22code%22%3A%22123456%22%7D',
        'host:dysmsapi.aliyuncs.com',
        'x-acs-action:SendSms',
        `x-acs-content-sha256:${EMPTY}`,
        'x-acs-date:2026-01-15T08:30:00Z',
        `x-acs-signature-nonce:${nonce}`,
        'x-acs-version:2017-05-25',
        '',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        EMPTY,
      ].join('\n'),
    );
  });

  it('gives the worked example signature and Authorization header', () => {
    expect(built.signature).toBe('2be139833559feed448f789ee26e31d2eaad4c7147e44dab0c05e512902bde42');
    expect(built.request.headers.Authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=LTAI5tExampleKeyId000001,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=2be139833559feed448f789ee26e31d2eaad4c7147e44dab0c05e512902bde42',
    );
    expect(built.request.url).toBe(`https://dysmsapi.aliyuncs.com/?${built.canonicalRequest.split('\n')[2]}`);
    expect(built.request.body).toBeUndefined();
  });

  it('signs host:port for an endpoint with a port (the fake)', () => {
    const local = buildSendSmsRequest({ ...config, endpoint: 'http://127.0.0.1:19106' }, sms, at, nonce);
    expect(local.canonicalRequest).toContain('\nhost:127.0.0.1:19106\n');
    expect(local.request.url.startsWith('http://127.0.0.1:19106/?OutId=')).toBe(true);
  });

  it.each([
    ['+8613800138000', "it's (a) *test*! ~ok~", '短信 验证'],
    ['13900000000', 'a+b=c&d', '{"x":"y z"}'],
  ])('matches an independent computation for %s', async (phone, outId, value) => {
    const input = { phoneNumbers: phone, templateCode: 'SMS_1', templateParam: { code: value }, outId };
    const ours = buildSendSmsRequest(config, input, at, 'n0nce');
    expect(ours.signature).toBe(await independentSignature(input, 'n0nce'));
  });
});

describe('acsEncode', () => {
  it('encodes as RFC 3986 with upper-case hex, space as %20 and + as %2B', () => {
    expect(acsEncode("a b+c!'()*~-._")).toBe('a%20b%2Bc%21%27%28%29%2A~-._');
  });
});

// Written apart from the client: byte-wise percent-encoding and WebCrypto instead of node:crypto's helpers.
function pct(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const hex = (buf: ArrayBuffer) => Buffer.from(buf).toString('hex');

async function independentSignature(
  input: { phoneNumbers: string; templateCode: string; templateParam: Record<string, string>; outId: string },
  nonceValue: string,
): Promise<string> {
  const pairs: Array<[string, string]> = [
    ['TemplateParam', JSON.stringify(input.templateParam)],
    ['PhoneNumbers', input.phoneNumbers],
    ['OutId', input.outId],
    ['SignName', config.signName],
    ['TemplateCode', input.templateCode],
  ];
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const query = pairs.map(([k, v]) => pct(k) + '=' + pct(v)).join('&');
  const headers =
    'host:dysmsapi.aliyuncs.com\nx-acs-action:SendSms\nx-acs-content-sha256:' +
    EMPTY +
    '\nx-acs-date:2026-01-15T08:30:00Z\nx-acs-signature-nonce:' +
    nonceValue +
    '\nx-acs-version:2017-05-25\n';
  const names = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';
  const canonical = 'POST\n/\n' + query + '\n' + headers + '\n' + names + '\n' + EMPTY;
  const subtle = webcrypto.subtle;
  const digest = hex(await subtle.digest('SHA-256', new TextEncoder().encode(canonical)));
  const key = await subtle.importKey(
    'raw',
    new TextEncoder().encode(config.accessKeySecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return hex(await subtle.sign('HMAC', key, new TextEncoder().encode('ACS3-HMAC-SHA256\n' + digest)));
}
