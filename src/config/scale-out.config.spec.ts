import { loadConfig } from './config.js';
import { ConfigError } from './env-reader.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('scale-out configuration', () => {
  it('defaults to one standalone Redis for everything and one PostgreSQL with a pool of 20', () => {
    const config = loadConfig({ REDIS_URL: 'redis://cache.internal:6380/2' });
    expect(config.redis).toMatchObject({ mode: 'standalone', url: 'redis://cache.internal:6380/2', tls: false });
    expect(config.redis.password).toBeUndefined();
    expect(config.queueRedis).toBe(config.redis);
    expect(config.db).toEqual({ replicaUrls: [], poolMax: 20, statementTimeoutMs: 0 });
  });

  it('reads a Sentinel group with its password and TLS', () => {
    const config = loadConfig({
      REDIS_MODE: 'sentinel',
      REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2, [fd00::3]:26380',
      REDIS_SENTINEL_NAME: 'auth',
      REDIS_PASSWORD: 's3cret',
      REDIS_TLS: 'true',
    });
    expect(config.redis).toMatchObject({
      mode: 'sentinel',
      sentinelName: 'auth',
      password: 's3cret',
      tls: true,
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
        { host: 'fd00::3', port: 26380 },
      ],
    });
  });

  it('reads Cluster seed nodes', () => {
    const config = loadConfig({ REDIS_MODE: 'cluster', REDIS_NODES: 'a:7000,b:7001' });
    expect(config.redis.nodes).toEqual([
      { host: 'a', port: 7000 },
      { host: 'b', port: 7001 },
    ]);
    expect(config.queueRedis.mode).toBe('cluster');
  });

  it('puts the queues on their own Redis, standalone or through the same sentinels', () => {
    const own = loadConfig({ REDIS_MODE: 'cluster', REDIS_NODES: 'a:7000', QUEUE_REDIS_URL: 'redis://queues:6379' });
    expect(own.queueRedis).toMatchObject({ mode: 'standalone', url: 'redis://queues:6379' });
    const viaSentinel = loadConfig({
      REDIS_MODE: 'sentinel',
      REDIS_SENTINELS: 's1:26379',
      QUEUE_REDIS_MODE: 'sentinel',
      QUEUE_REDIS_SENTINEL_NAME: 'queues',
    });
    expect(viaSentinel.queueRedis).toMatchObject({ mode: 'sentinel', sentinelName: 'queues' });
    expect(viaSentinel.redis.sentinelName).toBe('mymaster');
  });

  it('reads replicas, the pool size and the statement timeout', () => {
    const config = loadConfig({
      DATABASE_REPLICA_URLS: 'postgres://r1/auth,postgres://r2/auth',
      DB_POOL_MAX: '8',
      DB_STATEMENT_TIMEOUT_MS: '5000',
    });
    expect(config.db).toEqual({
      replicaUrls: ['postgres://r1/auth', 'postgres://r2/auth'],
      poolMax: 8,
      statementTimeoutMs: 5000,
    });
  });

  it('names each variable that is missing or malformed for the chosen mode', () => {
    expect(problems({ REDIS_MODE: 'sentinel' })).toEqual([expect.stringContaining('REDIS_SENTINELS')]);
    expect(problems({ REDIS_MODE: 'cluster' })).toEqual([expect.stringContaining('REDIS_NODES')]);
    expect(problems({ REDIS_MODE: 'replicated' })).toEqual([expect.stringContaining('REDIS_MODE')]);
    expect(problems({ REDIS_MODE: 'cluster', REDIS_NODES: 'a:99999' })).toEqual([
      expect.stringContaining('REDIS_NODES'),
    ]);
    expect(problems({ QUEUE_REDIS_MODE: 'sentinel' })).toEqual([expect.stringContaining('REDIS_SENTINELS')]);
    expect(problems({ QUEUE_REDIS_MODE: 'cluster' })).toEqual([expect.stringContaining('QUEUE_REDIS_MODE')]);
    expect(problems({ DATABASE_REPLICA_URLS: 'not a url' })).toEqual([
      expect.stringContaining('DATABASE_REPLICA_URLS'),
    ]);
    expect(problems({ DB_POOL_MAX: '0', DB_STATEMENT_TIMEOUT_MS: '-1' })).toEqual([
      expect.stringContaining('DB_POOL_MAX'),
      expect.stringContaining('DB_STATEMENT_TIMEOUT_MS'),
    ]);
  });
});
