import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { QueryLogger } from '../database/query-logger.js';
import { createRootLogger } from '../observability/logger.js';

/** The one TypeORM data source. Outside production, pending migrations run at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config, new QueryLogger(createRootLogger(config, 'api'))),
        migrationsRun: config.env !== 'production',
      }),
    }),
  ],
})
export class DatabaseModule {}
