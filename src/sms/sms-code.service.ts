import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CaptchaPolicy } from '../captcha/captcha.policy.js';
import { AppError, fail, limited, type ErrorReason } from '../common/errors/index.js';
import { AppConfig } from '../config/config.js';
import { redisScript } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';
import { ipBuckets } from '../limits/ip-bucket.js';
import { Metrics, type SmsRefusal } from '../observability/metrics.js';
import { SmsJobs } from './sms-jobs.js';
import { smsKeys, SmsRequestStore } from './sms-request.store.js';

// One round trip decides a code request. First the captcha policy (docs/captcha.md): in `adaptive` mode the
// request is counted per IP bucket and per phone, and refused when a captcha is due and none valid came.
// Then the per-phone cooldown (SET NX: of many concurrent requests one wins), then the caps per IP bucket,
// per network (/24, /48), per phone and day, and for the whole site. A request refused by a cap gives back
// everything it counted there and its cooldown. Then the code's HMAC and the request's status. Every key
// comes in KEYS (docs/abuse.md, "SMS code requests").
const ISSUE = redisScript(`
local due = ARGV[9] == 'always'
if ARGV[9] == 'adaptive' then
  local perIp = redis.call('INCR', KEYS[8])
  if perIp == 1 then redis.call('EXPIRE', KEYS[8], 3600) end
  local perPhone = redis.call('INCR', KEYS[9])
  if perPhone == 1 then redis.call('EXPIRE', KEYS[9], 86400) end
  due = perIp > tonumber(ARGV[11]) or perPhone > tonumber(ARGV[12])
end
if due and ARGV[10] ~= '1' then return {'captcha', 0} end
if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then
  return {'cooldown', redis.call('PTTL', KEYS[1])}
end
local caps = {{KEYS[2], ARGV[3], 3600, 'ip'}, {KEYS[3], ARGV[4], 3600, 'network'},
  {KEYS[4], ARGV[5], 86400, 'daily'}, {KEYS[5], ARGV[6], 3600, 'global'}}
for i, cap in ipairs(caps) do
  local n = redis.call('INCR', cap[1])
  if n == 1 then redis.call('EXPIRE', cap[1], cap[3]) end
  if n > tonumber(cap[2]) then
    local wait = redis.call('TTL', cap[1])
    for j = 1, i do redis.call('DECR', caps[j][1]) end
    redis.call('DEL', KEYS[1])
    return {cap[4], wait}
  end
end
redis.call('HSET', KEYS[6], 'h', ARGV[7], 'a', 0)
redis.call('EXPIRE', KEYS[6], ARGV[8])
redis.call('SET', KEYS[7], '{"status":"queued"}', 'EX', 86400)
return {'ok', 0}`);

// Before comparing, count this attempt on the code and, provisionally, as a wrong guess for the phone, so
// parallel guesses can exceed neither limit; past the code's limit it dies. A phone past its wrong-guess
// limit is locked whatever the code. No live code: nothing counts (docs/abuse.md, "Code guessing").
const BEGIN_VERIFY = redisScript(`
local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
if failures >= tonumber(ARGV[2]) then return {'locked', redis.call('TTL', KEYS[2])} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'none'} end
local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
if attempts > tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return {'none'} end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
return {'code', redis.call('HGET', KEYS[1], 'h')}`);
// Consume only the code we compared against (of two concurrent correct submissions one wins), and take
// back the guess it was counted as.
const CONSUME = redisScript(`
if redis.call('HGET', KEYS[1], 'h') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('DECR', KEYS[2]) end
return 1`);

/** What the ISSUE script answers for a refused request → the client's reason. */
const REFUSALS = {
  ip: 'sms_ip_limit',
  network: 'sms_ip_limit',
  daily: 'sms_daily_limit',
  global: 'sms_global_limit',
} as const satisfies Record<Exclude<SmsRefusal, 'cooldown' | 'captcha'>, ErrorReason>;

const logger = new Logger('SmsCodes');
/** The site-wide budget's error line, at most once a minute per process. */
const GLOBAL_LOG_INTERVAL_MS = 60_000;

export interface IssuedCode {
  request_id: string;
  expires_in: number;
  resend_in: number;
}

@Injectable()
export class SmsCodeService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly smsJobs: SmsJobs,
    private readonly config: AppConfig,
    private readonly requests: SmsRequestStore,
    private readonly captcha: CaptchaPolicy,
    private readonly metrics: Metrics,
  ) {}

  private lastGlobalLog = 0;

  /**
   * Issues a code and queues its SMS, after the captcha policy (`captcha`: the client's solution, if any).
   * One SET NX per phone decides which of many concurrent requests sends.
   */
  async issue(phone: string, ip: string, captcha?: string): Promise<IssuedCode> {
    const { codeTtlSeconds, cooldownSeconds } = this.config.sms;
    const requestId = randomUUID().replaceAll('-', '');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const captchaCheck = await this.captcha.counting(phone, ip, captcha);
    const keys = [...this.limitKeys(phone, ip), smsKeys.code(phone), smsKeys.request(requestId), ...captchaCheck.keys];
    const args = [requestId, cooldownSeconds, ...this.caps(), this.digest(phone, code), codeTtlSeconds];
    const [outcome, wait] = (await ISSUE(this.redis, keys, [...args, ...captchaCheck.args])) as [
      'ok' | SmsRefusal,
      number,
    ];
    if (outcome !== 'ok') throw await this.refused(outcome, wait);
    try {
      await this.smsJobs.enqueueCode({ requestId, phone, code, ttlMinutes: Math.ceil(codeTtlSeconds / 60) });
    } catch (err) {
      await this.requests.releaseCooldown(phone, requestId);
      throw err;
    }
    return { request_id: requestId, expires_in: codeTtlSeconds, resend_in: cooldownSeconds };
  }

  /**
   * Throws `10112` unless `code` is the live code for `phone`; a correct code is consumed. Once the phone has
   * had SMS_VERIFY_MAX_FAILURES wrong guesses in SMS_VERIFY_WINDOW, 429 `sms_verify_locked`, even when right.
   */
  async verify(phone: string, code: string): Promise<void> {
    const keys = [smsKeys.code(phone), verifyFailuresKey(phone)];
    const { maxFailures, windowSeconds } = this.config.smsVerify;
    const args = [this.config.sms.maxAttempts, maxFailures, windowSeconds];
    const [outcome, value] = (await BEGIN_VERIFY(this.redis, keys, args)) as [string, string | number | undefined];
    if (outcome === 'locked') throw limited('sms_verify_locked', Number(value) > 0 ? Number(value) : windowSeconds);
    const stored = outcome === 'code' ? String(value) : null;
    if (!stored || !safeEqual(stored, this.digest(phone, code))) throw fail('sms_code_invalid');
    if ((await CONSUME(this.redis, keys, [stored])) !== 1) throw fail('sms_code_invalid');
  }

  /** The live code and cooldown of a phone that no account uses any more. */
  async forget(phone: string): Promise<void> {
    await this.redis.del(smsKeys.code(phone), smsKeys.cooldown(phone));
  }

  async status(requestId: string) {
    const status = /^[0-9a-f]{32}$/.test(requestId) ? await this.requests.get(requestId) : null;
    if (!status) throw fail('sms_request_not_found');
    return status;
  }

  /** In the ISSUE script's order: cooldown, IP bucket, network, phone per day, site per hour. */
  private limitKeys(phone: string, ip: string): string[] {
    const { address, network } = ipBuckets(ip);
    return [
      smsKeys.cooldown(phone),
      `limit:sms:ip:${address}`,
      `limit:sms:net:${network}`,
      `limit:sms:day:${phone}`,
      'limit:sms:global',
    ];
  }

  private caps(): number[] {
    const { ipHourlyCap, dailyCap } = this.config.sms;
    return [ipHourlyCap, this.config.smsNetHourlyCap, dailyCap, this.config.smsGlobalHourlyCap];
  }

  private async refused(outcome: SmsRefusal, wait: number): Promise<AppError> {
    this.metrics.smsCodeRefused(outcome);
    if (outcome === 'captcha') return this.captcha.required();
    if (outcome === 'cooldown') return limited('sms_too_frequent', Math.ceil(wait / 1000));
    if (outcome === 'global' && Date.now() - this.lastGlobalLog >= GLOBAL_LOG_INTERVAL_MS) {
      this.lastGlobalLog = Date.now();
      logger.error(`the site-wide SMS budget (SMS_GLOBAL_HOURLY_CAP=${this.config.smsGlobalHourlyCap}) is spent`);
    }
    return limited(REFUSALS[outcome], wait);
  }

  private digest(phone: string, code: string): string {
    return createHmac('sha256', this.config.sms.codeSecret).update(`${phone}:${code}`).digest('hex');
  }
}

/** Wrong guesses for one phone across its codes (SMS_VERIFY_MAX_FAILURES in SMS_VERIFY_WINDOW). */
export const verifyFailuresKey = (phone: string) => `limit:sms:verify:${phone}`;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
