import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { ProfileService } from './profile.service.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users/me')
@UseGuards(JwtAuthGuard)
export class UsersController {
  constructor(private readonly profiles: ProfileService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentUser() user: AuthUser) {
    return this.profiles.get(user.id);
  }
}
