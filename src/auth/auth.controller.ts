import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiOk, ApiOp, BODY_ERRORS, HASHING_ERRORS } from '../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { PasswordLoginDto, RefreshDto, RegisterDto, SmsLoginDto } from './auth.dto.js';
import { TokensView } from './auth.responses.js';
import { AuthService } from './auth.service.js';
import { RegistrationService } from './registration.service.js';
import { TokensService } from './tokens.service.js';

@ApiTags('accounts')
@Controller('v1/users')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post()
  @HttpCode(201)
  @ApiOp('register', 'Register with username, password, phone (proved by its SMS code) and email')
  @ApiOk(TokensView, 201)
  @ApiErrors(
    ...BODY_ERRORS,
    ...HASHING_ERRORS,
    'sms_code_invalid',
    'sms_verify_locked',
    'username_taken',
    'phone_taken',
    'email_taken',
  )
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
  @ApiOp('login', 'Password login; account is a username, phone or email')
  @ApiOk(TokensView)
  @ApiErrors(...BODY_ERRORS, ...HASHING_ERRORS, 'invalid_credentials', 'too_many_login_failures')
  login(@Body() dto: PasswordLoginDto, @ReqMeta() meta: RequestMeta) {
    return this.auth.passwordLogin(dto, meta);
  }

  @Post('sms')
  @HttpCode(200)
  @ApiOp('smsLogin', 'SMS-code login')
  @ApiOk(TokensView)
  @ApiErrors(...BODY_ERRORS, 'sms_code_invalid', 'sms_verify_locked', 'account_not_found')
  smsLogin(@Body() dto: SmsLoginDto, @ReqMeta() meta: RequestMeta) {
    return this.auth.smsLogin(dto, meta);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOp('refreshTokens', 'Exchange a refresh token for a new pair (rotation; reuse revokes the session)')
  @ApiOk(TokensView)
  @ApiErrors(
    ...BODY_ERRORS,
    'refresh_token_invalid',
    'refresh_token_revoked',
    'refresh_token_expired',
    'refresh_token_reused',
    'account_gone',
  )
  refresh(@Body() dto: RefreshDto, @ReqMeta() meta: RequestMeta) {
    return this.auth.refresh(dto.refresh_token, meta);
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOp('revokeToken', 'Sign out: revoke the session of this refresh token')
  @ApiOk(null)
  @ApiErrors(...BODY_ERRORS)
  async revoke(@Body() dto: RefreshDto) {
    await this.tokens.revoke(dto.refresh_token);
    return {};
  }
}
