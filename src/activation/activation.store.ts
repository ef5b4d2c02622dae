import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { deleteIfEquals, redisScript } from '../infra/redis-script.js';
import { REDIS } from '../infra/redis.module.js';

export interface ActivationClaim {
  userId: string;
  /** The address the code was mailed to: a code must not verify an address changed since. */
  email: string;
}

const CODE_PREFIX = 'activation:code:';
const activationKeys = {
  code: (hash: string) => `${CODE_PREFIX}${hash}`,
  user: (userId: string) => `activation:user:${userId}`,
  cooldown: (userId: string) => `activation:cooldown:${userId}`,
};

// One atomic step: the user's previous code dies, the new one lives, and the resend cooldown restarts.
const ISSUE = redisScript(`
local old = redis.call('GET', KEYS[2])
if old then redis.call('DEL', ARGV[5] .. old) end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[4])`);

const digest = (code: string) => createHash('sha256').update(code).digest('hex');

/** Activation codes: 32 random bytes, kept in Redis only as their SHA-256, one live code per user. */
@Injectable()
export class ActivationStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async issue(claim: ActivationClaim, ttlSeconds: number, cooldownSeconds: number): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const hash = digest(code);
    const payload = JSON.stringify({ u: claim.userId, e: claim.email.toLowerCase() });
    const keys = [activationKeys.code(hash), activationKeys.user(claim.userId), activationKeys.cooldown(claim.userId)];
    await ISSUE(this.redis, keys, [hash, payload, ttlSeconds, cooldownSeconds, CODE_PREFIX]);
    return code;
  }

  /** Single use: GETDEL lets exactly one of concurrent activations have the claim. */
  async consume(code: string): Promise<ActivationClaim | null> {
    const hash = digest(code);
    const raw = await this.redis.getdel(activationKeys.code(hash));
    if (!raw) return null;
    const { u, e } = JSON.parse(raw) as { u: string; e: string };
    await deleteIfEquals(this.redis, [activationKeys.user(u)], [hash]);
    return { userId: u, email: e };
  }

  /** Kills the user's live code and its cooldown. */
  async forget(userId: string): Promise<void> {
    const keys = [activationKeys.user(userId), activationKeys.cooldown(userId)];
    const hash = await this.redis.get(activationKeys.user(userId));
    if (hash) keys.push(activationKeys.code(hash));
    await this.redis.del(...keys);
  }

  /** Starts the resend cooldown unless it runs already; returns the seconds left when it does. */
  async startCooldown(userId: string, seconds: number): Promise<number | null> {
    const key = activationKeys.cooldown(userId);
    if (await this.redis.set(key, '1', 'EX', seconds, 'NX')) return null;
    return Math.max(1, Math.ceil((await this.redis.pttl(key)) / 1000));
  }
}
