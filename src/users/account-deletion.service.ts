import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/jwt-auth.guard.js';
import { LoginGuardService } from '../auth/login-guard.service.js';
import type { RequestMeta } from '../common/request-context.js';
import { SecretBox } from '../common/secret-box.js';
import { Identity } from '../identities/identity.entity.js';
import { REDIS } from '../infra/redis.module.js';
import { activationKeys } from '../mail/activation.store.js';
import { WeiboClient } from '../oauth/weibo.client.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import { smsKeys } from '../sms/sms-request.store.js';
import type { AccountDeletionDto } from './account.dto.js';
import { ProfileService } from './profile.service.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';
import { fail, invalid } from '../common/errors/index.js';

const logger = new Logger('AccountDeletion');

/**
 * `DELETE /v1/users/me` (账号注销). One transaction locks the user row (so no identity can be bound to it
 * meanwhile), reads the sealed Weibo token and deletes the row; identities and refresh tokens go with it
 * (ON DELETE CASCADE). The unique indexes only cover live rows, so username, phone and email are free again.
 */
@Injectable()
export class AccountDeletionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly users: UsersService,
    private readonly loginGuard: LoginGuardService,
    private readonly sms: SmsCodeService,
    private readonly box: SecretBox,
    private readonly weibo: WeiboClient,
    private readonly profiles: ProfileService,
    private readonly audit: AuditService,
  ) {}

  async delete(auth: AuthUser, dto: AccountDeletionDto, meta: RequestMeta): Promise<void> {
    const user = await this.users.findByAccountId(auth.id);
    if (!user) throw fail('account_gone');
    const method = await this.prove(user, dto, meta.ip);
    const weiboToken = await this.db.transaction((m) => this.remove(user.id, m));
    if (weiboToken === undefined) throw fail('account_gone');
    // After the commit nothing may fail the request: the account is gone.
    await quietly('pending state', () => this.forgetPendingState(user));
    await quietly('profile cache', () => this.profiles.invalidate(user.id));
    await this.audit.record('account_deleted', user.id, null, { method });
    if (weiboToken) void quietly('Weibo token revocation', () => this.weibo.revoke(weiboToken));
  }

  /** Exactly one proof: the password (limited like login) or an SMS code sent to the account's phone. */
  private async prove(user: User, dto: AccountDeletionDto, ip: string): Promise<'password' | 'sms'> {
    if ((dto.password === undefined) === (dto.verify === undefined)) {
      throw invalid({ password: "give either password or verify (an SMS code sent to the account's phone)" });
    }
    if (dto.verify !== undefined) {
      if (!user.phone) throw fail('sms_code_invalid');
      await this.sms.verify(user.phone, dto.verify);
      return 'sms';
    }
    if (!(await this.loginGuard.verifyPassword(user, user.username, dto.password!, ip)))
      throw fail('invalid_credentials');
    return 'password';
  }

  /** The Weibo token in clear (null without one), or undefined when the row was gone already. */
  private async remove(userId: string, m: EntityManager): Promise<string | null | undefined> {
    const locked = await m.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (!locked) return undefined;
    const weibo = await m
      .createQueryBuilder(Identity, 'i')
      .addSelect('i.credentialEnc')
      .where('i.user_id = :userId AND i.provider = :provider', { userId, provider: 'weibo' })
      .getOne();
    await m.delete(User, { id: userId });
    return weibo?.credentialEnc ? this.unseal(weibo.credentialEnc) : null;
  }

  /** A token sealed with a key since removed is not worth failing the deletion for. */
  private unseal(sealed: string): string | null {
    try {
      return this.box.open(sealed);
    } catch (err) {
      logger.warn(`Weibo token could not be unsealed: ${(err as Error).message}`);
      return null;
    }
  }

  /** SMS code and cooldown of the phone, the activation code and its cooldown. */
  private async forgetPendingState(user: User): Promise<void> {
    const keys = [activationKeys.user(user.id), activationKeys.cooldown(user.id)];
    const activationHash = await this.redis.get(activationKeys.user(user.id));
    if (activationHash) keys.push(activationKeys.code(activationHash));
    if (user.phone) keys.push(smsKeys.code(user.phone), smsKeys.cooldown(user.phone));
    await this.redis.del(...keys);
  }
}

async function quietly(what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    logger.warn(`${what} after account deletion failed: ${(err as Error).message}`);
  }
}
