import { Body, Controller, Delete, HttpCode, Post, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { PasswordLoginDto, RegisterDto } from '../../auth/auth.dto.js';
import { TokensView } from '../../auth/auth.responses.js';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../../auth/jwt-auth.guard.js';
import { Sensitive } from '../../auth/reauth.guard.js';
import {
  ApiErrors,
  ApiOk,
  ApiOp,
  BODY_ERRORS,
  HASHING_ERRORS,
  SIGNED_IN_ERRORS,
} from '../../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../../common/request-context.js';
import { TICKET_FORMAT } from './bind-ticket.store.js';
import { BindService } from './bind.service.js';
import { WeiboLoginService } from './weibo-login.service.js';

const IsBindTicket = () =>
  applyDecorators(
    ApiProperty({
      description: 'the bind_ticket from the Weibo callback (code 201); single use, short-lived',
      pattern: TICKET_FORMAT.source,
    }),
    IsString(),
    Matches(TICKET_FORMAT, { message: 'must be the bind_ticket from the Weibo callback' }),
  );

/** Registration's fields plus the ticket. There is deliberately no `uid` field: the ticket is the only proof. */
export class WeiboNewAccountDto extends RegisterDto {
  @IsBindTicket() bind_ticket: string;
}

/** Password login's fields plus the ticket. */
export class WeiboBindDto extends PasswordLoginDto {
  @IsBindTicket() bind_ticket: string;
}

@ApiTags('weibo')
@Controller('v1/users')
export class BindController {
  constructor(
    private readonly binds: BindService,
    private readonly login: WeiboLoginService,
  ) {}

  @Post('weibo/users')
  @HttpCode(201)
  @ApiOp(
    'createWeiboAccount',
    'Create an account (phone proved by its SMS code) and bind the Weibo of the ticket to it',
  )
  @ApiOk(TokensView, 201)
  @ApiErrors(
    ...BODY_ERRORS,
    ...HASHING_ERRORS,
    'bind_ticket_invalid',
    'sms_code_invalid',
    'sms_verify_locked',
    'username_taken',
    'phone_taken',
    'email_taken',
    'identity_bound_to_another_account',
    'account_already_has_identity',
    'bind_database_error',
  )
  createAccount(@Body() dto: WeiboNewAccountDto, @ReqMeta() meta: RequestMeta) {
    return this.binds.createAccount(dto, meta);
  }

  @Post('weibo/bind')
  @HttpCode(200)
  @ApiOp('bindWeibo', 'Bind the Weibo of the ticket to an existing account (password; limited like login)')
  @ApiOk(TokensView)
  @ApiErrors(
    ...BODY_ERRORS,
    ...HASHING_ERRORS,
    'bind_ticket_invalid',
    'invalid_credentials',
    'too_many_login_failures',
    'identity_bound_to_another_account',
    'account_already_has_identity',
  )
  bindExisting(@Body() dto: WeiboBindDto, @ReqMeta() meta: RequestMeta) {
    return this.binds.bindExisting(dto, meta);
  }

  @Delete('me/identities/weibo')
  @Sensitive()
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOp('unlinkWeibo', 'Unlink Weibo and revoke its token (best effort); refused if it is the only way to sign in')
  @ApiOk(null)
  @ApiErrors(...SIGNED_IN_ERRORS, 'reauth_required', 'identity_not_found', 'last_sign_in_method')
  async unlink(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta) {
    await this.login.unlink(user.id, meta);
    return {};
  }
}
