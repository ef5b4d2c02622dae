import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ActivationService } from './activation.service.js';

@ApiTags('accounts')
@Controller('v1/users')
export class ActivationController {
  constructor(private readonly activation: ActivationService) {}

  @Get('activation')
  @ApiQuery({ name: 'code', description: 'the code from the activation link' })
  @ApiOperation({ summary: 'Verify the email address with the code from the activation mail (single use)' })
  activate(@Query('code') code: string | undefined) {
    return this.activation.activate(code);
  }
}
