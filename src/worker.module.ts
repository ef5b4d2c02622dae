import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { BullRoot } from './infra/queues.js';
import { RedisModule } from './infra/redis.module.js';
import { WorkerMetricsModule } from './observability/observability.module.js';
import { MailDeliveryModule } from './mail/mail.module.js';
import { SmsDeliveryModule } from './sms/sms.module.js';

/** The queue worker: consumers only, no HTTP server and no database connection. */
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
      ],
    };
  }
}
