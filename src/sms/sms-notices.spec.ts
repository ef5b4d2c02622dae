import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/config.js';
import type { JobMetrics } from '../observability/job-metrics.js';
import type { SmsJobs } from './sms-jobs.js';
import { SmsNotices } from './sms-notices.js';

const ronglian = {
  SMS_DRIVER: 'ronglian',
  RONGLIAN_ACCOUNT_SID: 'sid',
  RONGLIAN_AUTH_TOKEN: 't',
  RONGLIAN_APP_ID: 'a',
};

function notices(env: Record<string, string>, enqueue: (phone: string, notice: string) => Promise<string>) {
  const recorded: string[] = [];
  const metrics = {
    record: async (queue: string, outcome: string, reason: string) =>
      void recorded.push(`${queue}|${outcome}|${reason}`),
  };
  const jobs = { enqueueNotice: jest.fn(enqueue) };
  const service = new SmsNotices(loadConfig(env), jobs as unknown as SmsJobs, metrics as unknown as JobMetrics);
  return { service, jobs, recorded };
}

describe('SmsNotices', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('queues a notice job when the driver has a notice template', async () => {
    const { service, jobs, recorded } = notices({ ...ronglian, RONGLIAN_NOTICE_TEMPLATE_ID: '2' }, async () => 'id');
    await service.notify('+8613800138000', 'password_changed');
    expect(jobs.enqueueNotice).toHaveBeenCalledWith('+8613800138000', 'password_changed');
    expect(recorded).toEqual(['sms_notice|queued|password_changed']);
  });

  it.each([
    ['ronglian', ronglian],
    [
      'aliyun',
      {
        SMS_DRIVER: 'aliyun',
        ALIYUN_SMS_ACCESS_KEY_ID: 'k',
        ALIYUN_SMS_ACCESS_KEY_SECRET: 's',
        ALIYUN_SMS_SIGN_NAME: 'n',
        ALIYUN_SMS_TEMPLATE_CODE: 'SMS_1',
      },
    ],
    [
      'tencent',
      {
        SMS_DRIVER: 'tencent',
        TENCENT_SMS_SECRET_ID: 'i',
        TENCENT_SMS_SECRET_KEY: 'k',
        TENCENT_SMS_SDK_APP_ID: '1',
        TENCENT_SMS_SIGN_NAME: 'n',
        TENCENT_SMS_TEMPLATE_ID: '1',
      },
    ],
  ])('skips (logged and counted, nothing queued) while the %s notice template is unset', async (_driver, env) => {
    const { service, jobs, recorded } = notices(env, async () => 'id');
    await service.notify('+8613800138000', 'phone_changed');
    expect(jobs.enqueueNotice).not.toHaveBeenCalled();
    expect(recorded).toEqual(['sms_notice|skipped|phone_changed']);
    expect(Logger.prototype.log).toHaveBeenCalledWith(expect.stringContaining('skipped'));
  });

  it('never throws to the caller when the notice cannot be queued: it warns and counts a failure', async () => {
    const env = { ...ronglian, RONGLIAN_NOTICE_TEMPLATE_ID: '2' };
    const { service, recorded } = notices(env, async () => Promise.reject(new Error('redis down')));
    await expect(service.notify('+8613800138000', 'password_reset')).resolves.toBeUndefined();
    expect(recorded).toEqual(['sms_notice|failed|password_reset']);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('redis down'));
  });
});
