import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infra/redis.module.js';

export type SmsStatus = 'queued' | 'sent' | 'failed';

const STATUS_TTL_SECONDS = 24 * 3600;
// Compare-and-delete: only lift the cooldown this request set, never a newer one.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export const smsKeys = {
  cooldown: (phone: string) => `sms:cooldown:${phone}`,
  code: (phone: string) => `sms:code:${phone}`,
  request: (id: string) => `sms:req:${id}`,
};

/** Delivery status of each code request, shared by the API (queued) and the worker (sent / failed). */
@Injectable()
export class SmsRequestStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async markSent(requestId: string): Promise<void> {
    await this.redis.set(smsKeys.request(requestId), JSON.stringify({ status: 'sent' }), 'EX', STATUS_TTL_SECONDS);
  }

  /** A request that will never be delivered also lifts its phone's cooldown so the user can ask again. */
  async markFailed(requestId: string, phone: string, reason: string): Promise<void> {
    await this.redis
      .multi()
      .set(smsKeys.request(requestId), JSON.stringify({ status: 'failed', reason }), 'EX', STATUS_TTL_SECONDS)
      .eval(RELEASE, 1, smsKeys.cooldown(phone), requestId)
      .exec();
  }

  async releaseCooldown(phone: string, requestId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, smsKeys.cooldown(phone), requestId);
  }

  async get(requestId: string): Promise<{ status: SmsStatus; reason?: string } | null> {
    const raw = await this.redis.get(smsKeys.request(requestId));
    return raw ? JSON.parse(raw) : null;
  }
}
