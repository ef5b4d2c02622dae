import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import { REDIS } from '../infra/redis.module.js';

/** What a state remembers: the signed-in user who started a link, or null for a sign-in. */
export interface OAuthState {
  userId: string | null;
}

/** Why a state was refused; passport hands this to the guard as the failure's `info`. */
export interface StateFailure {
  reason: 'state_invalid' | 'link_user_mismatch';
}

type Done<T> = (err: Error | null, ok: T, info?: unknown) => void;
type WithUser = { authUser?: { id: string } };

const key = (state: string) => `weibo:state:${state}`;
const STATE_FORMAT = /^[A-Za-z0-9_-]{32}$/;

/**
 * passport-oauth2 state store in Redis (no server sessions): random, short-lived, single use.
 * `store`/`verify` keep passport's arities (3 and 4) so it hands us the request.
 */
@Injectable()
export class OAuthStateStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async issue(userId: string | null): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    const value: OAuthState = { userId };
    await this.redis.set(key(state), JSON.stringify(value), 'EX', this.config.weibo.stateTtlSeconds);
    return state;
  }

  /** GETDEL: a replayed state, or the second of two concurrent uses, finds nothing. */
  async consume(state: unknown): Promise<OAuthState | null> {
    if (typeof state !== 'string' || !STATE_FORMAT.test(state)) return null;
    const raw = await this.redis.getdel(key(state));
    return raw ? (JSON.parse(raw) as OAuthState) : null;
  }

  store(req: WithUser, _meta: unknown, done: Done<string | undefined>): void {
    this.issue(req.authUser?.id ?? null).then(
      (state) => done(null, state),
      (err: Error) => done(err, undefined),
    );
  }

  /** A state that remembers a user links only for that user's own token (stops link CSRF). */
  verify(req: WithUser, state: unknown, _meta: unknown, done: Done<OAuthState | false>): void {
    this.consume(state).then(
      (found) => {
        if (!found) return done(null, false, { reason: 'state_invalid' } satisfies StateFailure);
        if (found.userId && found.userId !== req.authUser?.id) {
          return done(null, false, { reason: 'link_user_mismatch' } satisfies StateFailure);
        }
        done(null, found, found);
      },
      (err: Error) => done(err, false),
    );
  }
}
