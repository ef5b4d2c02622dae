/** `npm run reseal`: re-seals every stored provider credential under ENCRYPTION_KEY_VERSION (docs/operations.md). */
import 'reflect-metadata';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, loadConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { Cache } from '../infra/cache.js';
import { RedisModule } from '../infra/redis.module.js';
import { prepareRuntime } from '../infra/runtime.js';
import { WorkerMetricsModule } from '../observability/observability.module.js';
import { exitOnConfigError } from '../process.js';
import { MaintenanceModule } from './maintenance.module.js';
import { ResealService } from './reseal.service.js';

@Module({})
class ResealModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ResealModule,
      imports: [
        ConfigModule.forRoot(config),
        RedisModule,
        DatabaseModule.lazy(),
        Cache,
        WorkerMetricsModule,
        MaintenanceModule,
      ],
    };
  }
}

async function main(): Promise<void> {
  const runtime = await prepareRuntime(loadConfig(), { database: true });
  const app = await NestFactory.createApplicationContext(ResealModule.register(runtime.config), {
    logger: ['log', 'warn', 'error'],
  });
  const report = await app.get(ResealService).run();
  new Logger('Reseal').log(
    `key version ${runtime.config.encryption.current}: ${report.resealed} re-sealed, ${report.unreadable} unreadable`,
  );
  console.log(JSON.stringify(report));
  await app.close();
  await runtime.stop();
}

main().catch(exitOnConfigError);
