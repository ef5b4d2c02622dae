import { Body, Controller, Delete, HttpCode, Patch, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { isReauthenticated, Sensitive } from '../auth/reauth.guard.js';
import { ApiErrors, ApiOk, ApiOp, BODY_ERRORS, HASHING_ERRORS, SIGNED_IN_ERRORS } from '../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AccountDeletionDto, EmailChangeDto, PhoneChangeDto, ProfileUpdateDto } from './account.dto.js';
import { EmailChangedView, PhoneChangedView, ProfileView } from './account.responses.js';
import { AccountService } from './account.service.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users/me')
@UseGuards(JwtAuthGuard)
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly deletion: AccountDeletionService,
  ) {}

  @Patch()
  @ApiOp('updateProfile', 'Update profile fields (nickname, avatar, gender, birthday, signature); null clears one')
  @ApiOk(ProfileView)
  @ApiErrors(...SIGNED_IN_ERRORS, ...BODY_ERRORS, 'nothing_to_change')
  update(@CurrentUser() user: AuthUser, @Body() dto: ProfileUpdateDto) {
    return this.account.updateProfile(user.id, dto);
  }

  @Put('phone')
  @Sensitive()
  @ApiOp('changePhone', 'Change the phone; `verify` is a code sent to the new phone')
  @ApiOk(PhoneChangedView)
  @ApiErrors(
    ...SIGNED_IN_ERRORS,
    ...BODY_ERRORS,
    'reauth_required',
    'sms_code_invalid',
    'sms_verify_locked',
    'phone_taken',
  )
  changePhone(@CurrentUser() user: AuthUser, @Body() dto: PhoneChangeDto, @ReqMeta() meta: RequestMeta) {
    return this.account.changePhone(user.id, dto, meta);
  }

  @Put('email')
  @Sensitive()
  @ApiOp('changeEmail', 'Change the email; it is unverified until the link of the activation mail is used')
  @ApiOk(EmailChangedView)
  @ApiErrors(...SIGNED_IN_ERRORS, ...BODY_ERRORS, 'reauth_required', 'email_taken', 'email_change_limit')
  changeEmail(@CurrentUser() user: AuthUser, @Body() dto: EmailChangeDto, @ReqMeta() meta: RequestMeta) {
    return this.account.changeEmail(user.id, dto, meta);
  }

  @Delete()
  @HttpCode(200)
  @Sensitive('optional')
  @ApiOp(
    'deleteAccount',
    'Delete the account (password, an SMS code to its phone, or X-Reauth-Token); its identifiers become free',
  )
  @ApiOk(null)
  @ApiErrors(
    ...SIGNED_IN_ERRORS,
    ...BODY_ERRORS,
    ...HASHING_ERRORS,
    'reauth_required',
    'invalid_credentials',
    'too_many_login_failures',
    'sms_code_invalid',
    'sms_verify_locked',
  )
  async remove(
    @CurrentUser() user: AuthUser,
    @Body() dto: AccountDeletionDto,
    @ReqMeta() meta: RequestMeta,
    @Req() request: { reauthenticated?: boolean },
  ) {
    await this.deletion.delete(user, dto, meta, isReauthenticated(request));
    return {};
  }
}
