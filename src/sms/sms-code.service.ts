import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Errors } from '../common/app-error.js';
import { AppConfig } from '../config/config.js';
import { confirmReplicated, SMS_QUEUE } from '../infra/queues.js';
import { redisScript } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';
import { ipBucket } from '../limits/ip-bucket.js';
import type { SmsJob } from './sms-job.js';
import { smsKeys, SmsRequestStore } from './sms-request.store.js';

// One round trip decides a code request: the per-phone cooldown (SET NX: of many concurrent requests one
// wins), the per-IP and per-phone caps (a refused request gives its cooldown back), then the code's HMAC
// and the request's status. All keys are per phone or per IP, so this also holds with many API processes.
const ISSUE = redisScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then
  return {'cooldown', redis.call('PTTL', KEYS[1])}
end
local function over(key, cap, window)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, window) end
  return n > tonumber(cap)
end
if over(KEYS[2], ARGV[3], 3600) then redis.call('DEL', KEYS[1]) return {'sms_ip_limit', redis.call('TTL', KEYS[2])} end
if over(KEYS[3], ARGV[4], 86400) then redis.call('DEL', KEYS[1]) return {'sms_daily_limit', redis.call('TTL', KEYS[3])} end
redis.call('HSET', KEYS[4], 'h', ARGV[5], 'a', 0)
redis.call('EXPIRE', KEYS[4], ARGV[6])
redis.call('SET', KEYS[5], '{"status":"queued"}', 'EX', 86400)
return {'ok', 0}`);

// Count this attempt before comparing, so parallel guesses cannot exceed the limit; past it the code dies.
const BEGIN_VERIFY = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
if attempts > tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return false end
return redis.call('HGET', KEYS[1], 'h')`);
// Consume only the code we compared against: of two concurrent correct submissions one wins.
const CONSUME = redisScript(
  `if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
);

export interface IssuedCode {
  request_id: string;
  expires_in: number;
  resend_in: number;
}

@Injectable()
export class SmsCodeService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(SMS_QUEUE) private readonly queue: Queue<SmsJob>,
    private readonly config: AppConfig,
    private readonly requests: SmsRequestStore,
  ) {}

  /** Issues a code and queues its SMS. One SET NX per phone decides which of many concurrent requests sends. */
  async issue(phone: string, ip: string): Promise<IssuedCode> {
    const { codeTtlSeconds, cooldownSeconds, ipHourlyCap, dailyCap } = this.config.sms;
    const requestId = randomUUID().replaceAll('-', '');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const keys = [
      smsKeys.cooldown(phone),
      `limit:sms:ip:${ipBucket(ip)}`,
      `limit:sms:day:${phone}`,
      smsKeys.code(phone),
      smsKeys.request(requestId),
    ];
    const args = [requestId, cooldownSeconds, ipHourlyCap, dailyCap, this.digest(phone, code), codeTtlSeconds];
    const [outcome, wait] = (await ISSUE(this.redis, keys, args)) as [string, number];
    if (outcome === 'cooldown') throw Errors.smsTooFrequent(Math.ceil(wait / 1000));
    if (outcome !== 'ok') throw Errors.rateLimited(outcome, wait);
    try {
      await this.queue.add(
        { requestId, phone, code, ttlMinutes: Math.ceil(codeTtlSeconds / 60) },
        this.jobOptions(requestId),
      );
      await confirmReplicated(this.queue, this.config);
    } catch (err) {
      await this.requests.releaseCooldown(phone, requestId);
      throw err;
    }
    return { request_id: requestId, expires_in: codeTtlSeconds, resend_in: cooldownSeconds };
  }

  /** Throws `10112` unless `code` is the live code for `phone`; a correct code is consumed. */
  async verify(phone: string, code: string): Promise<void> {
    const key = smsKeys.code(phone);
    const stored = (await BEGIN_VERIFY(this.redis, [key], [this.config.sms.maxAttempts])) as string | null;
    const expected = this.digest(phone, code);
    if (!stored || !safeEqual(stored, expected)) throw Errors.smsCodeInvalid();
    if ((await CONSUME(this.redis, [key], [stored])) !== 1) throw Errors.smsCodeInvalid();
  }

  async status(requestId: string) {
    const status = /^[0-9a-f]{32}$/.test(requestId) ? await this.requests.get(requestId) : null;
    if (!status) throw Errors.notFound('sms_request_not_found', 'No such SMS request');
    return status;
  }

  private jobOptions(requestId: string) {
    const { retryAttempts, retryDelayMs } = this.config.sms;
    return {
      jobId: requestId,
      attempts: retryAttempts,
      backoff: { type: 'exponential', delay: retryDelayMs },
      removeOnComplete: true,
      removeOnFail: 1000,
    };
  }

  private digest(phone: string, code: string): string {
    return createHmac('sha256', this.config.sms.codeSecret).update(`${phone}:${code}`).digest('hex');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
