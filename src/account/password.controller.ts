import { Body, Controller, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { Sensitive } from '../auth/reauth.guard.js';
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
  @ApiOperation({ summary: "Reset the password with an SMS code to the account's phone; every session is signed out" })
  async reset(@Body() dto: PasswordResetDto, @ReqMeta() meta: RequestMeta) {
    await this.resets.reset(dto, meta);
    return {};
  }

  @Put('me/password')
  @Sensitive('no-password')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change (or first set) the password; answers a new token pair and signs every session out' })
  change(@CurrentUser() user: AuthUser, @Body() dto: PasswordChangeDto, @ReqMeta() meta: RequestMeta) {
    return this.changes.change(user, dto, meta);
  }
}
