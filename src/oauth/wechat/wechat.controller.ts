import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsOptional, IsString, IsUrl, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ApiErrors, ApiOk, ApiOp, BODY_ERRORS } from '../../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../../common/request-context.js';
import { WechatLoginService } from './wechat-login.service.js';
import { WechatSignedInView } from './wechat.responses.js';

export class WechatUserInfoDto {
  @ApiPropertyOptional({ example: '小明', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  nickName?: string;

  @ApiPropertyOptional({ example: 'https://thirdwx.qlogo.cn/mmopen/abc/132', format: 'uri', maxLength: 512 })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(512)
  avatarUrl?: string;

  // The rest of wx.getUserProfile's userInfo is accepted and ignored, so clients can pass it through.
  @Allow() gender?: unknown;
  @Allow() language?: unknown;
  @Allow() city?: unknown;
  @Allow() province?: unknown;
  @Allow() country?: unknown;
}

export class WechatLoginDto {
  @ApiProperty({
    description: 'the code from wx.login (single use, valid 5 minutes)',
    minLength: 1,
    maxLength: 128,
    pattern: '^[\\x21-\\x7e]+$',
  })
  @IsString()
  @Length(1, 128)
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be the code from wx.login' })
  code: string;

  @ApiPropertyOptional({ type: WechatUserInfoDto, description: 'fills the profile of the WeChat identity' })
  @IsOptional()
  @ValidateNested()
  @Type(() => WechatUserInfoDto)
  userinfo?: WechatUserInfoDto;
}

@ApiTags('wechat')
@Controller('v1/users/wechat')
export class WechatController {
  constructor(private readonly wechat: WechatLoginService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOp('wechatLogin', 'Mini-program login with a wx.login code; creates the account on first use (is_new)')
  @ApiOk(WechatSignedInView)
  @ApiErrors(
    ...BODY_ERRORS,
    'wechat_code_invalid',
    'wechat_login_blocked',
    'wechat_login_limit',
    'too_many_login_failures',
    'provider_unavailable',
    'provider_misconfigured',
    'provider_error',
    'provider_token_mismatch',
    'provider_not_configured',
  )
  async login(@Body() dto: WechatLoginDto, @ReqMeta() meta: RequestMeta) {
    const { nickName, avatarUrl } = dto.userinfo ?? {};
    return this.wechat.login(dto.code, dto.userinfo && { nickName, avatarUrl }, meta);
  }
}
