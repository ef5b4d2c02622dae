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

  /**
   * Counts one attempt against several limits before the guarded work runs, so parallel attempts cannot get
   * past a limit; returns the longest wait when any is over, else null. A success may `release` its attempt.
   */
  async attempt(limits: Array<{ key: string; max: number }>, windowSeconds: number): Promise<number | null> {
    const results = await Promise.all(limits.map((l) => this.hit(l.key, l.max, windowSeconds)));
    const refused = results.filter((r) => !r.allowed);
    return refused.length ? Math.max(...refused.map((r) => r.retryAfter)) : null;
  }

  /** Gives one counted hit back (an attempt that turned out fine). */
  async release(key: string): Promise<void> {
    await this.redis.decr(`limit:${key}`);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`limit:${key}`);
  }
}
