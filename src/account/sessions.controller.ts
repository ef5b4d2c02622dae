import { Controller, Delete, Get, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { SessionsService } from '../auth/sessions.service.js';
import { ApiErrors, ApiOk, ApiOp, SIGNED_IN_ERRORS } from '../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { SessionsView } from './account.responses.js';

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('v1/users/me/sessions')
@UseGuards(JwtAuthGuard)
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOp('listSessions', 'Live sign-in sessions (refresh-token families); `current` marks the one of this access token')
  @ApiOk(SessionsView)
  @ApiErrors(...SIGNED_IN_ERRORS)
  async list(@CurrentUser() user: AuthUser) {
    return { sessions: await this.sessions.list(user) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'a session id, or `all` for every session but the current one' })
  @ApiOp('endSession', 'End a session: its refresh and access tokens stop working at once')
  @ApiOk(null)
  @ApiErrors(...SIGNED_IN_ERRORS, 'bad_request', 'session_not_found')
  async revoke(@CurrentUser() user: AuthUser, @Param('id') id: string, @ReqMeta() meta: RequestMeta) {
    await this.sessions.revoke(user, id, meta);
    return {};
  }
}
