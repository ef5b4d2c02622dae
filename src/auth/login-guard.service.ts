import { Injectable } from '@nestjs/common';
import { Errors } from '../common/app-error.js';
import { AppConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { normalizePhone } from '../users/phone.js';

/** Lockout after repeated password failures, per account and per client IP (shared in Redis). */
@Injectable()
export class LoginGuardService {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async assertAllowed(account: string, ip: string): Promise<void> {
    const { accountMaxFailures, ipMaxFailures } = this.config.login;
    const [perAccount, perIp] = await Promise.all([
      this.limiter.check(this.accountKey(account), accountMaxFailures),
      this.limiter.check(`login:ip:${ip}`, ipMaxFailures),
    ]);
    if (!perAccount.allowed) throw Errors.rateLimited('too_many_login_failures', perAccount.retryAfter);
    if (!perIp.allowed) throw Errors.rateLimited('too_many_login_failures', perIp.retryAfter);
  }

  async recordFailure(account: string, ip: string): Promise<void> {
    const { accountMaxFailures, ipMaxFailures, windowSeconds } = this.config.login;
    await Promise.all([
      this.limiter.hit(this.accountKey(account), accountMaxFailures, windowSeconds),
      this.limiter.hit(`login:ip:${ip}`, ipMaxFailures, windowSeconds),
    ]);
  }

  async recordSuccess(account: string): Promise<void> {
    await this.limiter.reset(this.accountKey(account));
  }

  private accountKey(account: string): string {
    return `login:account:${normalizePhone(account) ?? account.trim().toLowerCase()}`;
  }
}
