import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/config.js';
import { REDIS } from '../infra/redis.module.js';

const key = (sessionId: string) => `session:revoked:${sessionId}`;

/**
 * Ended sessions, as Redis markers every API instance reads on each authenticated request, so an access token
 * dies with its session at once (docs/security.md "Sessions end at once"). A marker only has to outlive the
 * access tokens already issued for that session.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async mark(sessionIds: string[]): Promise<void> {
    if (!sessionIds.length) return;
    const ttl = this.config.jwt.accessTtlSeconds + 60;
    await Promise.all(sessionIds.map((id) => this.redis.set(key(id), '1', 'EX', ttl)));
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(key(sessionId))) === 1;
  }
}
