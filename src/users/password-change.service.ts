import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { SignedIn } from '../auth/auth.service.js';
import type { AuthUser } from '../auth/jwt-auth.guard.js';
import { LoginGuardService } from '../auth/login-guard.service.js';
import { PasswordHasher } from '../auth/password.hasher.js';
import { SessionsService } from '../auth/sessions.service.js';
import { TokensService } from '../auth/tokens.service.js';
import type { RequestMeta } from '../common/request-context.js';
import type { PasswordChangeDto } from './account.dto.js';
import { ProfileService } from './profile.service.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';
import { fail, invalid } from '../common/errors/index.js';

/**
 * `PUT /v1/users/me/password`: every refresh token of the account is revoked and a new session starts, in
 * one transaction. The old password is checked under the login limits of the username (same counters).
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly loginGuard: LoginGuardService,
    private readonly profiles: ProfileService,
    private readonly audit: AuditService,
  ) {}

  async change(auth: AuthUser, dto: PasswordChangeDto, meta: RequestMeta): Promise<SignedIn> {
    const user = await this.users.findByAccountId(auth.id);
    if (!user) throw fail('account_gone');
    const hadPassword = Boolean(user.passwordHash);
    if (hadPassword) await this.checkOld(user, dto.old_password, meta.ip);
    const passwordHash = await this.hasher.hash(dto.password);
    const pair = await this.db.transaction(async (m) => {
      await m.update(User, { id: user.id }, { passwordHash });
      await this.sessions.revokeAll(user.id, null, m);
      return this.tokens.issue(user.id, meta, undefined, m);
    });
    await this.profiles.invalidate(user.id);
    await this.audit.record('password_changed', user.id, meta, { first: !hadPassword });
    return { username: user.username, ...pair };
  }

  private async checkOld(user: User, oldPassword: string | undefined, ip: string): Promise<void> {
    if (oldPassword === undefined) throw invalid({ old_password: 'is required to change an existing password' });
    if (!(await this.loginGuard.verifyPassword(user, user.username, oldPassword, ip)))
      throw fail('invalid_credentials');
  }
}
