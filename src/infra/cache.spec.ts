import { createCache } from 'cache-manager';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { RedisKeyvStore } from './cache.js';

// The profile cache's store against the real Redis (database 14), through Keyv and cache-manager as the app uses it.
const redis = new Redis('redis://127.0.0.1:6379/14');
const namespace = `cache-spec-${process.pid}`;
const cache = createCache({ stores: [new Keyv({ store: new RedisKeyvStore(redis), namespace })] });

afterAll(() => redis.quit());

describe('RedisKeyvStore', () => {
  it('stores values under the namespace with a millisecond TTL, and deletes them', async () => {
    await cache.set('profile:1', { username: 'xiaoming' }, 60_000);
    expect(await cache.get('profile:1')).toEqual({ username: 'xiaoming' });
    const ttl = await redis.pttl(`${namespace}:profile:1`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await cache.del('profile:1');
    expect(await redis.exists(`${namespace}:profile:1`)).toBe(0);
    expect(await cache.get('profile:1')).toBeUndefined();
  });

  it('clears only its own namespace', async () => {
    await cache.set('a', 1, 60_000);
    await redis.set('other:key', 'kept', 'EX', 60);
    await cache.clear();
    expect(await cache.get('a')).toBeUndefined();
    expect(await redis.get('other:key')).toBe('kept');
  });
});
