import { InjectQueue } from '@nestjs/bull';
import { Controller, Get, Inject } from '@nestjs/common';
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

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(SMS_QUEUE) private readonly queue: Queue,
  ) {}

  @Get('live')
  @ApiOp('getLiveness', 'Liveness: the process answers')
  @ApiOk(LiveView)
  @ApiErrors()
  live() {
    return { status: 'up' };
  }

  /** Ready when PostgreSQL, Redis and the queue's Redis connection all answer. */
  @Get('ready')
  @ApiOp('getReadiness', 'Readiness: PostgreSQL, Redis and the queue answer')
  @ApiOk(ReadyView)
  @ApiErrors('not_ready')
  async ready() {
    const checks = {
      database: await probe(() => this.db.query('SELECT 1')),
      redis: await probe(() => this.redis.ping()),
      queue: await probe(() => this.queue.client.ping()),
    };
    if (Object.values(checks).some((s) => s !== 'up')) {
      throw fail('not_ready');
    }
    return { status: 'up', checks };
  }
}

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS)),
  );
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
