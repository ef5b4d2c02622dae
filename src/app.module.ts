import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccountModule } from './account/account.module.js';
import { ActivationModule } from './activation/activation.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule, Jwt } from './auth/auth.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { Cache } from './infra/cache.js';
import { BullRoot } from './infra/queues.js';
import { RedisModule } from './infra/redis.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { MailDeliveryModule } from './mail/mail.module.js';
import { WechatModule } from './oauth/wechat/wechat.module.js';
import { WeiboModule } from './oauth/weibo/weibo.module.js';
import { createRootLogger } from './observability/logger.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { SmsDeliveryModule, SmsModule } from './sms/sms.module.js';
import { UsersModule } from './users/users.module.js';

/** The HTTP API. `config` has been validated (and its embedded defaults resolved) before this is built. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        RedisModule,
        DatabaseModule.forRoot(createRootLogger(config, 'api')),
        BullRoot,
        Cache,
        Jwt,
        LimitsModule,
        AuditModule,
        ObservabilityModule,
        UsersModule,
        SmsModule,
        AuthModule,
        AccountModule,
        WeiboModule,
        ActivationModule,
        WechatModule,
        HealthModule,
        ...(config.sms.inlineWorker ? [SmsDeliveryModule, MailDeliveryModule] : []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
