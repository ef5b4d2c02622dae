import { Body, Controller, Delete, HttpCode, Post, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { CurrentUser, JwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { IsEmailAddress, IsMainlandPhone, IsPassword, IsSmsCode, IsUsername } from '../users/user.validators.js';
import { TICKET_FORMAT } from './bind-ticket.store.js';
import { BindService } from './bind.service.js';
import { WeiboLoginService } from './weibo-login.service.js';

const IsBindTicket = () =>
  applyDecorators(
    ApiProperty({ description: 'the bind_ticket from the Weibo callback (code 201); single use, short-lived' }),
    IsString(),
    Matches(TICKET_FORMAT, { message: 'must be the bind_ticket from the Weibo callback' }),
  );

/** There is deliberately no `uid` field: the ticket is the only proof of the Weibo account. */
export class WeiboNewAccountDto {
  @IsBindTicket() bind_ticket: string;
  @IsUsername() username: string;
  @IsPassword() password: string;
  @IsMainlandPhone() phone: string;
  @IsEmailAddress() email: string;
  @IsSmsCode() verify: string;
}

export class WeiboBindDto {
  @IsBindTicket() bind_ticket: string;

  @ApiProperty({ description: 'username, phone or email' })
  @IsString()
  @Length(1, 254)
  account: string;

  @ApiProperty()
  @IsString()
  @Length(1, 128)
  password: string;
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
  @ApiOperation({ summary: 'Create an account (phone proved by its SMS code) and bind the Weibo of the ticket to it' })
  createAccount(@Body() dto: WeiboNewAccountDto, @ReqMeta() meta: RequestMeta) {
    return this.binds.createAccount(dto, meta);
  }

  @Post('weibo/bind')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bind the Weibo of the ticket to an existing account (password; limited like login)' })
  bindExisting(@Body() dto: WeiboBindDto, @ReqMeta() meta: RequestMeta) {
    return this.binds.bindExisting(dto, meta);
  }

  @Delete('me/identities/weibo')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlink Weibo and revoke its token (best effort); refused if it is the only way to sign in' })
  async unlink(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta) {
    await this.login.unlink(user.id, meta);
    return {};
  }
}
