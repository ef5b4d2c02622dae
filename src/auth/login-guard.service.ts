import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { ipBucket } from '../limits/ip-bucket.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { normalizePhone } from '../users/phone.js';
import type { User } from '../users/user.entity.js';
import { PasswordHasher } from './password.hasher.js';
import { limited } from '../common/errors/index.js';

/**
 * Every password check goes through here: password login, Weibo bind to an existing account, password change,
 * account deletion. Each attempt is counted (per account and per client IP, in Redis) BEFORE the hash runs, so
 * parallel guesses cannot get past the limit; a success takes its attempt back. An existing account is counted
 * by its id, so its username, phone and email share one budget.
 */
@Injectable()
export class LoginGuardService {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
  ) {}

  /** True when `password` is the account's; throws 429 once the account or the IP is over its limit. */
  async verifyPassword(user: User | null, typedAccount: string, password: string, ip: string): Promise<boolean> {
    const { accountMaxFailures, ipMaxFailures, windowSeconds } = this.config.login;
    const accountKey = this.accountKey(user, typedAccount);
    const ipKey = `login:ip:${ipBucket(ip)}`;
    const wait = await this.limiter.attempt(
      [
        { key: accountKey, max: accountMaxFailures },
        { key: ipKey, max: ipMaxFailures },
      ],
      windowSeconds,
    );
    if (wait !== null) throw limited('too_many_login_failures', wait);
    // Unknown accounts and accounts without a password cost one full verification too (uniform timing).
    const ok = (await this.hasher.verify(user?.passwordHash ?? null, password)) && Boolean(user?.passwordHash);
    if (ok) await Promise.all([this.limiter.reset(accountKey), this.limiter.release(ipKey)]);
    return ok;
  }

  /** The failures counted against an old password are moot once it is replaced. */
  async forget(user: User): Promise<void> {
    await this.limiter.reset(this.accountKey(user, user.username));
  }

  private accountKey(user: User | null, typedAccount: string): string {
    if (user) return `login:user:${user.id}`;
    return `login:account:${normalizePhone(typedAccount) ?? typedAccount.trim().toLowerCase()}`;
  }
}
