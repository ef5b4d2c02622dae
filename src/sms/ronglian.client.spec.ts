import { buildTemplateSmsRequest, ronglianTimestamp } from './ronglian.client.js';
import { classifyRonglian } from './ronglian.errors.js';

// Fixed inputs; the expected sig and Authorization were computed independently (Python hashlib/base64)
// from the published algorithm: sig = upper(md5(sid + token + ts)), Authorization = base64(sid:ts).
const creds = {
  baseUrl: 'https://app.cloopen.com:8883',
  accountSid: 'aaf98f8944f35b6a0144f99d0ff40250',
  authToken: '0b8d9e6b1a4e2f9b5d7c3a1e0f4d2c11',
  appId: '8a216da8xxxxxxxxxxxxxxxxxxxxxxxx',
  templateId: '1',
  noticeTemplateId: '',
  timeoutMs: 5000,
};
const at = new Date('2014-04-16T06:20:30Z'); // 14:20:30 in Asia/Shanghai

describe('ronglianTimestamp', () => {
  it('formats yyyyMMddHHmmss in Asia/Shanghai whatever the host time zone', () => {
    expect(ronglianTimestamp(at)).toBe('20140416142030');
    expect(ronglianTimestamp(new Date('2023-12-31T16:00:00Z'))).toBe('20240101000000');
  });

  it('agrees with the time-zone database for Asia/Shanghai on instants across 1995–2045', () => {
    const zone = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      ...{ year: 'numeric', month: '2-digit', day: '2-digit' },
      ...{ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
    } as const);
    const viaZone = (d: Date) =>
      zone
        .formatToParts(d)
        .map((p) => (p.type === 'literal' ? '' : p.value))
        .join('');
    // 500 instants about 36.6 days apart (36.5 days and 7,919 s): every month, all hours of the day.
    for (let i = 0; i < 500; i++) {
      const d = new Date(Date.UTC(1995, 0, 1) + i * (3_153_600 + 7_919) * 1000);
      expect(ronglianTimestamp(d)).toBe(viaZone(d));
    }
  });
});

describe('buildTemplateSmsRequest', () => {
  const request = buildTemplateSmsRequest(
    creds,
    { to: '13800138000', templateId: '1', datas: ['123456', '3'], reqId: 'abc123' },
    at,
  );

  it('signs the URL with the upper-case MD5 sig', () => {
    expect(request.url).toBe(
      'https://app.cloopen.com:8883/2013-12-26/Accounts/aaf98f8944f35b6a0144f99d0ff40250/SMS/TemplateSMS?sig=8341E2C90A433D4A2E5F8E39214D5D69',
    );
  });

  it('sends Base64(sid:timestamp) as Authorization and JSON headers', () => {
    expect(request.headers).toEqual({
      Accept: 'application/json',
      'Content-Type': 'application/json;charset=utf-8',
      Authorization: 'YWFmOThmODk0NGYzNWI2YTAxNDRmOTlkMGZmNDAyNTA6MjAxNDA0MTYxNDIwMzA=',
    });
  });

  it('puts to, appId, templateId, datas and reqId in the body', () => {
    expect(JSON.parse(request.body)).toEqual({
      to: '13800138000',
      appId: creds.appId,
      templateId: '1',
      datas: ['123456', '3'],
      reqId: 'abc123',
    });
  });
});

describe('classifyRonglian (docs/providers/ronglian.md)', () => {
  it.each([
    ['000000', 'sent'],
    ['160054', 'duplicate'],
    ['111000', 'transient'],
    ['111099', 'transient'],
    ['111111', 'transient'],
    ['160000', 'transient'],
    ['160005', 'transient'],
    ['161000', 'transient'],
    ['161001', 'transient'],
    ['161006', 'transient'],
    ['161010', 'transient'],
    ['111109', 'permanent'],
    ['111106', 'permanent'],
    ['111142', 'permanent'],
    ['112310', 'permanent'],
    ['160038', 'permanent'],
    ['160040', 'permanent'],
    ['161002', 'permanent'],
    ['garbage', 'permanent'],
  ])('%s is %s', (code, outcome) => {
    expect(classifyRonglian(code)).toBe(outcome);
  });
});
