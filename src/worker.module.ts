import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { Cache } from './infra/cache.js';
import { BullRoot } from './infra/queues.js';
import { RedisModule } from './infra/redis.module.js';
import { MailDeliveryModule } from './mail/mail.module.js';
import { MaintenanceJobsModule } from './maintenance/maintenance.module.js';
import { WorkerMetricsModule } from './observability/observability.module.js';
import { SmsDeliveryModule } from './sms/sms.module.js';

/**
 * The queue worker: consumers, no API routes. With DATABASE_URL it also runs the scheduled purge, on a
 * connection opened at its first run (the embedded database of `npm start` belongs to the API process).
 */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        RedisModule,
        WorkerMetricsModule,
        BullRoot,
        SmsDeliveryModule,
        MailDeliveryModule,
        ...(config.databaseUrl ? [DatabaseModule.lazy(), Cache, MaintenanceJobsModule] : []),
      ],
    };
  }
}
