import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { LoginGuardService } from '../auth/login-guard.service.js';
import { PasswordHasher } from '../auth/password.hasher.js';
import { SessionsService } from '../auth/sessions.service.js';
import { Errors } from '../common/app-error.js';
import type { RequestMeta } from '../common/request-context.js';
import { AppConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { PasswordResetDto } from './account.dto.js';
import { ProfileService } from './profile.service.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';

const phoneKey = (phone: string) => `reset:phone:${phone}`;
const ipKey = (ip: string) => `reset:ip:${ip}`;

/**
 * `POST /v1/users/password/reset`. The code is checked first: it is tied to the phone, so an unknown phone
 * fails there like any wrong code, and the argon2 hash runs whether or not the phone has an account.
 * Failures are limited per phone and per IP with the login limits (own counters).
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly sms: SmsCodeService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly limiter: RateLimiter,
    private readonly loginGuard: LoginGuardService,
    private readonly config: AppConfig,
    private readonly profiles: ProfileService,
    private readonly audit: AuditService,
  ) {}

  async reset(dto: PasswordResetDto, meta: RequestMeta): Promise<void> {
    await this.assertAllowed(dto.phone, meta.ip);
    try {
      await this.sms.verify(dto.phone, dto.verify);
    } catch (err) {
      await this.recordFailure(dto.phone, meta.ip);
      throw err;
    }
    const passwordHash = await this.hasher.hash(dto.password);
    const user = await this.users.findByPhone(dto.phone);
    if (!user) throw Errors.smsCodeInvalid();
    await this.db.transaction(async (m) => {
      await m.update(User, { id: user.id }, { passwordHash });
      await this.sessions.revokeAll(user.id, null, m);
    });
    await this.forgetFailures(user, dto.phone);
    await this.profiles.invalidate(user.id);
    await this.audit.record('password_reset', user.id, meta);
  }

  private async assertAllowed(phone: string, ip: string): Promise<void> {
    const { accountMaxFailures, ipMaxFailures } = this.config.login;
    const results = await Promise.all([this.limiter.check(phoneKey(phone), accountMaxFailures), this.limiter.check(ipKey(ip), ipMaxFailures)]);
    const refused = results.find((r) => !r.allowed);
    if (refused) throw Errors.rateLimited('too_many_reset_failures', refused.retryAfter);
  }

  private async recordFailure(phone: string, ip: string): Promise<void> {
    const { accountMaxFailures, ipMaxFailures, windowSeconds } = this.config.login;
    await Promise.all([
      this.limiter.hit(phoneKey(phone), accountMaxFailures, windowSeconds),
      this.limiter.hit(ipKey(ip), ipMaxFailures, windowSeconds),
    ]);
  }

  /** The guesses counted against the old password are moot once it is replaced. */
  private async forgetFailures(user: User, phone: string): Promise<void> {
    await Promise.all([this.limiter.reset(phoneKey(phone)), this.loginGuard.forget(user)]);
  }
}
