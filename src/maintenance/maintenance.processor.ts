import { Process, Processor } from '@nestjs/bull';
import { MAINTENANCE_QUEUE, PURGE_JOB } from './maintenance.queue.js';
import { PurgeService, type PurgeReport } from './purge.service.js';

/** Runs the scheduled purge; Bull retries a failed run at the next repeat. The report is the job's result. */
@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor {
  constructor(private readonly purge: PurgeService) {}

  @Process({ name: PURGE_JOB, concurrency: 1 })
  run(): Promise<PurgeReport> {
    return this.purge.run();
  }
}
