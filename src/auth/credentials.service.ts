import { Injectable } from '@nestjs/common';
import { fail, limited } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { AppConfig } from '../config/config.js';
import { ipBucket } from '../limits/ip-bucket.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { normalizePhone } from '../users/phone.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './password.hasher.js';

/**
 * The one credentials check: password login, Weibo bind to an existing account, reauthentication, password
 * change, account deletion, and the attempt budget of password reset. Each attempt is counted (per typed
 * identifier and per client IP, in Redis) BEFORE the hash runs, so parallel guesses cannot get past the limit;
 * a success takes its attempt back. Counting by what was typed, never by the account it resolves to, keeps
 * linked identifiers from answering differently (docs/security.md "No linkage oracle").
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly users: UsersService,
  ) {}

  /** The account `typedAccount` (username, phone or email) names, if `password` is its password. */
  async authenticate(typedAccount: string, password: string, client: Client): Promise<User> {
    const user = await this.users.findByAccount(typedAccount);
    await this.assertPassword(user, typedAccount, password, client);
    return user!;
  }

  /** Throws 401 `invalid_credentials` unless `password` is the account's; 429 once a budget is spent. */
  async assertPassword(user: User | null, typedAccount: string, password: string, client: Client): Promise<void> {
    if (!(await this.verifyPassword(user, typedAccount, password, client)) || !user) throw fail('invalid_credentials');
  }

  /**
   * True when `password` is the account's; throws 429 once the identifier or the IP is over its limit. A
   * client that went away before its turn in the hash queue costs no hash (its attempt stays counted).
   */
  async verifyPassword(user: User | null, typedAccount: string, password: string, client: Client): Promise<boolean> {
    const release = await this.attempt('login', identifierKey(typedAccount), client.ip, 'too_many_login_failures');
    // Unknown accounts and accounts without a password cost one full verification too (uniform timing).
    const hash = user?.passwordHash ?? null;
    const ok = (await this.hasher.verify(hash, password, client.signal)) && Boolean(user?.passwordHash);
    if (ok) await release();
    return ok;
  }

  /** Counts a password-reset attempt for `phone` before its code is tried; returns what a success calls. */
  resetAttempt(phone: string, ip: string): Promise<() => Promise<void>> {
    return this.attempt('reset', phone, ip, 'too_many_reset_failures');
  }

  /** The failures counted against an old password are moot once it is replaced. */
  async forget(user: User): Promise<void> {
    const typed = [user.username, user.phone, user.email].filter((v): v is string => Boolean(v));
    await Promise.all(typed.map((t) => this.limiter.reset(`login:id:${identifierKey(t)}`)));
  }

  private async attempt(
    scope: 'login' | 'reset',
    identifier: string,
    ip: string,
    reason: 'too_many_login_failures' | 'too_many_reset_failures',
  ): Promise<() => Promise<void>> {
    const { accountMaxFailures, ipMaxFailures, windowSeconds } = this.config.login;
    const idKey = `${scope}:id:${identifier}`;
    const ipKey = `${scope}:ip:${ipBucket(ip)}`;
    const limits = [
      { key: idKey, max: accountMaxFailures },
      { key: ipKey, max: ipMaxFailures },
    ];
    const wait = await this.limiter.attempt(limits, windowSeconds);
    if (wait !== null) throw limited(reason, wait);
    return async () => {
      await Promise.all([this.limiter.reset(idKey), this.limiter.release(ipKey)]);
    };
  }
}

/** Who is trying: the address limits count, and the signal that fires if they leave before their answer. */
type Client = Pick<RequestMeta, 'ip' | 'signal'>;

/** Lower-cased username or email, `+86…` phone: the spellings of one identifier share one budget. */
function identifierKey(typed: string): string {
  return normalizePhone(typed) ?? typed.trim().toLowerCase();
}
