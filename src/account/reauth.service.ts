import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { CredentialsService } from '../auth/credentials.service.js';
import type { AuthUser } from '../auth/jwt-auth.guard.js';
import { ReauthTokens } from '../auth/reauth-tokens.js';
import { fail, invalid } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { WechatLoginService } from '../oauth/wechat/wechat-login.service.js';
import { SmsCodeService, type IssuedCode } from '../sms/sms-code.service.js';
import { UsersService } from '../users/users.service.js';
import type { ReauthDto } from './account.dto.js';

/** `POST /v1/users/me/reauth[/sms]`: a fresh proof of the owner buys a short-lived `reauth_token`. */
@Injectable()
export class ReauthService {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
    private readonly sms: SmsCodeService,
    private readonly wechat: WechatLoginService,
    private readonly tokens: ReauthTokens,
    private readonly audit: AuditService,
  ) {}

  /** A code to the account's current phone, limited (and captcha-guarded) like every code request. */
  async sendCode(auth: AuthUser, ip: string, captcha?: string): Promise<IssuedCode> {
    const user = await this.users.require(auth.id);
    if (!user.phone) throw fail('phone_missing');
    return this.sms.issue(user.phone, ip, captcha);
  }

  async reauthenticate(auth: AuthUser, dto: ReauthDto, meta: RequestMeta) {
    const given = (['password', 'verify', 'wechat_code'] as const).filter((k) => dto[k] !== undefined);
    if (given.length !== 1) throw invalid({ password: 'give exactly one of password, verify or wechat_code' });
    const user = await this.users.require(auth.id);
    if (dto.password !== undefined) {
      await this.credentials.assertPassword(user, user.username, dto.password, meta);
    } else if (dto.verify !== undefined) {
      if (!user.phone) throw fail('sms_code_invalid');
      await this.sms.verify(user.phone, dto.verify);
    } else if ((await this.wechat.ownerOf(dto.wechat_code!, meta.ip)) !== user.id) {
      throw fail('wechat_code_invalid');
    }
    await this.audit.record('reauthenticated', user.id, meta, { method: given[0] });
    return this.tokens.issue(auth);
  }
}
