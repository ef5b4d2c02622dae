import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdentitiesService } from '../identities/identities.service.js';
import { ActivationService } from '../activation/activation.service.js';
import { WeiboClient } from '../oauth/weibo/weibo.client.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { User } from '../users/user.entity.js';

const logger = new Logger('AccountCleanup');

/** What each feature keeps about an account outside `users`, collected before deletion and forgotten after. */
@Injectable()
export class AccountCleanup {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly weibo: WeiboClient,
    private readonly activation: ActivationService,
    private readonly sms: SmsCodeService,
  ) {}

  /** Inside the deletion's transaction, before the identity rows go: the Weibo token to revoke afterwards. */
  collect(userId: string, manager: EntityManager): Promise<string | null> {
    return this.identities.credentialOf(userId, 'weibo', manager);
  }

  /** After the commit nothing may fail the request: the account is gone. */
  async forget(user: User, weiboToken: string | null): Promise<void> {
    await quietly('activation code', () => this.activation.forget(user.id));
    if (user.phone) await quietly('SMS code', () => this.sms.forget(user.phone!));
    if (weiboToken) void quietly('Weibo token revocation', () => this.weibo.revoke(weiboToken));
  }
}

async function quietly(what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    logger.warn(`${what} after account deletion failed: ${(err as Error).message}`);
  }
}
