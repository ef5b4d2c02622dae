import { Injectable } from '@nestjs/common';
import { IdentitiesService } from '../identities/identities.service.js';
import { ProfileCache, type Profile } from '../users/profile-cache.js';
import { UsersService } from '../users/users.service.js';

/** `GET /v1/users/me`: the user and its identities, read through the profile cache. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UsersService,
    private readonly identities: IdentitiesService,
    private readonly cache: ProfileCache,
  ) {}

  async get(userId: string): Promise<Profile> {
    const cached = await this.cache.get(userId);
    if (cached) return cached;
    const profile = await this.load(userId);
    await this.cache.set(profile);
    return profile;
  }

  private async load(userId: string): Promise<Profile> {
    const [user, identities] = await Promise.all([this.users.require(userId), this.identities.listForUser(userId)]);
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
