import { ApiProperty } from '@nestjs/swagger';

export class ActivatedView {
  @ApiProperty({ example: 'xiaoming_88' })
  username: string;

  @ApiProperty({ enum: [true] })
  email_verified: boolean;
}
