import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import { AuthService, type SignedIn } from '../../auth/auth.service.js';
import { Envelope } from '../../common/envelope.js';
import { fail } from '../../common/errors/index.js';
import type { RequestMeta } from '../../common/request-context.js';
import { IdentitiesService } from '../../identities/identities.service.js';
import { UsersService } from '../../users/users.service.js';
import { BindTicketStore } from './bind-ticket.store.js';
import { WeiboClient } from './weibo.client.js';
import type { WeiboProfile } from './weibo.strategy.js';

export interface BindOffer {
  bind_ticket: string;
  expires_in: number;
  profile: { uid: string; screen_name: string | null; avatar: string | null };
}

const logger = new Logger('WeiboLoginService');

/** The callback (sign in a bound uid, link it for a signed-in user, or offer a bind ticket) and unlinking. */
@Injectable()
export class WeiboLoginService {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly tickets: BindTicketStore,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly weibo: WeiboClient,
    private readonly audit: AuditService,
  ) {}

  async handleCallback(
    profile: WeiboProfile,
    linkUserId: string | null,
    meta: RequestMeta,
  ): Promise<SignedIn | Envelope<BindOffer>> {
    const identity = await this.identities.recordSeen({
      provider: 'weibo',
      providerUid: profile.uid,
      profile: { screen_name: profile.screen_name, avatar: profile.avatar },
      credential: profile.accessToken,
      credentialExpiresAt: profile.expiresIn === null ? null : new Date(Date.now() + profile.expiresIn * 1000),
    });
    if (linkUserId) return this.link(profile.uid, linkUserId, meta);
    if (identity.userId) return this.signInUser(identity.userId, meta);
    const { ticket, expiresIn } = await this.tickets.issue(profile.uid);
    const shown = { uid: profile.uid, screen_name: profile.screen_name, avatar: profile.avatar };
    return new Envelope(201, { bind_ticket: ticket, expires_in: expiresIn, profile: shown });
  }

  /** Refuses to leave an account with no password, no phone (SMS login) and no other identity. */
  async unlink(userId: string, meta: RequestMeta): Promise<void> {
    const [user, owned] = await Promise.all([this.users.require(userId), this.identities.listForUser(userId)]);
    if (!owned.some((i) => i.provider === 'weibo')) throw fail('identity_not_found');
    if (!user.passwordHash && !user.phone && !owned.some((i) => i.provider !== 'weibo'))
      throw fail('last_sign_in_method');
    const { credential } = await this.identities.unlink(userId, 'weibo');
    await this.audit.record('identity_unbound', userId, meta, { provider: 'weibo' });
    if (credential) void this.revokeQuietly(credential);
  }

  /** 409 when the uid is bound to someone else or the user already has another Weibo. */
  private async link(uid: string, userId: string, meta: RequestMeta): Promise<SignedIn> {
    await this.identities.bind('weibo', uid, userId);
    await this.audit.record('identity_bound', userId, meta, { provider: 'weibo' });
    return this.signInUser(userId, meta);
  }

  private async signInUser(userId: string, meta: RequestMeta): Promise<SignedIn> {
    return this.auth.signIn(await this.users.require(userId), meta, 'weibo');
  }

  /** Best effort, after answering: the link is gone whatever Weibo says. */
  private async revokeQuietly(credential: string): Promise<void> {
    try {
      if (!(await this.weibo.revoke(credential))) logger.warn('Weibo did not confirm the token revocation');
    } catch (err) {
      logger.warn(`Weibo token revocation failed (best effort): ${(err as Error).message}`);
    }
  }
}
