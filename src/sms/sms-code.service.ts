import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Errors } from '../common/app-error.js';
import { AppConfig } from '../config/config.js';
import { SMS_QUEUE } from '../infra/queues.js';
import { REDIS } from '../infra/redis.module.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import type { SmsJob } from './sms-job.js';
import { smsKeys, SmsRequestStore } from './sms-request.store.js';

// Count this attempt before comparing, so parallel guesses cannot exceed the limit; past it the code dies.
const BEGIN_VERIFY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
if attempts > tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return false end
return redis.call('HGET', KEYS[1], 'h')`;
// Consume only the code we compared against: of two concurrent correct submissions one wins.
const CONSUME = `if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

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
    private readonly limiter: RateLimiter,
    private readonly requests: SmsRequestStore,
  ) {}

  /** Issues a code and queues its SMS. One SET NX per phone decides which of many concurrent requests sends. */
  async issue(phone: string, ip: string): Promise<IssuedCode> {
    const { codeTtlSeconds, cooldownSeconds } = this.config.sms;
    const requestId = randomUUID().replaceAll('-', '');
    const won = await this.redis.set(smsKeys.cooldown(phone), requestId, 'EX', cooldownSeconds, 'NX');
    if (!won) throw Errors.smsTooFrequent(Math.ceil((await this.redis.pttl(smsKeys.cooldown(phone))) / 1000));
    try {
      await this.enforceCaps(phone, ip);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await this.redis
        .multi()
        .hset(smsKeys.code(phone), { h: this.digest(phone, code), a: 0 })
        .expire(smsKeys.code(phone), codeTtlSeconds)
        .set(smsKeys.request(requestId), JSON.stringify({ status: 'queued' }), 'EX', 86400)
        .exec();
      await this.queue.add({ requestId, phone, code, ttlMinutes: Math.ceil(codeTtlSeconds / 60) }, this.jobOptions(requestId));
    } catch (err) {
      await this.requests.releaseCooldown(phone, requestId);
      throw err;
    }
    return { request_id: requestId, expires_in: codeTtlSeconds, resend_in: cooldownSeconds };
  }

  /** Throws `10112` unless `code` is the live code for `phone`; a correct code is consumed. */
  async verify(phone: string, code: string): Promise<void> {
    const key = smsKeys.code(phone);
    const stored = (await this.redis.eval(BEGIN_VERIFY, 1, key, this.config.sms.maxAttempts)) as string | null;
    const expected = this.digest(phone, code);
    if (!stored || !safeEqual(stored, expected)) throw Errors.smsCodeInvalid();
    if ((await this.redis.eval(CONSUME, 1, key, stored)) !== 1) throw Errors.smsCodeInvalid();
  }

  async status(requestId: string) {
    const status = /^[0-9a-f]{32}$/.test(requestId) ? await this.requests.get(requestId) : null;
    if (!status) throw Errors.notFound('sms_request_not_found', 'No such SMS request');
    return status;
  }

  private async enforceCaps(phone: string, ip: string): Promise<void> {
    const { dailyCap, ipHourlyCap } = this.config.sms;
    const [perIp, perPhone] = await Promise.all([
      this.limiter.hit(`sms:ip:${ip}`, ipHourlyCap, 3600),
      this.limiter.hit(`sms:day:${phone}`, dailyCap, 86400),
    ]);
    if (!perIp.allowed) throw Errors.rateLimited('sms_ip_limit', perIp.retryAfter);
    if (!perPhone.allowed) throw Errors.rateLimited('sms_daily_limit', perPhone.retryAfter);
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
