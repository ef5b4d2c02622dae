import { Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { ActivationService } from './activation.service.js';

@ApiTags('accounts')
@Controller('v1/users')
export class ActivationController {
  constructor(private readonly activation: ActivationService) {}

  @Get('activation')
  @ApiQuery({ name: 'code', description: 'the code from the activation link' })
  @ApiOperation({ summary: 'Verify the email address with the code from the activation mail (single use)' })
  activate(@Query('code') code: string | undefined) {
    return this.activation.activate(code);
  }

  @Post('me/activation')
  @HttpCode(200)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Send a new activation mail; the previous code stops working' })
  async resend(@CurrentUser() user: AuthUser) {
    await this.activation.resend(user.id);
    return {};
  }
}
