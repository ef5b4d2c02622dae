import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../common/request-context.js';
import { ActivationService } from '../mail/activation.service.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { PasswordLoginDto, RegisterDto, SmsLoginDto } from './auth.dto.js';
import { LoginGuardService } from './login-guard.service.js';
import { PasswordHasher } from './password.hasher.js';
import { TokensService, type TokenPair } from './tokens.service.js';
import { fail } from '../common/errors/index.js';

export type SignedIn = TokenPair & { username: string };
export type SignInMethod = 'password' | 'sms' | 'weibo' | 'wechat' | 'register';

@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthService');

  constructor(
    private readonly users: UsersService,
    private readonly sms: SmsCodeService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly loginGuard: LoginGuardService,
    private readonly activation: ActivationService,
    private readonly audit: AuditService,
  ) {}

  async register(dto: RegisterDto, meta: RequestMeta): Promise<SignedIn> {
    // Usernames are public; whether a phone or email is registered is told only to whoever proved the phone.
    await this.users.assertAvailable({ username: dto.username });
    await this.sms.verify(dto.phone, dto.verify);
    await this.users.assertAvailable({ phone: dto.phone, email: dto.email });
    const passwordHash = await this.hasher.hash(dto.password);
    const user = await this.users.create({ username: dto.username, phone: dto.phone, email: dto.email, passwordHash });
    // The account exists either way; a mail-queue failure only means the user asks for a new mail later.
    await this.activation
      .sendActivation(user.id)
      .catch((err: Error) => this.logger.warn(`activation mail not queued: ${err.message}`));
    await this.audit.record('registered', user.id, meta);
    return this.signIn(user, meta, 'register');
  }

  /** One uniform 401 for an unknown account and a wrong password, costing the same time. */
  async passwordLogin(dto: PasswordLoginDto, meta: RequestMeta): Promise<SignedIn> {
    const user = await this.users.findByAccount(dto.account);
    if (!(await this.loginGuard.verifyPassword(user, dto.account, dto.password, meta.ip)) || !user) {
      await this.audit.record('sign_in_failed', user?.id ?? null, meta, { method: 'password' });
      throw fail('invalid_credentials');
    }
    return this.signIn(user, meta, 'password');
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
    const pair = await this.tokens.issue(user.id, meta);
    if (method !== 'register') await this.audit.record('signed_in', user.id, meta, { method });
    return { username: user.username, ...pair };
  }
}
