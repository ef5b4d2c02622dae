import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';

/** The one TypeORM data source. Outside production, pending migrations run at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        migrationsRun: config.env !== 'production',
        logging: ['error', 'migration'],
      }),
    }),
  ],
})
export class DatabaseModule {}

/**
 * The same data source for the worker's maintenance job and `npm run reseal`: it never migrates (the API
 * does) and connects on first use, so the worker starts and sends SMS without waiting for PostgreSQL.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const options = dataSourceOptions(config);
        return {
          ...options,
          extra: { ...(options.extra as object), max: 2 },
          manualInitialization: true,
          logging: ['error'],
        };
      },
    }),
  ],
})
export class LazyDatabaseModule {}
