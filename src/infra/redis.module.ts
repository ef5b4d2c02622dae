import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { closeRedis, createRedis, type RedisClient } from './redis-factory.js';

export const REDIS = Symbol('REDIS');
export type { RedisClient };

/** The one Redis client for codes, limits, tickets and the profile cache, in any `REDIS_MODE`. */
@Global()
@Module({
  providers: [{ provide: REDIS, inject: [AppConfig], useFactory: (config: AppConfig) => createRedis(config.redis) }],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
