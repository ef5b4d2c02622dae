import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infra/redis.module.js';

const KEY = 'metrics:jobs';

export type JobOutcome = 'sent' | 'retried' | 'failed' | 'unknown' | 'queued' | 'skipped';

/**
 * Job outcomes counted in Redis by whichever worker ran them (workers have no HTTP server to scrape);
 * the API's /metrics exports the totals of all workers.
 */
@Injectable()
export class JobMetrics {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async record(queue: string, outcome: JobOutcome, reason = ''): Promise<void> {
    await this.redis.hincrby(KEY, `${queue}|${outcome}|${reason}`, 1).catch(() => undefined);
  }

  async totals(): Promise<Array<{ queue: string; outcome: string; reason: string; count: number }>> {
    const raw = await this.redis.hgetall(KEY);
    return Object.entries(raw).map(([field, count]) => {
      const [queue, outcome, reason] = field.split('|');
      return { queue, outcome, reason, count: Number(count) };
    });
  }
}
