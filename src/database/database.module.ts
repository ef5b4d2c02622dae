import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';
import { QueryLogger } from './query-logger.js';

/** The one TypeORM data source, logging through the service's logger. Outside production, pending migrations run at start. */
@Module({})
export class DatabaseModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config, new QueryLogger(logger)),
            migrationsRun: config.env !== 'production',
          }),
        }),
      ],
    };
  }

  /**
   * The same data source for the worker's purge and `npm run reseal`: it never migrates (the API does) and
   * connects on first use, so the worker starts and sends SMS without waiting for PostgreSQL.
   */
  static lazy(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            const options = dataSourceOptions(config);
            return { ...options, extra: { ...(options.extra as object), max: 2 }, manualInitialization: true };
          },
        }),
      ],
    };
  }
}
