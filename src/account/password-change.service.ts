import { Injectable } from '@nestjs/common';
import type { SignedIn } from '../auth/auth.service.js';
import { CredentialsService } from '../auth/credentials.service.js';
import type { AuthUser } from '../auth/jwt-auth.guard.js';
import { checkPassword } from '../auth/password-policy.js';
import { PasswordHasher } from '../auth/password.hasher.js';
import { SessionsService } from '../auth/sessions.service.js';
import { TokensService } from '../auth/tokens.service.js';
import { invalid } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { UsersService } from '../users/users.service.js';
import { AccountEvents } from './account-events.js';
import type { PasswordChangeDto } from './account.dto.js';

/**
 * `PUT /v1/users/me/password`: every session ends and a new one starts, in one transaction. The old password
 * is checked by the credentials check, under the login limits of the username (same counters).
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly credentials: CredentialsService,
    private readonly events: AccountEvents,
  ) {}

  async change(auth: AuthUser, dto: PasswordChangeDto, meta: RequestMeta): Promise<SignedIn> {
    const user = await this.users.require(auth.id);
    // Before the old password is checked: a refused new one costs no hash and no login attempt.
    const weak = checkPassword(dto.password, user);
    if (weak) throw invalid({ password: weak });
    const hadPassword = Boolean(user.passwordHash);
    if (hadPassword) {
      if (dto.old_password === undefined) throw invalid({ old_password: 'is required to change an existing password' });
      await this.credentials.assertPassword(user, user.username, dto.old_password, meta);
    }
    const passwordHash = await this.hasher.hash(dto.password, meta.signal);
    const { pair, ended } = await this.users.transaction(async (m) => {
      await this.users.setPassword(user.id, passwordHash, m);
      const ended = await this.sessions.endAll(user.id, null, m);
      return { pair: await this.tokens.issue(user.id, meta, undefined, m), ended };
    });
    // Every session ends at once, the caller's too: its tokens, and any reauth token bound to it, die with it;
    // the caller carries on with the new pair.
    await this.sessions.ended(ended);
    await this.events.passwordChanged(user, meta, !hadPassword);
    return { username: user.username, ...pair };
  }
}
