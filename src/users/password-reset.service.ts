import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { LoginGuardService } from '../auth/login-guard.service.js';
import { PasswordHasher } from '../auth/password.hasher.js';
import { SessionsService } from '../auth/sessions.service.js';
import type { RequestMeta } from '../common/request-context.js';
import { AppConfig } from '../config/config.js';
import { ipBucket } from '../limits/ip-bucket.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { PasswordResetDto } from './account.dto.js';
import { ProfileService } from './profile.service.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';
import { fail, limited } from '../common/errors/index.js';

const phoneKey = (phone: string) => `reset:phone:${phone}`;
const ipKey = (ip: string) => `reset:ip:${ipBucket(ip)}`;

/**
 * `POST /v1/users/password/reset`. The code is checked first: it is tied to the phone, so an unknown phone
 * fails there like any wrong code, and the argon2 hash runs whether or not the phone has an account.
 * Attempts are counted per phone and per IP (the login limits, own counters) before the code is tried, so
 * parallel guesses cannot get past them; a successful reset clears them.
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
    const { accountMaxFailures, ipMaxFailures, windowSeconds } = this.config.login;
    const limits = [
      { key: phoneKey(dto.phone), max: accountMaxFailures },
      { key: ipKey(meta.ip), max: ipMaxFailures },
    ];
    const wait = await this.limiter.attempt(limits, windowSeconds);
    if (wait !== null) throw limited('too_many_reset_failures', wait);
    await this.sms.verify(dto.phone, dto.verify);
    const passwordHash = await this.hasher.hash(dto.password);
    const user = await this.users.findByPhone(dto.phone);
    if (!user) throw fail('sms_code_invalid');
    await this.db.transaction(async (m) => {
      await m.update(User, { id: user.id }, { passwordHash });
      await this.sessions.revokeAll(user.id, null, m);
    });
    await Promise.all([
      this.limiter.reset(phoneKey(dto.phone)),
      this.limiter.release(ipKey(meta.ip)),
      this.loginGuard.forget(user),
    ]);
    await this.profiles.invalidate(user.id);
    await this.audit.record('password_reset', user.id, meta);
  }
}
