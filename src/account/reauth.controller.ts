import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { CaptchaField } from '../captcha/captcha-field.js';
import { ApiErrors, ApiOk, ApiOp, BODY_ERRORS, HASHING_ERRORS, SIGNED_IN_ERRORS } from '../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { CodeIssuedView } from '../sms/sms-code.responses.js';
import { ReauthDto } from './account.dto.js';
import { ReauthTokenView } from './account.responses.js';
import { ReauthService } from './reauth.service.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users/me/reauth')
@UseGuards(JwtAuthGuard)
export class ReauthController {
  constructor(private readonly reauth: ReauthService) {}

  @Post('sms')
  @HttpCode(200)
  @ApiOp('sendReauthSmsCode', "Send a code to the account's current phone, for POST /v1/users/me/reauth")
  @ApiOk(CodeIssuedView)
  @ApiErrors(
    ...SIGNED_IN_ERRORS,
    ...BODY_ERRORS,
    'phone_missing',
    'sms_too_frequent',
    'sms_ip_limit',
    'sms_daily_limit',
    'sms_global_limit',
    'captcha_required',
  )
  sendCode(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta, @CaptchaField() captcha?: string) {
    return this.reauth.sendCode(user, meta.ip, captcha);
  }

  @Post()
  @HttpCode(200)
  @ApiOp(
    'reauthenticate',
    'Prove it is the owner (password, SMS code or wx.login code): a reauth_token for X-Reauth-Token',
  )
  @ApiOk(ReauthTokenView)
  @ApiErrors(
    ...SIGNED_IN_ERRORS,
    ...BODY_ERRORS,
    ...HASHING_ERRORS,
    'invalid_credentials',
    'too_many_login_failures',
    'sms_code_invalid',
    'sms_verify_locked',
    'phone_missing',
    'wechat_code_invalid',
    'wechat_login_blocked',
    'wechat_login_limit',
    'provider_unavailable',
    'provider_misconfigured',
    'provider_error',
    'provider_token_mismatch',
    'provider_not_configured',
  )
  reauthenticate(@CurrentUser() user: AuthUser, @Body() dto: ReauthDto, @ReqMeta() meta: RequestMeta) {
    return this.reauth.reauthenticate(user, dto, meta);
  }
}
