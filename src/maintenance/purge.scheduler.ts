import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../config/config.js';
import { MAINTENANCE_QUEUE, PURGE_JOB } from './maintenance.queue.js';

/**
 * Schedules the purge as one repeatable job. Bull keys a repeatable job by name and interval, so every worker
 * may schedule it at start and there is still one job per interval, run by one worker.
 */
@Injectable()
export class PurgeScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.operations.purge.everySeconds * 1000;
    // A changed PURGE_INTERVAL would otherwise leave the old schedule running beside the new one.
    for (const old of await this.queue.getRepeatableJobs())
      if (old.name === PURGE_JOB && Number(old.every) !== every) await this.queue.removeRepeatableByKey(old.key);
    await this.queue.add(PURGE_JOB, {}, { repeat: { every }, removeOnComplete: 20, removeOnFail: 20 });
    new Logger('Purge').log(`scheduled every ${every / 1000} s`);
  }
}
