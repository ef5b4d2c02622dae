import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { CaptchaField } from '../captcha/captcha-field.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { ReauthDto } from './account.dto.js';
import { ReauthService } from './reauth.service.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users/me/reauth')
@UseGuards(JwtAuthGuard)
export class ReauthController {
  constructor(private readonly reauth: ReauthService) {}

  @Post('sms')
  @HttpCode(200)
  @ApiOperation({ summary: "Send a code to the account's current phone, for POST /v1/users/me/reauth" })
  sendCode(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta, @CaptchaField() captcha?: string) {
    return this.reauth.sendCode(user, meta.ip, captcha);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Prove it is the owner (password, SMS code or wx.login code): a reauth_token for X-Reauth-Token',
  })
  reauthenticate(@CurrentUser() user: AuthUser, @Body() dto: ReauthDto, @ReqMeta() meta: RequestMeta) {
    return this.reauth.reauthenticate(user, dto, meta);
  }
}
