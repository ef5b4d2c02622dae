import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { PasswordLoginDto, RegisterDto } from '../../auth/auth.dto.js';
import { AuthService, type SignedIn } from '../../auth/auth.service.js';
import { CredentialsService } from '../../auth/credentials.service.js';
import { RegistrationService } from '../../auth/registration.service.js';
import { fail } from '../../common/errors/index.js';
import type { RequestMeta } from '../../common/request-context.js';
import { IdentitiesService } from '../../identities/identities.service.js';
import { BindTicketStore } from './bind-ticket.store.js';

export type NewAccountInput = RegisterDto & { bind_ticket: string };
export type ExistingAccountInput = PasswordLoginDto & { bind_ticket: string };

/**
 * Binds a first-time Weibo uid, known only through its bind ticket, to a new or an existing account.
 * Checks that can fail run before the ticket is consumed, so a typo does not burn it.
 */
@Injectable()
export class BindService {
  constructor(
    private readonly tickets: BindTicketStore,
    private readonly identities: IdentitiesService,
    private readonly registration: RegistrationService,
    private readonly credentials: CredentialsService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  /** Registration, with the identity bound in the account's own transaction. */
  async createAccount(input: NewAccountInput, meta: RequestMeta): Promise<SignedIn> {
    await this.requireTicket(input.bind_ticket);
    let uid = '';
    return this.registration.register(input, meta, {
      via: 'weibo',
      claim: async () => void (uid = await this.claim(input.bind_ticket)),
      attach: (userId, manager) => this.identities.bind('weibo', uid, userId, manager),
    });
  }

  /** The password check is the login's (same counters). */
  async bindExisting(input: ExistingAccountInput, meta: RequestMeta): Promise<SignedIn> {
    await this.requireTicket(input.bind_ticket);
    const user = await this.credentials.authenticate(input.account, input.password, meta);
    const owned = await this.identities.listForUser(user.id);
    if (owned.some((i) => i.provider === 'weibo')) throw fail('account_already_has_identity');
    await this.identities.bind('weibo', await this.claim(input.bind_ticket), user.id);
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
}
