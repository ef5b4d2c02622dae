import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AppError, fail } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { PasswordLoginDto, SmsLoginDto } from './auth.dto.js';
import { CredentialsService } from './credentials.service.js';
import { TokensService, type TokenPair } from './tokens.service.js';

export type SignedIn = TokenPair & { username: string };
export type SignInMethod = 'password' | 'sms' | 'weibo' | 'wechat';

/** Sign-in: password, SMS code, refresh; and the session start every other sign-in ends with. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sms: SmsCodeService,
    private readonly tokens: TokensService,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditService,
  ) {}

  /** One uniform 401 for an unknown account and a wrong password, costing the same time. */
  async passwordLogin(dto: PasswordLoginDto, meta: RequestMeta): Promise<SignedIn> {
    const user = await this.users.findByAccount(dto.account);
    try {
      await this.credentials.assertPassword(user, dto.account, dto.password, meta);
    } catch (err) {
      if (err instanceof AppError && err.reason === 'invalid_credentials') {
        await this.audit.record('sign_in_failed', user?.id ?? null, meta, { method: 'password' });
      }
      throw err;
    }
    return this.signIn(user!, meta, 'password');
  }

  async smsLogin(dto: SmsLoginDto, meta: RequestMeta): Promise<SignedIn> {
    await this.sms.verify(dto.phone, dto.verify);
    const user = await this.users.findByPhone(dto.phone);
    if (!user) throw fail('account_not_found');
    return this.signIn(user, meta, 'sms');
  }

  async refresh(refreshToken: string, meta: RequestMeta): Promise<SignedIn> {
    const { userId, ...pair } = await this.tokens.rotate(refreshToken, meta);
    const user = await this.users.findById(userId);
    if (!user) throw fail('refresh_token_invalid');
    return { username: user.username, ...pair };
  }

  /** Starts a session and records how it was started. */
  async signIn(user: User, meta: RequestMeta, method: SignInMethod): Promise<SignedIn> {
    const signedIn = await this.startSession(user, meta);
    await this.audit.record('signed_in', user.id, meta, { method });
    return signedIn;
  }

  /** A new session without a sign-in event (registration records its own). */
  async startSession(user: User, meta: RequestMeta): Promise<SignedIn> {
    return { username: user.username, ...(await this.tokens.issue(user.id, meta)) };
  }
}
