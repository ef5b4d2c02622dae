import { createHmac, createSecretKey, randomInt, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CaptchaPolicy } from '../captcha/captcha.policy.js';
import { AppError, fail, limited, type ErrorReason } from '../common/errors/index.js';
import { AppConfig } from '../config/config.js';
import { redisScript } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';
import { Metrics, type SmsRefusal } from '../observability/metrics.js';
import { issueAtOnce, issueInSteps, type IssueRequest } from './sms-issue.js';
import { SmsJobs } from './sms-jobs.js';
import { smsKeys, SmsRequestStore } from './sms-request.store.js';

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

/** What the issue scripts answer for a refused request → the client's reason. */
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
  ) {
    this.codeKey = createSecretKey(Buffer.from(config.sms.codeSecret));
  }

  /** Imported once: an HMAC keyed by a string imports the key on every call (docs/performance.md). */
  private readonly codeKey: KeyObject;
  private lastGlobalLog = 0;

  /**
   * Issues a code and queues its SMS, after the captcha policy (`captcha`: the client's solution, if any).
   * One SET NX per phone decides which of many concurrent requests sends.
   */
  async issue(phone: string, ip: string, captcha?: string): Promise<IssuedCode> {
    const { codeTtlSeconds, cooldownSeconds } = this.config.sms;
    const requestId = randomUUID().replaceAll('-', '');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const request: IssueRequest = {
      phone,
      ip,
      requestId,
      cooldownSeconds,
      codeTtlSeconds,
      digest: this.digest(phone, code),
      caps: this.caps(),
      captcha: await this.captcha.counting(phone, ip, captcha),
    };
    // One script where one server holds every key; on a Cluster one step per hash tag (docs/scale-out.md).
    const decide = this.config.redis.mode === 'cluster' ? issueInSteps : issueAtOnce;
    const [outcome, wait] = await decide(this.redis, request);
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

  private caps(): IssueRequest['caps'] {
    const { ipHourlyCap, dailyCap } = this.config.sms;
    return {
      ip: ipHourlyCap,
      network: this.config.smsNetHourlyCap,
      daily: dailyCap,
      global: this.config.smsGlobalHourlyCap,
    };
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
    return createHmac('sha256', this.codeKey).update(`${phone}:${code}`).digest('hex');
  }
}

/** Wrong guesses for one phone across its codes (SMS_VERIFY_MAX_FAILURES in SMS_VERIFY_WINDOW). */
export const verifyFailuresKey = smsKeys.verifyFailures;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
