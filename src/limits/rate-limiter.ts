import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { redisScript } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';

// Fixed window: INCR, and start the window on the first hit. Atomic, so concurrent hits all count.
const HIT = redisScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {n, ttl}`);

export interface LimitResult {
  allowed: boolean;
  count: number;
  retryAfter: number;
}

/** Counters in Redis, so every API process behind a load balancer shares them. */
@Injectable()
export class RateLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async hit(key: string, max: number, windowSeconds: number): Promise<LimitResult> {
    const [count, ttl] = (await HIT(this.redis, [`limit:${key}`], [windowSeconds])) as [number, number];
    return { allowed: count <= max, count, retryAfter: ttl > 0 ? ttl : windowSeconds };
  }

  /** Over the limit already? (Reads without counting.) */
  async check(key: string, max: number): Promise<LimitResult> {
    const [count, ttl] = await Promise.all([this.redis.get(`limit:${key}`), this.redis.ttl(`limit:${key}`)]);
    const n = Number(count ?? 0);
    return { allowed: n < max, count: n, retryAfter: ttl > 0 ? ttl : 1 };
  }

  /** Gives one counted hit back (an attempt that turned out fine). */
  async release(key: string): Promise<void> {
    await this.redis.decr(`limit:${key}`);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`limit:${key}`);
  }
}
