import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/config.js';
import { REDIS } from '../infra/redis.module.js';
import type { AuthUser } from './jwt-auth.guard.js';

const key = (token: string) => `reauth:${createHash('sha256').update(token).digest('hex')}`;
const FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Step-up `reauth_token`s (docs/security.md "Step-up re-authentication"): opaque, stored only as a hash,
 * bound to the user and the session that got them, valid for `REAUTH_TTL`. A token of an ended session is
 * never accepted, because its access token is refused before this is asked.
 */
@Injectable()
export class ReauthTokens {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async issue(user: AuthUser): Promise<{ reauth_token: string; expires_in: number }> {
    const token = randomBytes(32).toString('base64url');
    const ttl = this.config.jwt.reauthTtlSeconds;
    await this.redis.set(key(token), `${user.id}:${user.sessionId}`, 'EX', ttl);
    return { reauth_token: token, expires_in: ttl };
  }

  async isValid(token: unknown, user: AuthUser): Promise<boolean> {
    if (typeof token !== 'string' || !FORMAT.test(token)) return false;
    return (await this.redis.get(key(token))) === `${user.id}:${user.sessionId}`;
  }
}
