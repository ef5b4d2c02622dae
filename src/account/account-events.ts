import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../common/request-context.js';
import { Mails } from '../mail/mails.js';
import { SmsNotices } from '../sms/sms-notices.js';
import type { User } from '../users/user.entity.js';

const logger = new Logger('AccountEvents');

/**
 * Changes to how an account is recovered or signed in: each is recorded in the audit trail and told to the
 * owner where the change could have been made by someone else (docs/security.md "Notices"). A notice that
 * cannot be sent is logged and counted by its sender, never a failed change.
 */
@Injectable()
export class AccountEvents {
  constructor(
    private readonly audit: AuditService,
    private readonly sms: SmsNotices,
    private readonly mails: Mails,
  ) {}

  /** `before` is the account as it was: the notice goes to the phone it no longer has. */
  async phoneChanged(before: User, meta: RequestMeta): Promise<void> {
    await this.audit.record('phone_changed', before.id, meta);
    if (before.phone) await this.sms.notify(before.phone, 'phone_changed');
  }

  async emailChanged(before: User, newEmail: string, meta: RequestMeta): Promise<void> {
    await this.audit.record('email_changed', before.id, meta);
    if (!before.email) return;
    await this.mails.emailChanged(before.email, before.username, newEmail).catch((err: Error) => {
      logger.warn(`email-change notice not queued: ${err.message}`);
    });
  }

  async passwordChanged(user: User, meta: RequestMeta, first: boolean): Promise<void> {
    await this.audit.record('password_changed', user.id, meta, { first });
    if (user.phone) await this.sms.notify(user.phone, 'password_changed');
  }

  async passwordReset(user: User, meta: RequestMeta): Promise<void> {
    await this.audit.record('password_reset', user.id, meta);
    if (user.phone) await this.sms.notify(user.phone, 'password_reset');
  }
}
