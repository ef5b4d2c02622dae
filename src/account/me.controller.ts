import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service.js';
import { CachedProfile, CurrentUser, JwtAuthGuard, WithCachedProfile, type AuthUser } from '../auth/jwt-auth.guard.js';
import { ActivationService } from '../activation/activation.service.js';
import type { Profile } from '../users/profile-cache.js';
import { ProfileService } from './profile.service.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users/me')
@UseGuards(JwtAuthGuard)
export class MeController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly audit: AuditService,
    private readonly activation: ActivationService,
  ) {}

  @Get()
  @WithCachedProfile()
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentUser() user: AuthUser, @CachedProfile() cached: Profile | undefined) {
    return cached ?? this.profiles.get(user.id);
  }

  @Get('events')
  @ApiOperation({ summary: "The signed-in user's recent security events (sign-ins, bindings, changes)" })
  async events(@CurrentUser() user: AuthUser) {
    await this.profiles.get(user.id); // 401 account_gone once the account is deleted, like every /me route
    return { events: await this.audit.recent(user.id) };
  }

  @Post('activation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a new activation mail; the previous code stops working' })
  async resendActivation(@CurrentUser() user: AuthUser) {
    await this.activation.resend(user.id);
    return {};
  }
}
