import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { IdentitiesService } from '../identities/identities.service.js';
import type { Gender } from './user.entity.js';
import { UsersService } from './users.service.js';
import { fail } from '../common/errors/index.js';

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
const key = (userId: string) => `profile:${userId}`;

/** `GET /v1/users/me`, read through the Redis cache; every change to a user calls `invalidate`. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UsersService,
    private readonly identities: IdentitiesService,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  async get(userId: string): Promise<Profile> {
    const cached = await this.cache.get<Profile>(key(userId));
    if (cached) return cached;
    const profile = await this.load(userId);
    await this.cache.set(key(userId), profile, PROFILE_TTL_MS);
    return profile;
  }

  /**
   * Deletes now and once more a moment later: a read that loaded the old row just before the change could
   * otherwise put it back into the cache for a full TTL ("delayed double delete").
   */
  async invalidate(userId: string): Promise<void> {
    await this.cache.del(key(userId));
    setTimeout(() => void this.cache.del(key(userId)).catch(() => undefined), RELOAD_WINDOW_MS).unref();
  }

  private async load(userId: string): Promise<Profile> {
    const [user, identities] = await Promise.all([
      this.users.findByAccountId(userId),
      this.identities.listForUser(userId),
    ]);
    if (!user) throw fail('account_gone');
    return {
      id: user.id,
      username: user.username,
      phone: user.phone,
      email: user.email,
      email_verified: user.emailVerified,
      has_password: Boolean(user.passwordHash),
      nickname: user.nickname,
      avatar: user.avatar,
      gender: user.gender,
      birthday: user.birthday,
      signature: user.signature,
      created_at: user.createdAt.toISOString(),
      identities: identities.map((i) => ({
        provider: i.provider,
        uid: i.providerUid,
        screen_name: i.profile.screen_name ?? null,
        bound_at: (i.boundAt ?? i.createdAt).toISOString(),
      })),
    };
  }
}
