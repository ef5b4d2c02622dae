import { Controller, Get, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiOk, ApiOp } from '../common/openapi/api-docs.js';
import { ActivatedView } from './activation.responses.js';
import { ActivationService } from './activation.service.js';

@ApiTags('accounts')
@Controller('v1/users')
export class ActivationController {
  constructor(private readonly activation: ActivationService) {}

  @Get('activation')
  @ApiQuery({ name: 'code', description: 'the code from the activation link' })
  @ApiOp('activateEmail', 'Verify the email address with the code from the activation mail (single use)')
  @ApiOk(ActivatedView)
  @ApiErrors('invalid_parameters', 'activation_code_invalid')
  activate(@Query('code') code: string | undefined) {
    return this.activation.activate(code);
  }
}
