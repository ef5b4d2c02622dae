import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import { redisScript } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';
import { ipBucket } from '../limits/ip-bucket.js';
import { SmsJobs } from './sms-jobs.js';
import { smsKeys, SmsRequestStore } from './sms-request.store.js';
import { fail, limited, type ErrorReason } from '../common/errors/index.js';

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
    private readonly smsJobs: SmsJobs,
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
    if (outcome === 'cooldown') throw limited('sms_too_frequent', Math.ceil(wait / 1000));
    if (outcome !== 'ok') throw limited(outcome as ErrorReason, wait);
    try {
      await this.smsJobs.enqueueCode({ requestId, phone, code, ttlMinutes: Math.ceil(codeTtlSeconds / 60) });
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
    if (!stored || !safeEqual(stored, expected)) throw fail('sms_code_invalid');
    if ((await CONSUME(this.redis, [key], [stored])) !== 1) throw fail('sms_code_invalid');
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

  private digest(phone: string, code: string): string {
    return createHmac('sha256', this.config.sms.codeSecret).update(`${phone}:${code}`).digest('hex');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
