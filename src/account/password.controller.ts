import { Body, Controller, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TokensView } from '../auth/auth.responses.js';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { Sensitive } from '../auth/reauth.guard.js';
import { ApiErrors, ApiOk, ApiOp, BODY_ERRORS, HASHING_ERRORS, SIGNED_IN_ERRORS } from '../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { PasswordChangeDto, PasswordResetDto } from './account.dto.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';

@ApiTags('accounts')
@Controller('v1/users')
export class PasswordController {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly changes: PasswordChangeService,
  ) {}

  @Post('password/reset')
  @HttpCode(200)
  @ApiOp('resetPassword', "Reset the password with an SMS code to the account's phone; every session is signed out")
  @ApiOk(null)
  @ApiErrors(...BODY_ERRORS, ...HASHING_ERRORS, 'sms_code_invalid', 'sms_verify_locked', 'too_many_reset_failures')
  async reset(@Body() dto: PasswordResetDto, @ReqMeta() meta: RequestMeta) {
    await this.resets.reset(dto, meta);
    return {};
  }

  @Put('me/password')
  @Sensitive('no-password')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOp('changePassword', 'Change (or first set) the password; answers a new token pair and signs every session out')
  @ApiOk(TokensView)
  @ApiErrors(
    ...SIGNED_IN_ERRORS,
    ...BODY_ERRORS,
    ...HASHING_ERRORS,
    'reauth_required',
    'invalid_credentials',
    'too_many_login_failures',
  )
  change(@CurrentUser() user: AuthUser, @Body() dto: PasswordChangeDto, @ReqMeta() meta: RequestMeta) {
    return this.changes.change(user, dto, meta);
  }
}
