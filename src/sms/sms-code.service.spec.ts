import { Redis } from 'ioredis';
import { SecretBox } from '../common/secret-box.js';
import { loadConfig } from '../config/config.js';
import { SmsCodeService } from './sms-code.service.js';
import { SmsJobs } from './sms-jobs.js';
import { SmsRequestStore } from './sms-request.store.js';

// The code store against the real Redis (database 14); the queue is swapped for a recorder.
const redis = new Redis('redis://127.0.0.1:6379/14');
const jobs: Array<{ data: any; opts: any }> = [];
const queue = { add: async (data: unknown, opts: unknown) => jobs.push({ data, opts }) };
const config = loadConfig({ SMS_COOLDOWN: '60', SMS_DAILY_CAP: '3', SMS_IP_HOURLY_CAP: '100', SMS_MAX_ATTEMPTS: '5' });
const box = new SecretBox(config);
const service = new SmsCodeService(redis, new SmsJobs(queue as never, config, box), config, new SmsRequestStore(redis));
const phone = () =>
  `+861${3 + Math.floor(Math.random() * 7)}${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
const lastCode = () => box.open(jobs[jobs.length - 1].data.sealedCode);

// A fresh address per run: the per-IP counters of earlier runs live on in this database for an hour.
const IP = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;

afterAll(() => redis.quit());

describe('SmsCodeService', () => {
  it('issues a 6-digit code, queues one job keyed by the request id, and stores only an HMAC', async () => {
    const p = phone();
    const issued = await service.issue(p, IP);
    expect(issued).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), expires_in: 180, resend_in: 60 });
    const job = jobs[jobs.length - 1];
    expect(job.data).toEqual({
      kind: 'code',
      requestId: issued.request_id,
      phone: p,
      sealedCode: expect.stringMatching(/^v1\./),
      ttlMinutes: 3,
    });
    expect(lastCode()).toMatch(/^\d{6}$/);
    expect(JSON.stringify(job.data)).not.toContain(lastCode());
    expect(job.opts).toMatchObject({ jobId: issued.request_id, attempts: 5, backoff: { type: 'exponential' } });
    const stored = await redis.hgetall(`sms:code:${p}`);
    expect(Object.values(stored)).not.toContain(lastCode());
  });

  it('lets exactly one of many concurrent requests for a phone through', async () => {
    const p = phone();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => service.issue(p, IP)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 429, code: 10111 });
  });

  it('verifies and consumes a correct code once', async () => {
    const p = phone();
    await service.issue(p, IP);
    const code = lastCode();
    await expect(service.verify(p, code)).resolves.toBeUndefined();
    await expect(service.verify(p, code)).rejects.toMatchObject({ code: 10112 });
  });

  it('of two concurrent correct submissions exactly one wins', async () => {
    const p = phone();
    await service.issue(p, IP);
    const code = lastCode();
    const results = await Promise.allSettled([service.verify(p, code), service.verify(p, code)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('kills the code after the configured number of wrong attempts', async () => {
    const p = phone();
    await service.issue(p, IP);
    const code = lastCode();
    const wrong = code === '999999' ? '000000' : '999999';
    for (let i = 0; i < 5; i++) await expect(service.verify(p, wrong)).rejects.toMatchObject({ code: 10112 });
    await expect(service.verify(p, code)).rejects.toMatchObject({ code: 10112 });
  });

  it('refuses past the daily cap and releases the cooldown it took', async () => {
    const p = phone();
    for (let i = 0; i < 3; i++) {
      await service.issue(p, IP);
      await redis.del(`sms:cooldown:${p}`);
    }
    await expect(service.issue(p, IP)).rejects.toMatchObject({ status: 429, reason: 'sms_daily_limit' });
    expect(await redis.exists(`sms:cooldown:${p}`)).toBe(0);
  });
});
