import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config/config.js';
import { REDIS } from '../../infra/redis.module.js';

/** What a state remembers: who started a link (null for a sign-in) and the browser's PKCE-style challenge. */
export interface OAuthState {
  userId: string | null;
  /** base64url(SHA-256(code_verifier)); absent only for legacy callbacks (docs/providers/weibo.md). */
  challenge?: string;
}

const key = (state: string) => `weibo:state:${state}`;
const STATE_FORMAT = /^[A-Za-z0-9_-]{32}$/;

/** Weibo `state` values in Redis (no server sessions): random, short-lived, single use. */
@Injectable()
export class OAuthStateStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async issue(value: OAuthState): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    await this.redis.set(key(state), JSON.stringify(value), 'EX', this.config.weibo.stateTtlSeconds);
    return state;
  }

  /** GETDEL: a replayed state, or the second of two concurrent uses, finds nothing. */
  async consume(state: unknown): Promise<OAuthState | null> {
    if (typeof state !== 'string' || !STATE_FORMAT.test(state)) return null;
    const raw = await this.redis.getdel(key(state));
    return raw ? (JSON.parse(raw) as OAuthState) : null;
  }
}
