import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { redisScript } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';

export interface ActivationClaim {
  userId: string;
  /** The address the code was mailed to: a code must not verify an address changed since. */
  email: string;
}

// One live code per user, so the code is kept under the user: the user's keys share the user's hash tag and
// the link's code carries the user id to find it (docs/scale-out.md).
const activationKeys = {
  code: (userId: string) => `activation:{${userId}}:code`,
  cooldown: (userId: string) => `activation:{${userId}}:cooldown`,
};

// One atomic step: the user's previous code dies (replaced), the new one lives, and the resend cooldown restarts.
const ISSUE = redisScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'e', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
return 0`);
// Single use: of concurrent activations with the live code exactly one gets the address.
const CONSUME = redisScript(`
if redis.call('HGET', KEYS[1], 'h') ~= ARGV[1] then return false end
local email = redis.call('HGET', KEYS[1], 'e')
redis.call('DEL', KEYS[1])
return email`);

const USER_ID_BYTES = 16;
const SECRET_BYTES = 32;
const digest = (secret: Buffer) => createHash('sha256').update(secret).digest('hex');

/**
 * Activation codes: the user id's 16 bytes and 32 random ones, base64url (64 characters). Redis keeps only
 * the SHA-256 of the random part, one live code per user.
 */
@Injectable()
export class ActivationStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async issue(claim: ActivationClaim, ttlSeconds: number, cooldownSeconds: number): Promise<string> {
    const secret = randomBytes(SECRET_BYTES);
    const keys = [activationKeys.code(claim.userId), activationKeys.cooldown(claim.userId)];
    await ISSUE(this.redis, keys, [digest(secret), claim.email.toLowerCase(), ttlSeconds, cooldownSeconds]);
    return Buffer.concat([Buffer.from(claim.userId.replaceAll('-', ''), 'hex'), secret]).toString('base64url');
  }

  /** The claim of a live code, spent by this call; null for any other code. */
  async consume(code: string): Promise<ActivationClaim | null> {
    const raw = Buffer.from(code, 'base64url');
    if (raw.length !== USER_ID_BYTES + SECRET_BYTES) return null;
    const userId = uuid(raw.subarray(0, USER_ID_BYTES));
    const email = await CONSUME(this.redis, [activationKeys.code(userId)], [digest(raw.subarray(USER_ID_BYTES))]);
    return typeof email === 'string' ? { userId, email } : null;
  }

  /** Kills the user's live code and its cooldown. */
  async forget(userId: string): Promise<void> {
    await this.redis.del(activationKeys.code(userId), activationKeys.cooldown(userId));
  }

  /** Starts the resend cooldown unless it runs already; returns the seconds left when it does. */
  async startCooldown(userId: string, seconds: number): Promise<number | null> {
    const key = activationKeys.cooldown(userId);
    if (await this.redis.set(key, '1', 'EX', seconds, 'NX')) return null;
    return Math.max(1, Math.ceil((await this.redis.pttl(key)) / 1000));
  }
}

function uuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
