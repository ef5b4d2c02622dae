import { ApiProperty } from '@nestjs/swagger';

export class LiveView {
  @ApiProperty({ enum: ['up'] })
  status: string;
}

class ReadyChecks {
  @ApiProperty({ enum: ['up'] }) database: string;
  @ApiProperty({ enum: ['up'] }) redis: string;
  @ApiProperty({ enum: ['up'] }) queue: string;
}

export class ReadyView {
  @ApiProperty({ enum: ['up'] })
  status: string;

  @ApiProperty({ type: ReadyChecks })
  checks: ReadyChecks;
}
