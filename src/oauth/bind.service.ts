import { Injectable, Logger } from '@nestjs/common';
import type { PasswordLoginDto, RegisterDto } from '../auth/auth.dto.js';
import { AuditService } from '../audit/audit.service.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuthService, type SignedIn } from '../auth/auth.service.js';
import { LoginGuardService } from '../auth/login-guard.service.js';
import { PasswordHasher } from '../auth/password.hasher.js';
import type { RequestMeta } from '../common/request-context.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { ActivationService } from '../mail/activation.service.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import { ProfileService } from '../users/profile.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { BindTicketStore } from './bind-ticket.store.js';
import { AppError, fail } from '../common/errors/index.js';

export type NewAccountInput = RegisterDto & { bind_ticket: string };
export type ExistingAccountInput = PasswordLoginDto & { bind_ticket: string };

const logger = new Logger('BindService');

/**
 * Binds a first-time Weibo uid, known only through its bind ticket, to a new or an existing account.
 * Checks that can fail run before the ticket is consumed, so a typo does not burn it.
 */
@Injectable()
export class BindService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tickets: BindTicketStore,
    private readonly users: UsersService,
    private readonly identities: IdentitiesService,
    private readonly sms: SmsCodeService,
    private readonly hasher: PasswordHasher,
    private readonly loginGuard: LoginGuardService,
    private readonly auth: AuthService,
    private readonly profiles: ProfileService,
    private readonly activation: ActivationService,
    private readonly audit: AuditService,
  ) {}

  async createAccount(input: NewAccountInput, meta: RequestMeta): Promise<SignedIn> {
    await this.requireTicket(input.bind_ticket);
    await this.users.assertAvailable({ username: input.username });
    await this.sms.verify(input.phone, input.verify);
    await this.users.assertAvailable({ phone: input.phone, email: input.email });
    const passwordHash = await this.hasher.hash(input.password);
    const uid = await this.claim(input.bind_ticket);
    const user = await this.inOneTransaction(async (manager) => {
      const created = await this.users.create(
        { username: input.username, phone: input.phone, email: input.email, passwordHash },
        manager,
      );
      await this.identities.bind('weibo', uid, created.id, manager);
      return created;
    });
    await this.queueActivation(user.id);
    await this.audit.record('registered', user.id, meta, { via: 'weibo' });
    await this.audit.record('identity_bound', user.id, meta, { provider: 'weibo' });
    return this.auth.signIn(user, meta, 'weibo');
  }

  /** The password check is limited exactly like password login (same counters). */
  async bindExisting(input: ExistingAccountInput, meta: RequestMeta): Promise<SignedIn> {
    await this.requireTicket(input.bind_ticket);
    const user = await this.checkPassword(input.account, input.password, meta.ip);
    const owned = await this.identities.listForUser(user.id);
    if (owned.some((i) => i.provider === 'weibo')) throw fail('account_already_has_identity');
    const uid = await this.claim(input.bind_ticket);
    await this.identities.bind('weibo', uid, user.id);
    await this.profiles.invalidate(user.id);
    await this.audit.record('identity_bound', user.id, meta, { provider: 'weibo' });
    return this.auth.signIn(user, meta, 'weibo');
  }

  private async requireTicket(ticket: string): Promise<void> {
    if (!(await this.tickets.peek(ticket))) throw fail('bind_ticket_invalid');
  }

  private async claim(ticket: string): Promise<string> {
    const uid = await this.tickets.consume(ticket);
    if (!uid) throw fail('bind_ticket_invalid');
    return uid;
  }

  private async checkPassword(account: string, password: string, ip: string): Promise<User> {
    const user = await this.users.findByAccount(account);
    if (!(await this.loginGuard.verifyPassword(user, account, password, ip)) || !user)
      throw fail('invalid_credentials');
    return user;
  }

  /** Our 409s pass through; any other database failure is `10114`, and the rollback leaves nothing behind. */
  private async inOneTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } catch (err) {
      if (err instanceof AppError) throw err;
      logger.error(`Weibo bind transaction failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      throw fail('bind_database_error');
    }
  }

  /** The account exists already; a lost mail is not worth failing the bind (the user can ask again). */
  private async queueActivation(userId: string): Promise<void> {
    try {
      await this.activation.sendActivation(userId);
    } catch (err) {
      logger.warn(`activation mail not queued for ${userId}: ${(err as Error).message}`);
    }
  }
}
