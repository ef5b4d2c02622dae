import { Injectable } from '@nestjs/common';
import { CredentialsService } from '../auth/credentials.service.js';
import { checkPassword, type PasswordContext } from '../auth/password-policy.js';
import { PasswordHasher } from '../auth/password.hasher.js';
import { SessionsService } from '../auth/sessions.service.js';
import { fail, invalid } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import { UsersService } from '../users/users.service.js';
import { AccountEvents } from './account-events.js';
import type { PasswordResetDto } from './account.dto.js';

/**
 * `POST /v1/users/password/reset`. The code is checked first: it is tied to the phone, so an unknown phone
 * fails there like any wrong code, and the argon2 hash runs whether or not the phone has an account.
 * Attempts are counted per phone and per IP before the code is tried, so parallel guesses cannot get past
 * them; a successful reset clears them. Every session of the account ends at once.
 *
 * The new password is checked twice (docs/passwords.md): against the common list and the typed phone before
 * anything is counted or spent, and against the account's username and email only once the code proved the
 * phone, so a wrong code never tells whether a guessed username belongs to the phone.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly users: UsersService,
    private readonly sms: SmsCodeService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly credentials: CredentialsService,
    private readonly events: AccountEvents,
  ) {}

  async reset(dto: PasswordResetDto, meta: RequestMeta): Promise<void> {
    refuseWeak(dto.password, { phone: dto.phone });
    const succeeded = await this.credentials.resetAttempt(dto.phone, meta.ip);
    await this.sms.verify(dto.phone, dto.verify);
    const user = await this.users.findByPhone(dto.phone);
    if (user) refuseWeak(dto.password, user);
    const passwordHash = await this.hasher.hash(dto.password, meta.signal);
    if (!user) throw fail('sms_code_invalid');
    const ended = await this.users.transaction(async (m) => {
      await this.users.setPassword(user.id, passwordHash, m);
      return this.sessions.endAll(user.id, null, m);
    });
    await this.sessions.ended(ended);
    await Promise.all([succeeded(), this.credentials.forget(user)]);
    await this.events.passwordReset(user, meta);
  }
}

function refuseWeak(password: string, context: PasswordContext): void {
  const weak = checkPassword(password, context);
  if (weak) throw invalid({ password: weak });
}
