import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { Mails } from '../mail/mails.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { ActivationStore } from './activation.store.js';
import { fail, limited } from '../common/errors/index.js';

const CODE_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const DAILY_RESENDS = 10;
const logger = new Logger('Activation');

@Injectable()
export class ActivationService {
  constructor(
    private readonly mails: Mails,
    private readonly config: AppConfig,
    private readonly store: ActivationStore,
    private readonly limiter: RateLimiter,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Queues an activation mail to the user's email, and kills any earlier code. For flows that just created
   * or changed an account; does nothing (false) when there is no email or it is verified already.
   */
  async sendActivation(userId: string): Promise<boolean> {
    const user = await this.users.findById(userId);
    if (!user?.email || user.emailVerified) return false;
    await this.queueMail(user, user.email);
    return true;
  }

  /** For flows whose change stands either way: a mail that could not be queued is asked for again later. */
  async sendActivationQuietly(userId: string): Promise<void> {
    await this.sendActivation(userId).catch((err: Error) => logger.warn(`activation mail not queued: ${err.message}`));
  }

  /** The pending code and cooldown of a deleted account. */
  forget(userId: string): Promise<void> {
    return this.store.forget(userId);
  }

  /** `POST /v1/users/me/activation`. */
  async resend(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw fail('account_gone');
    if (!user.email) throw fail('email_missing');
    if (user.emailVerified) throw fail('email_already_verified');
    const wait = await this.store.startCooldown(userId, this.config.mail.resendCooldownSeconds);
    if (wait !== null) throw limited('activation_resend_too_frequent', wait);
    const daily = await this.limiter.hit(`activation:day:${userId}`, DAILY_RESENDS, 86400);
    if (!daily.allowed) throw limited('activation_daily_limit', daily.retryAfter);
    await this.queueMail(user, user.email);
  }

  /** `GET /v1/users/activation?code=`: the code is spent whatever happens next. */
  async activate(code: unknown): Promise<{ username: string; email_verified: true }> {
    if (typeof code !== 'string' || !CODE_FORMAT.test(code)) throw fail('activation_code_invalid');
    const claim = await this.store.consume(code);
    if (!claim) throw fail('activation_code_invalid');
    const username = await this.users.markEmailVerified(claim.userId, claim.email);
    if (!username) throw fail('activation_code_invalid');
    await this.audit.record('email_verified', claim.userId, null);
    return { username, email_verified: true };
  }

  private async queueMail(user: User, email: string): Promise<void> {
    const { activationTtlSeconds, resendCooldownSeconds } = this.config.mail;
    const code = await this.store.issue({ userId: user.id, email }, activationTtlSeconds, resendCooldownSeconds);
    await this.mails.activation(email, user.username, code);
  }
}
