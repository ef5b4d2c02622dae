import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../common/request-context.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { ActivationService } from '../mail/activation.service.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { EmailChangeDto, PhoneChangeDto, ProfileUpdateDto } from './account.dto.js';
import { ProfileService, type Profile } from './profile.service.js';
import { User } from './user.entity.js';
import { mapUniqueViolation, UsersService } from './users.service.js';
import { fail, limited } from '../common/errors/index.js';

const PROFILE_FIELDS = ['nickname', 'avatar', 'gender', 'birthday', 'signature'] as const;
/** Each change mails the new address: a cap keeps this route from mailing arbitrary addresses at will. */
const EMAIL_CHANGES_PER_DAY = 10;

const logger = new Logger('AccountService');

/** Changes of phone, email and profile fields of the signed-in user. */
@Injectable()
export class AccountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly sms: SmsCodeService,
    private readonly activation: ActivationService,
    private readonly limiter: RateLimiter,
    private readonly profiles: ProfileService,
    private readonly audit: AuditService,
  ) {}

  /** The code proves the new phone; only then is "taken" revealed (to the phone's owner). */
  async changePhone(userId: string, dto: PhoneChangeDto, meta: RequestMeta): Promise<{ phone: string }> {
    const user = await this.current(userId);
    const changed = user.phone !== dto.phone;
    await this.sms.verify(dto.phone, dto.verify);
    if (changed) await this.users.assertAvailable({ phone: dto.phone });
    if (!changed) return { phone: dto.phone };
    await this.write(userId, { phone: dto.phone });
    await this.audit.record('phone_changed', userId, meta);
    return { phone: dto.phone };
  }

  /** The new address is unverified until its activation link is used. The same address (any case) changes nothing. */
  async changeEmail(
    userId: string,
    dto: EmailChangeDto,
    meta: RequestMeta,
  ): Promise<{ email: string; email_verified: boolean }> {
    const user = await this.current(userId);
    if (user.email?.toLowerCase() === dto.email.toLowerCase())
      return { email: user.email, email_verified: user.emailVerified };
    // Counted before "taken" is revealed, so the answer cannot be used to test addresses without limit.
    const daily = await this.limiter.hit(`email-change:${userId}`, EMAIL_CHANGES_PER_DAY, 86400);
    if (!daily.allowed) throw limited('email_change_limit', daily.retryAfter);
    await this.users.assertAvailable({ email: dto.email });
    await this.write(userId, { email: dto.email, emailVerified: false });
    // The change stands either way; a mail that could not be queued is asked for again with /me/activation.
    await this.activation
      .sendActivation(userId)
      .catch((err: Error) => logger.warn(`activation mail not queued: ${err.message}`));
    await this.audit.record('email_changed', userId, meta);
    return { email: dto.email, email_verified: false };
  }

  async updateProfile(userId: string, dto: ProfileUpdateDto): Promise<Profile> {
    const changes = Object.fromEntries(PROFILE_FIELDS.filter((f) => dto[f] !== undefined).map((f) => [f, dto[f]]));
    if (!Object.keys(changes).length) throw fail('nothing_to_change');
    await this.write(userId, changes);
    return this.profiles.get(userId);
  }

  private async current(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw fail('account_gone');
    return user;
  }

  /** A lost race for a phone or email is a 409 from the unique index; the profile cache is dropped after. */
  private async write(userId: string, changes: Partial<User>): Promise<void> {
    let affected: number | undefined;
    try {
      ({ affected } = await this.db.getRepository(User).update({ id: userId }, changes));
    } catch (err) {
      throw mapUniqueViolation(err);
    }
    if (!affected) throw fail('account_gone');
    await this.profiles.invalidate(userId);
  }
}
