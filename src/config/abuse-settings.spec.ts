import { loadConfig } from './config.js';

describe('abuse settings', () => {
  it('default to 20 wrong codes a day per phone and 200 WeChat logins an hour per IP', () => {
    const config = loadConfig({});
    expect(config.smsVerify).toEqual({ maxFailures: 20, windowSeconds: 86_400 });
    expect(config.wechatLoginIpHourlyCap).toBe(200);
    expect(config).toMatchObject({ smsNetHourlyCap: 100, smsGlobalHourlyCap: 10_000 });
  });

  it('read SMS_VERIFY_MAX_FAILURES, SMS_VERIFY_WINDOW and WECHAT_LOGIN_IP_HOURLY_CAP', () => {
    const config = loadConfig({
      SMS_VERIFY_MAX_FAILURES: '5',
      SMS_VERIFY_WINDOW: '3600',
      WECHAT_LOGIN_IP_HOURLY_CAP: '7',
    });
    expect(config.smsVerify).toEqual({ maxFailures: 5, windowSeconds: 3600 });
    expect(config.wechatLoginIpHourlyCap).toBe(7);
  });

  it.each([
    ['SMS_VERIFY_MAX_FAILURES', '0'],
    ['SMS_VERIFY_WINDOW', '10'],
    ['WECHAT_LOGIN_IP_HOURLY_CAP', 'many'],
  ])('refuse %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
