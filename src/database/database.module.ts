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
