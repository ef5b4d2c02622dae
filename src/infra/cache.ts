import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Keyv } from 'keyv';
import { AppConfig } from '../config/config.js';

/**
 * cache-manager 7 takes Keyv instances; `@keyv/redis` is the maintained successor of cache-manager-redis-yet
 * (which only works through a legacy adapter and keeps the process alive after close). See README.
 */
export const Cache = CacheModule.registerAsync({
  isGlobal: true,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    stores: [new Keyv({ store: new KeyvRedis(config.redisUrl, { throwOnConnectError: false }), namespace: 'cache' })],
  }),
});
