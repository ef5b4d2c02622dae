import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { registerQueue } from '../infra/queues.js';
import { MaintenanceProcessor } from './maintenance.processor.js';
import { MAINTENANCE_QUEUE } from './maintenance.queue.js';
import { PurgeScheduler } from './purge.scheduler.js';
import { PurgeService } from './purge.service.js';
import { ResealService } from './reseal.service.js';

/**
 * The purge and reseal services. They need a data source (DatabaseModule.lazy()), the profile cache's store
 * (IdentitiesService drops cached profiles) and JobMetrics from the importing root.
 */
@Module({
  imports: [AuditModule, IdentitiesModule],
  providers: [RefreshTokensRepository, PurgeService, ResealService],
  exports: [PurgeService, ResealService],
})
export class MaintenanceModule {}

/** The worker's scheduled purge: the repeatable job and its consumer. */
@Module({
  imports: [MaintenanceModule, registerQueue(MAINTENANCE_QUEUE)],
  providers: [PurgeScheduler, MaintenanceProcessor],
})
export class MaintenanceJobsModule {}
