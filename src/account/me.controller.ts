import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ActivationService } from '../activation/activation.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CachedProfile, CurrentUser, JwtAuthGuard, WithCachedProfile, type AuthUser } from '../auth/jwt-auth.guard.js';
import { ApiErrors, ApiOk, ApiOp, SIGNED_IN_ERRORS } from '../common/openapi/api-docs.js';
import type { Profile } from '../users/profile-cache.js';
import { EventsView, ProfileView } from './account.responses.js';
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
  @ApiOp('getMe', 'The signed-in user')
  @ApiOk(ProfileView)
  @ApiErrors(...SIGNED_IN_ERRORS)
  me(@CurrentUser() user: AuthUser, @CachedProfile() cached: Profile | undefined) {
    return cached ?? this.profiles.get(user.id);
  }

  @Get('events')
  @ApiOp('listSecurityEvents', "The signed-in user's recent security events (sign-ins, bindings, changes)")
  @ApiOk(EventsView)
  @ApiErrors(...SIGNED_IN_ERRORS)
  async events(@CurrentUser() user: AuthUser) {
    await this.profiles.get(user.id); // 401 account_gone once the account is deleted, like every /me route
    return { events: await this.audit.recent(user.id) };
  }

  @Post('activation')
  @HttpCode(200)
  @ApiOp('resendActivation', 'Send a new activation mail; the previous code stops working')
  @ApiOk(null)
  @ApiErrors(
    ...SIGNED_IN_ERRORS,
    'email_missing',
    'email_already_verified',
    'activation_resend_too_frequent',
    'activation_daily_limit',
  )
  async resendActivation(@CurrentUser() user: AuthUser) {
    await this.activation.resend(user.id);
    return {};
  }
}
