import { Injectable } from '@nestjs/common';
import { ActivationService } from '../activation/activation.service.js';
import { fail, limited } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { Profile } from '../users/profile-cache.js';
import { UsersService } from '../users/users.service.js';
import { AccountEvents } from './account-events.js';
import type { EmailChangeDto, PhoneChangeDto, ProfileUpdateDto } from './account.dto.js';
import { ProfileService } from './profile.service.js';

const PROFILE_FIELDS = ['nickname', 'avatar', 'gender', 'birthday', 'signature'] as const;
/** Each change mails the new address: a cap keeps this route from mailing arbitrary addresses at will. */
const EMAIL_CHANGES_PER_DAY = 10;

/** Changes of phone, email and profile fields of the signed-in user. */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UsersService,
    private readonly sms: SmsCodeService,
    private readonly activation: ActivationService,
    private readonly limiter: RateLimiter,
    private readonly profiles: ProfileService,
    private readonly events: AccountEvents,
  ) {}

  /** The code proves the new phone; only then is "taken" revealed (to the phone's owner). */
  async changePhone(userId: string, dto: PhoneChangeDto, meta: RequestMeta): Promise<{ phone: string }> {
    const user = await this.users.require(userId);
    const changed = user.phone !== dto.phone;
    await this.sms.verify(dto.phone, dto.verify);
    if (!changed) return { phone: dto.phone };
    await this.users.assertAvailable({ phone: dto.phone });
    await this.users.update(userId, { phone: dto.phone });
    await this.events.phoneChanged(user, meta);
    return { phone: dto.phone };
  }

  /** The new address is unverified until its activation link is used. The same address (any case) changes nothing. */
  async changeEmail(
    userId: string,
    dto: EmailChangeDto,
    meta: RequestMeta,
  ): Promise<{ email: string; email_verified: boolean }> {
    const user = await this.users.require(userId);
    if (user.email?.toLowerCase() === dto.email.toLowerCase()) {
      return { email: user.email, email_verified: user.emailVerified };
    }
    // Counted before "taken" is revealed, so the answer cannot be used to test addresses without limit.
    const daily = await this.limiter.hit(`email-change:${userId}`, EMAIL_CHANGES_PER_DAY, 86400);
    if (!daily.allowed) throw limited('email_change_limit', daily.retryAfter);
    await this.users.assertAvailable({ email: dto.email });
    await this.users.update(userId, { email: dto.email, emailVerified: false });
    await this.activation.sendActivationQuietly(userId);
    await this.events.emailChanged(user, dto.email, meta);
    return { email: dto.email, email_verified: false };
  }

  async updateProfile(userId: string, dto: ProfileUpdateDto): Promise<Profile> {
    const changes = Object.fromEntries(PROFILE_FIELDS.filter((f) => dto[f] !== undefined).map((f) => [f, dto[f]]));
    if (!Object.keys(changes).length) throw fail('nothing_to_change');
    await this.users.update(userId, changes);
    return this.profiles.get(userId);
  }
}
