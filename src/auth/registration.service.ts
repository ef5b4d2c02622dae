import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ActivationService } from '../activation/activation.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, fail, invalid } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { pgFailure } from '../database/pg-error.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import { UsersService } from '../users/users.service.js';
import type { RegisterDto } from './auth.dto.js';
import { AuthService, type SignedIn } from './auth.service.js';
import { checkPassword } from './password-policy.js';
import { PasswordHasher } from './password.hasher.js';

/** Something created together with the account, in its transaction (a Weibo identity). */
export interface AccountLink {
  via: 'weibo';
  /** Runs after every check has passed, before the transaction (spends the bind ticket). */
  claim(): Promise<void>;
  attach(userId: string, manager: EntityManager): Promise<void>;
}

const logger = new Logger('Registration');

/** The one registration flow: `POST /v1/users` and Weibo's create-and-bind. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly users: UsersService,
    private readonly sms: SmsCodeService,
    private readonly hasher: PasswordHasher,
    private readonly activation: ActivationService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  async register(dto: RegisterDto, meta: RequestMeta, link?: AccountLink): Promise<SignedIn> {
    // Everything it checks came with the request: refused before a code is spent (docs/passwords.md).
    const weak = checkPassword(dto.password, { username: dto.username, phone: dto.phone, email: dto.email });
    if (weak) throw invalid({ password: weak });
    // Usernames are public; whether a phone or email is registered is told only to whoever proved the phone.
    await this.users.assertAvailable({ username: dto.username });
    await this.sms.verify(dto.phone, dto.verify);
    await this.users.assertAvailable({ phone: dto.phone, email: dto.email });
    const passwordHash = await this.hasher.hash(dto.password, meta.signal);
    await link?.claim();
    const user = await this.inOneTransaction(Boolean(link), async (manager) => {
      const created = await this.users.create(
        { username: dto.username, phone: dto.phone, email: dto.email, passwordHash },
        manager,
      );
      await link?.attach(created.id, manager);
      return created;
    });
    // The account exists either way; a mail-queue failure only means the user asks for a new mail later.
    await this.activation.sendActivationQuietly(user.id);
    await this.audit.record('registered', user.id, meta, link ? { via: link.via } : {});
    if (link) await this.audit.record('identity_bound', user.id, meta, { provider: link.via });
    return this.auth.startSession(user, meta);
  }

  /** With a link, our 409s pass through and any other database failure is `10114`; the rollback leaves nothing. */
  private async inOneTransaction<T>(linked: boolean, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.users.transaction(work);
    } catch (err) {
      if (err instanceof AppError || !linked) throw err;
      // SQLSTATE and constraint only: a database message may quote the values sent (docs/operations.md).
      const failure = pgFailure(err);
      logger.error(
        `registration transaction failed: ${failure ? `${failure.code} ${failure.constraint ?? ''}` : 'error'}`,
      );
      throw fail('bind_database_error');
    }
  }
}
