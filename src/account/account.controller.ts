import { Body, Controller, Delete, HttpCode, Patch, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { isReauthenticated, Sensitive } from '../auth/reauth.guard.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { AccountDeletionDto, EmailChangeDto, PhoneChangeDto, ProfileUpdateDto } from './account.dto.js';
import { AccountDeletionService } from './account-deletion.service.js';
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
  @ApiOperation({ summary: 'Update profile fields (nickname, avatar, gender, birthday, signature); null clears one' })
  update(@CurrentUser() user: AuthUser, @Body() dto: ProfileUpdateDto) {
    return this.account.updateProfile(user.id, dto);
  }

  @Put('phone')
  @Sensitive()
  @ApiOperation({ summary: 'Change the phone; `verify` is a code sent to the new phone' })
  changePhone(@CurrentUser() user: AuthUser, @Body() dto: PhoneChangeDto, @ReqMeta() meta: RequestMeta) {
    return this.account.changePhone(user.id, dto, meta);
  }

  @Put('email')
  @Sensitive()
  @ApiOperation({ summary: 'Change the email; it is unverified until the link of the activation mail is used' })
  changeEmail(@CurrentUser() user: AuthUser, @Body() dto: EmailChangeDto, @ReqMeta() meta: RequestMeta) {
    return this.account.changeEmail(user.id, dto, meta);
  }

  @Delete()
  @HttpCode(200)
  @Sensitive('optional')
  @ApiOperation({
    summary: 'Delete the account (password, an SMS code to its phone, or X-Reauth-Token); its identifiers become free',
  })
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
