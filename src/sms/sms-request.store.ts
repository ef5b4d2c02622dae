import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { deleteIfEquals } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';

export type SmsStatus = 'queued' | 'sent' | 'failed';

const STATUS_TTL_SECONDS = 24 * 3600;

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
    await Promise.all([
      this.redis.set(
        smsKeys.request(requestId),
        JSON.stringify({ status: 'failed', reason }),
        'EX',
        STATUS_TTL_SECONDS,
      ),
      this.releaseCooldown(phone, requestId),
    ]);
  }

  /** Lifts only the cooldown this request set, never a newer one. */
  async releaseCooldown(phone: string, requestId: string): Promise<void> {
    await deleteIfEquals(this.redis, [smsKeys.cooldown(phone)], [requestId]);
  }

  async get(requestId: string): Promise<{ status: SmsStatus; reason?: string } | null> {
    const raw = await this.redis.get(smsKeys.request(requestId));
    return raw ? JSON.parse(raw) : null;
  }
}
