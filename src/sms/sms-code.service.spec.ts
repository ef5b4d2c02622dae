import { Redis } from 'ioredis';
import { CaptchaPolicy } from '../captcha/captcha.policy.js';
import { SecretBox } from '../common/secret-box.js';
import type { AppConfig } from '../config/config.js';
import { loadConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { Metrics } from '../observability/metrics.js';
import { SmsCodeService, verifyFailuresKey } from './sms-code.service.js';
import { SmsJobs } from './sms-jobs.js';
import { SmsRequestStore } from './sms-request.store.js';

// The code store against the real Redis (database 14); the queue is swapped for a recorder.
const redis = new Redis('redis://127.0.0.1:6379/14');
const jobs: Array<{ data: any; opts: any }> = [];
const queue = { add: async (data: unknown, opts: unknown) => jobs.push({ data, opts }) };
const base = { SMS_COOLDOWN: '60', SMS_DAILY_CAP: '3', SMS_IP_HOURLY_CAP: '100', SMS_MAX_ATTEMPTS: '5' };
const metrics = new Metrics();
/** Accepts the captcha 'solved'; hands out an empty challenge. */
const verifier = {
  challenge: async () => ({ parameters: {} }),
  verify: async (payload: string) => payload === 'solved',
};
const config = loadConfig({ ...base, CAPTCHA_MODE: 'off' });
const box = new SecretBox(config);
function build(settings: AppConfig) {
  const captcha = new CaptchaPolicy(settings, new RateLimiter(redis), verifier);
  const smsJobs = new SmsJobs(queue as never, settings, box);
  return new SmsCodeService(redis, smsJobs, settings, new SmsRequestStore(redis), captcha, metrics);
}
const service = build(config);
const refusedCount = async (reason: string) =>
  (await metrics.registry.getSingleMetric('auth_sms_code_refused_total')!.get()).values.find(
    (v) => v.labels.reason === reason,
  )?.value ?? 0;
const randomNet = () => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;
// A fresh address per run: the per-IP and per-network counters in the shared database outlive a run.
const IP = `${randomNet()}.4`;
const phone = () =>
  `+861${3 + Math.floor(Math.random() * 7)}${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
const lastCode = () => box.open(jobs[jobs.length - 1].data.sealedCode);

// A fresh address per run: the per-IP counters of earlier runs live on in this database for an hour.

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

describe('SmsCodeService network and site-wide caps', () => {
  const counters = (p: string, ip: string, net: string) =>
    redis.mget(`limit:sms:ip:${ip}`, `limit:sms:net:${net}.0/24`, `limit:sms:day:${p}`);

  it('counts per IPv4 /24 across addresses; a refused request gives back all it counted', async () => {
    const limited = build(loadConfig({ ...base, CAPTCHA_MODE: 'off', SMS_NET_HOURLY_CAP: '2' }));
    const net = randomNet();
    await limited.issue(phone(), `${net}.1`);
    await limited.issue(phone(), `${net}.2`);
    const p = phone();
    const before = await refusedCount('network');
    await expect(limited.issue(p, `${net}.3`)).rejects.toMatchObject({ status: 429, reason: 'sms_ip_limit' });
    expect(await refusedCount('network')).toBe(before + 1);
    expect(await counters(p, `${net}.3`, net)).toEqual(['0', '2', null]);
    expect(await redis.exists(`sms:cooldown:${p}`, `sms:code:${p}`)).toBe(0);
    await expect(limited.issue(phone(), `${randomNet()}.3`)).resolves.toMatchObject({ expires_in: 180 });
  });

  it('refuses past the site-wide hourly budget with sms_global_limit and a Retry-After', async () => {
    await service.issue(phone(), IP); // the site counter exists and is at least 1
    const spent = build(loadConfig({ ...base, CAPTCHA_MODE: 'off', SMS_GLOBAL_HOURLY_CAP: '1' }));
    const [p, net] = [phone(), randomNet()];
    const before = await refusedCount('global');
    const refusal = await spent.issue(p, `${net}.9`).catch((err: unknown) => err);
    expect(refusal).toMatchObject({ status: 429, code: 10115, reason: 'sms_global_limit' });
    expect((refusal as { extra: { retryAfter: number } }).extra.retryAfter).toBeGreaterThan(0);
    expect(await refusedCount('global')).toBe(before + 1);
    expect(await counters(p, `${net}.9`, net)).toEqual(['0', '0', '0']);
  });

  it('counts a cooldown refusal in the metric', async () => {
    const p = phone();
    await service.issue(p, IP);
    const before = await refusedCount('cooldown');
    await expect(service.issue(p, IP)).rejects.toMatchObject({ reason: 'sms_too_frequent' });
    expect(await refusedCount('cooldown')).toBe(before + 1);
  });

  it('adaptive: counts per IP bucket in the same script and asks for a captcha past the threshold', async () => {
    const adaptive = build(loadConfig({ ...base, CAPTCHA_AFTER_PER_IP: '1', CAPTCHA_AFTER_PER_PHONE: '100' }));
    const ip = `${randomNet()}.7`;
    await adaptive.issue(phone(), ip);
    const p = phone();
    const refusal = await adaptive.issue(p, ip).catch((err: unknown) => err);
    expect(refusal).toMatchObject({
      status: 428,
      reason: 'captcha_required',
      extra: { challenge: { parameters: {} } },
    });
    expect(await redis.get(`limit:captcha:ip:${ip}`)).toBe('2');
    expect(await redis.ttl(`limit:captcha:phone:${p}`)).toBeGreaterThan(86_000);
    expect(await redis.exists(`sms:cooldown:${p}`, `sms:code:${p}`, `limit:sms:day:${p}`)).toBe(0);
    expect(await redis.get(`limit:sms:ip:${ip}`)).toBe('1');
    await expect(adaptive.issue(p, ip, 'wrong')).rejects.toMatchObject({ status: 428 });
    await expect(adaptive.issue(p, ip, 'solved')).resolves.toMatchObject({ expires_in: 180 });
  });

  it('counts a missing captcha in the metric', async () => {
    const always = build(loadConfig({ ...base, CAPTCHA_MODE: 'always' }));
    const before = await refusedCount('captcha');
    await expect(always.issue(phone(), IP)).rejects.toMatchObject({ status: 428 });
    expect(await refusedCount('captcha')).toBe(before + 1);
  });
});

describe('SmsCodeService wrong guesses across codes', () => {
  const locking = build(loadConfig({ ...base, CAPTCHA_MODE: 'off', SMS_VERIFY_MAX_FAILURES: '3' }));
  const wrongFor = (code: string) => (code === '999999' ? '000000' : '999999');

  it('locks the phone after the limit, even for the right code, until the window ends', async () => {
    const p = phone();
    await locking.issue(p, IP);
    const code = lastCode();
    for (let i = 0; i < 3; i++) await expect(locking.verify(p, wrongFor(code))).rejects.toMatchObject({ code: 10112 });
    const refusal = await locking.verify(p, code).catch((err: unknown) => err);
    expect(refusal).toMatchObject({ status: 429, code: 10115, reason: 'sms_verify_locked' });
    expect((refusal as { extra: { retryAfter: number } }).extra.retryAfter).toBeGreaterThan(86_000);
    expect(await redis.get(verifyFailuresKey(p))).toBe('3');
    expect(await redis.exists(`sms:code:${p}`)).toBe(1); // the lock spends nothing
  });

  it('counts across codes, and a right code takes back its own count', async () => {
    const p = phone();
    await locking.issue(p, IP);
    await expect(locking.verify(p, wrongFor(lastCode()))).rejects.toMatchObject({ code: 10112 });
    await expect(locking.verify(p, lastCode())).resolves.toBeUndefined();
    await redis.del(`sms:cooldown:${p}`);
    await locking.issue(p, IP);
    await expect(locking.verify(p, wrongFor(lastCode()))).rejects.toMatchObject({ code: 10112 });
    expect(await redis.get(verifyFailuresKey(p))).toBe('2');
  });

  it('counts nothing when no code is live', async () => {
    const p = phone();
    for (let i = 0; i < 5; i++) await expect(locking.verify(p, '123456')).rejects.toMatchObject({ code: 10112 });
    expect(await redis.exists(verifyFailuresKey(p))).toBe(0);
  });

  it('lets at most the limit of parallel wrong guesses through to a comparison', async () => {
    const p = phone();
    await locking.issue(p, IP);
    const wrong = wrongFor(lastCode());
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => locking.verify(p, wrong)));
    const reasons = results.map((r) => (r as PromiseRejectedResult).reason.reason as string);
    expect(reasons.filter((r) => r === 'sms_code_invalid')).toHaveLength(3);
    expect(reasons.filter((r) => r === 'sms_verify_locked')).toHaveLength(1);
  });
});
