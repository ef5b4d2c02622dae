import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { Gender } from './user.entity.js';

/** The `GET /v1/users/me` view of an account (docs/api.md). */
export interface Profile {
  id: string;
  username: string;
  phone: string | null;
  email: string | null;
  email_verified: boolean;
  has_password: boolean;
  nickname: string | null;
  avatar: string | null;
  gender: Gender | null;
  birthday: string | null;
  signature: string | null;
  created_at: string;
  identities: Array<{ provider: string; uid: string; screen_name: string | null; bound_at: string }>;
}

const PROFILE_TTL_MS = 60_000;
/** Longer than a profile load (two primary-key reads) takes. */
const RELOAD_WINDOW_MS = 1_000;
// `v2`: stored as plain JSON (src/infra/cache.ts); Keyv's default format before used other keys, so during a
// rolling deploy old and new instances never read each other's entries.
const key = (userId: string) => `profile:v2:${userId}`;

/** The Redis copy of each profile. Every write to a user or its identities ends in `invalidate`. */
@Injectable()
export class ProfileCache {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  get(userId: string): Promise<Profile | undefined> {
    return this.cache.get<Profile>(key(userId));
  }

  async set(profile: Profile): Promise<void> {
    await this.cache.set(key(profile.id), profile, PROFILE_TTL_MS);
  }

  /**
   * Deletes now and once more a moment later: a read that loaded the old row just before the change could
   * otherwise put it back into the cache for a full TTL ("delayed double delete").
   */
  async invalidate(userId: string): Promise<void> {
    await this.cache.del(key(userId));
    setTimeout(() => void this.cache.del(key(userId)).catch(() => undefined), RELOAD_WINDOW_MS).unref();
  }
}
