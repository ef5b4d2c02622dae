import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './config.js';

/** Provides the already-validated config object; it is never re-read from the environment. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
