import { CacheModule } from '@nestjs/cache-manager';
import { Cluster } from 'ioredis';
import { Keyv } from 'keyv';
import type { RedisClient } from './redis-factory.js';
import { REDIS } from './redis.module.js';

/**
 * A Keyv store on the service's one Redis client, so the cache follows REDIS_MODE like everything else
 * (no second client, no second topology to configure). Keyv adds the `cache:` namespace and serialises;
 * TTLs arrive in milliseconds (cache-manager 7).
 */
export class RedisKeyvStore {
  namespace?: string;

  constructor(private readonly redis: RedisClient) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs && ttlMs > 0) await this.redis.set(key, value, 'PX', ttlMs);
    else await this.redis.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.unlink(key)) > 0;
  }

  /** Removes this namespace's keys, on every master of a Cluster. */
  async clear(): Promise<void> {
    const nodes = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
    const match = `${this.namespace ? `${this.namespace}:` : ''}*`;
    for (const node of nodes) {
      for await (const keys of node.scanStream({ match, count: 500 }) as AsyncIterable<string[]>) {
        if (keys.length) await Promise.all(keys.map((key) => node.unlink(key)));
      }
    }
  }
}

export const Cache = CacheModule.registerAsync({
  isGlobal: true,
  inject: [REDIS],
  useFactory: (redis: RedisClient) => ({
    // Plain JSON: Keyv's default (de)serialiser walks every value for Buffers and BigInts, which cached
    // profiles never hold, and was ~4 % of a `GET /v1/users/me` (docs/performance.md).
    stores: [
      new Keyv({
        store: new RedisKeyvStore(redis),
        namespace: 'cache',
        serialize: JSON.stringify,
        deserialize: JSON.parse,
      }),
    ],
  }),
});
