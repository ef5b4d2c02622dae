import { InjectQueue } from '@nestjs/bull';
import { Controller, Get, Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { fail } from '../common/errors/index.js';
import { ApiErrors, ApiOk, ApiOp } from '../common/openapi/api-docs.js';
import { SMS_QUEUE } from '../infra/queues.js';
import { REDIS } from '../infra/redis.module.js';
import { LiveView, ReadyView } from './health.responses.js';
import { probeAll, requireNoEviction, warnUnlessNoEviction } from './probes.js';

@ApiTags('health')
@Controller('health')
export class HealthController implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(SMS_QUEUE) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    warnUnlessNoEviction(this.redis, new Logger('Health'));
  }

  @Get('live')
  @ApiOp('getLiveness', 'Liveness: the process answers')
  @ApiOk(LiveView)
  @ApiErrors()
  live() {
    return { status: 'up' };
  }

  /** Ready when PostgreSQL, Redis (with `noeviction`) and the queue's Redis connection all answer in time. */
  @Get('ready')
  @ApiOp('getReadiness', 'Readiness: PostgreSQL, Redis and the queue answer')
  @ApiOk(ReadyView)
  @ApiErrors('not_ready')
  async ready() {
    const checks = await probeAll({
      database: () => this.db.query('SELECT 1'),
      redis: () => this.redis.ping(),
      redis_policy: () => requireNoEviction(this.redis),
      queue: () => this.queue.client.ping(),
    });
    if (Object.values(checks).some((s) => s !== 'up')) throw fail('not_ready');
    return { status: 'up', checks };
  }
}
