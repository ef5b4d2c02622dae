import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { PasswordLoginDto, RefreshDto, RegisterDto, SmsLoginDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { RegistrationService } from './registration.service.js';
import { TokensService } from './tokens.service.js';

@ApiTags('accounts')
@Controller('v1/users')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register with username, password, phone (proved by its SMS code) and email' })
  register(@Body() dto: RegisterDto, @ReqMeta() meta: RequestMeta) {
    return this.registration.register(dto, meta);
  }
}

@ApiTags('tokens')
@Controller('v1/tokens')
export class TokensController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokensService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Password login; account is a username, phone or email' })
  login(@Body() dto: PasswordLoginDto, @ReqMeta() meta: RequestMeta) {
    return this.auth.passwordLogin(dto, meta);
  }

  @Post('sms')
  @HttpCode(200)
  @ApiOperation({ summary: 'SMS-code login' })
  smsLogin(@Body() dto: SmsLoginDto, @ReqMeta() meta: RequestMeta) {
    return this.auth.smsLogin(dto, meta);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (rotation; reuse revokes the session)' })
  refresh(@Body() dto: RefreshDto, @ReqMeta() meta: RequestMeta) {
    return this.auth.refresh(dto.refresh_token, meta);
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign out: revoke the session of this refresh token' })
  async revoke(@Body() dto: RefreshDto) {
    await this.tokens.revoke(dto.refresh_token);
    return {};
  }
}
