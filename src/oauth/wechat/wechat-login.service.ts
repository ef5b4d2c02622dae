import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import { AuthService, type SignedIn } from '../../auth/auth.service.js';
import { AppError } from '../../common/errors/index.js';
import type { RequestMeta } from '../../common/request-context.js';
import { AppConfig } from '../../config/config.js';
import { IdentitiesService } from '../../identities/identities.service.js';
import { Identity } from '../../identities/identity.entity.js';
import { UsersService } from '../../users/users.service.js';
import { WechatSessions } from './wechat-sessions.js';
import type { WechatSession } from './wechat.client.js';

export interface WechatUserInfo {
  nickName?: string;
  avatarUrl?: string;
}

export type WechatSignedIn = SignedIn & { is_new: boolean };

/** `unionid` links the same person across the apps of one Open Platform account; openid is per app (docs/providers/wechat.md, openid and unionid). */
export function wechatIdentityKey(appId: string, session: Pick<WechatSession, 'openid' | 'unionid'>): string {
  return session.unionid ? `unionid:${session.unionid}` : `openid:${appId}:${session.openid}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `wx_` and 12 random characters: 15 in all, inside the 3–20 `[A-Za-z0-9_]` username rule. */
export function generateUsername(): string {
  let name = 'wx_';
  for (let i = 0; i < 12; i++) name += ALPHABET[randomInt(ALPHABET.length)];
  return name;
}

const USERNAME_ATTEMPTS = 3;

/** A first login's `userinfo` fills the new account's profile; WeChat nicknames may exceed our 32 characters. */
export function profileFields(userinfo?: WechatUserInfo): { nickname: string | null; avatar: string | null } {
  const nickname = [...(userinfo?.nickName ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim()]
    .slice(0, 32)
    .join('')
    .trim();
  const avatar = userinfo?.avatarUrl && [...userinfo.avatarUrl].length <= 512 ? userinfo.avatarUrl : null;
  return { nickname: nickname || null, avatar };
}

@Injectable()
export class WechatLoginService {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: WechatSessions,
    private readonly identities: IdentitiesService,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  async login(code: string, userinfo: WechatUserInfo | undefined, meta: RequestMeta): Promise<WechatSignedIn> {
    const session = await this.sessions.exchange(code, meta.ip);
    const key = wechatIdentityKey(this.config.wechat.appId, session);
    if (session.unionid) await this.adoptOpenidIdentity(session.openid, key);
    const { user, isNew } = await this.findOrCreate(key, session, userinfo);
    if (isNew) await this.audit.record('registered', user.id, meta, { via: 'wechat' });
    return { ...(await this.auth.signIn(user, meta, 'wechat')), is_new: isNew };
  }

  /** The account whose WeChat identity a fresh `wx.login` code resolves to, or null (step-up proof). */
  async ownerOf(code: string, ip: string): Promise<string | null> {
    const session = await this.sessions.exchange(code, ip);
    const identity = await this.identities.find('wechat', wechatIdentityKey(this.config.wechat.appId, session));
    return identity?.userId ?? null;
  }

  /** A generated username that collides rolls the whole transaction back; try again with another. */
  private async findOrCreate(key: string, session: WechatSession, userinfo?: WechatUserInfo) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.users.transaction((m) => this.claim(key, session, userinfo, m));
      } catch (err) {
        if (attempt >= USERNAME_ATTEMPTS || !(err instanceof AppError && err.reason === 'username_taken')) throw err;
      }
    }
  }

  /**
   * recordSeen's upsert locks the identity row until this transaction ends. A racing first login for the
   * same key waits on it, then sees the row already bound and returns the account the winner created.
   */
  private async claim(key: string, session: WechatSession, userinfo: WechatUserInfo | undefined, m: EntityManager) {
    const prior = await this.identities.lock('wechat', key, m);
    // session_key is never stored: nothing here decrypts mini-program data (docs/providers/wechat.md).
    const profile = this.profile(prior?.profile, session, userinfo);
    const identity = await this.identities.recordSeen({ provider: 'wechat', providerUid: key, profile }, m);
    if (identity.userId) return { user: await this.users.require(identity.userId, m), isNew: false };
    const user = await this.users.create(
      { username: generateUsername(), phone: null, email: null, passwordHash: null, ...profileFields(userinfo) },
      m,
    );
    await this.identities.bind('wechat', key, user.id, m);
    return { user, isNew: true };
  }

  /** Keeps what earlier logins stored; `userinfo` is what the mini-program says, so it only fills the profile. */
  private profile(
    prior: Identity['profile'] | undefined,
    session: WechatSession,
    userinfo?: WechatUserInfo,
  ): Identity['profile'] {
    const fresh: Identity['profile'] = { appid: this.config.wechat.appId, openid: session.openid };
    if (userinfo?.nickName) fresh.screen_name = userinfo.nickName;
    if (userinfo?.avatarUrl) fresh.avatar = userinfo.avatarUrl;
    return { screen_name: null, avatar: null, ...prior, ...fresh };
  }

  /**
   * An app bound to an Open Platform account later starts sending unionid: move the identity first keyed
   * on (appid, openid) to the unionid key so the user keeps one account. If a unionid identity already
   * exists, the unique index refuses and that one wins.
   */
  private async adoptOpenidIdentity(openid: string, unionKey: string): Promise<void> {
    await this.identities.rekey('wechat', wechatIdentityKey(this.config.wechat.appId, { openid }), unionKey);
  }
}
