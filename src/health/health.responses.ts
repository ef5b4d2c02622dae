import { ApiProperty } from '@nestjs/swagger';

export class LiveView {
  @ApiProperty({ enum: ['up'] })
  status: string;
}

class ReadyChecks {
  @ApiProperty({ enum: ['up'] }) database: string;
  @ApiProperty({ enum: ['up'] }) redis: string;
  /** Redis' maxmemory-policy is `noeviction` (docs/operations.md). */
  @ApiProperty({ enum: ['up'] }) redis_policy: string;
  @ApiProperty({ enum: ['up'] }) queue: string;
}

export class ReadyView {
  @ApiProperty({ enum: ['up'] })
  status: string;

  @ApiProperty({ type: ReadyChecks })
  checks: ReadyChecks;
}
