import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CodeIssuedView {
  @ApiProperty({ example: '3f2a9c4e8b7d4a1f9e0c6b5a4d3e2f10', description: 'for GET /v1/users/sms/code/{request_id}' })
  request_id: string;

  @ApiProperty({ example: 300, description: 'seconds the code stays valid' })
  expires_in: number;

  @ApiProperty({ example: 60, description: 'seconds before another code can be sent to this phone' })
  resend_in: number;
}

export class SmsStatusView {
  @ApiProperty({
    enum: ['queued', 'sent', 'failed', 'unknown'],
    description: '`unknown`: the provider may or may not have sent it; it is never re-sent blindly',
  })
  status: string;

  @ApiPropertyOptional({ description: 'why it failed (only with `failed`)' })
  reason?: string;
}
