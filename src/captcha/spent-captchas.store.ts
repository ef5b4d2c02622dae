import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infra/redis.module.js';

/** Solved challenges, kept until they expire anyway, so each is accepted once across all API processes. */
@Injectable()
export class SpentCaptchas {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Marks `id` spent for `ttlSeconds`; false when it already was. SET NX: of two concurrent uses one wins. */
  async spend(id: string, ttlSeconds: number): Promise<boolean> {
    const set = await this.redis.set(`captcha:spent:${id}`, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
    return set === 'OK';
  }
}
