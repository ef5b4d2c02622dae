import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { deleteIfEquals } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';

/** `unknown`: the provider may or may not have sent it, and it is never re-sent blindly (docs/providers/aliyun.md). */
export type SmsStatus = 'queued' | 'sent' | 'failed' | 'unknown';

const STATUS_TTL_SECONDS = 24 * 3600;

// A phone's keys share its hash tag, an IP bucket's counters their network's, so the scripts that touch them
// together run on one Redis Cluster node (docs/scale-out.md).
export const smsKeys = {
  cooldown: (phone: string) => `sms:{${phone}}:cooldown`,
  code: (phone: string) => `sms:{${phone}}:code`,
  daily: (phone: string) => `limit:sms:{${phone}}:day`,
  verifyFailures: (phone: string) => `limit:sms:{${phone}}:verify`,
  perIp: (address: string, network: string) => `limit:sms:{net:${network}}:ip:${address}`,
  perNetwork: (network: string) => `limit:sms:{net:${network}}:net`,
  global: 'limit:sms:global',
  request: (id: string) => `sms:req:${id}`,
  attempt: (id: string) => `sms:attempt:${id}`,
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

  /** The cooldown is kept: the user may ask for a new code once it ends, never sooner. */
  async markUnknown(requestId: string, reason: string): Promise<void> {
    const value = JSON.stringify({ status: 'unknown', reason });
    await this.redis.set(smsKeys.request(requestId), value, 'EX', STATUS_TTL_SECONDS);
  }

  /**
   * Marks a send to a provider that does not de-duplicate as in flight, before calling it. False when an
   * earlier attempt of this request was never settled (a worker died mid-call): it may have been sent.
   */
  async claimAttempt(requestId: string): Promise<boolean> {
    return (await this.redis.set(smsKeys.attempt(requestId), '1', 'EX', STATUS_TTL_SECONDS, 'NX')) === 'OK';
  }

  /** Only for an attempt that provably never reached the provider, so the retry may send. */
  async releaseAttempt(requestId: string): Promise<void> {
    await this.redis.del(smsKeys.attempt(requestId));
  }

  /** Lifts only the cooldown this request set, never a newer one. */
  async releaseCooldown(phone: string, requestId: string): Promise<void> {
    await deleteIfEquals(this.redis, [smsKeys.cooldown(phone)], [requestId]);
  }

  async get(requestId: string): Promise<{ status: SmsStatus; reason?: string } | null> {
    const raw = await this.redis.get(smsKeys.request(requestId));
    return raw ? (JSON.parse(raw) as { status: SmsStatus; reason?: string }) : null;
  }
}
