import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CAPTCHA_MAX_CHARS } from '../captcha/captcha-verifier.js';
import { ApiErrors, ApiOk, ApiOp, BODY_ERRORS } from '../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { IsMainlandPhone } from '../users/user.validators.js';
import { CodeIssuedView, SmsStatusView } from './sms-code.responses.js';
import { SmsCodeService } from './sms-code.service.js';

export class SendCodeDto {
  @IsMainlandPhone()
  phone: string;

  /** A solved captcha when a 428 `captcha_required` asked for one (docs/captcha.md). */
  @IsOptional()
  @IsString()
  @MaxLength(CAPTCHA_MAX_CHARS)
  captcha?: string;
}

@ApiTags('sms')
@Controller('v1/users/sms/code')
export class SmsCodeController {
  constructor(private readonly codes: SmsCodeService) {}

  @Post()
  @HttpCode(200)
  @ApiOp('sendSmsCode', 'Send a 6-digit verification code to a phone (queued; see the status route)')
  @ApiOk(CodeIssuedView)
  @ApiErrors(
    ...BODY_ERRORS,
    'sms_too_frequent',
    'sms_ip_limit',
    'sms_daily_limit',
    'sms_global_limit',
    'captcha_required',
  )
  send(@Body() dto: SendCodeDto, @ReqMeta() meta: RequestMeta) {
    return this.codes.issue(dto.phone, meta.ip, dto.captcha);
  }

  @Get(':request_id')
  @ApiOp('getSmsCodeStatus', 'Delivery status of a code request: queued, sent or failed')
  @ApiOk(SmsStatusView)
  @ApiErrors('bad_request', 'sms_request_not_found')
  status(@Param('request_id') requestId: string) {
    return this.codes.status(requestId);
  }
}
