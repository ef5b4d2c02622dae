import { Cluster, Redis } from 'ioredis';
import { loadConfig } from '../config/config.js';
import { closeRedis, createRedis, type RedisClient } from './redis-factory.js';

const opened: RedisClient[] = [];
const make = (env: Record<string, string>, role?: Parameters<typeof createRedis>[1]) => {
  const client = createRedis(loadConfig(env).redis, role);
  opened.push(client);
  return client;
};

afterAll(async () => {
  const ended = (client: RedisClient) => new Promise((resolve) => client.once('end', resolve));
  await Promise.all(
    opened
      .filter((c) => c.status !== 'end')
      .map((c) => {
        const end = ended(c);
        c.disconnect();
        return end;
      }),
  );
});

describe('createRedis', () => {
  it('connects a standalone client that fails fast, and closes it', async () => {
    const client = make({ REDIS_URL: 'redis://127.0.0.1:6379/14' }) as Redis;
    expect(await client.ping()).toBe('PONG');
    expect(client.options).toMatchObject({ maxRetriesPerRequest: 2, enableAutoPipelining: true });
    await closeRedis(client);
    await expect(client.ping()).rejects.toThrow(/closed/);
  });

  it('gives Bull blocking and subscriber connections that retry forever without a ready check', () => {
    for (const role of ['blocking', 'subscriber'] as const) {
      const client = make({ REDIS_URL: 'redis://127.0.0.1:6379/14' }, role) as Redis;
      expect(client.options).toMatchObject({ maxRetriesPerRequest: null, enableReadyCheck: false });
    }
  });

  it('finds the master through the sentinels, with the password and TLS for both', () => {
    const client = make({
      REDIS_MODE: 'sentinel',
      REDIS_SENTINELS: '127.0.0.1:1,127.0.0.1:2',
      REDIS_SENTINEL_NAME: 'auth',
      REDIS_PASSWORD: 'pw',
      REDIS_TLS: 'true',
    }) as Redis;
    expect(client).toBeInstanceOf(Redis);
    expect(client.options).toMatchObject({
      sentinels: [
        { host: '127.0.0.1', port: 1 },
        { host: '127.0.0.1', port: 2 },
      ],
      name: 'auth',
      password: 'pw',
      sentinelPassword: 'pw',
      tls: {},
      enableTLSForSentinelMode: true,
    });
  });

  it('opens a Cluster client from the seed nodes, with per-role options for every node', () => {
    const client = make({ REDIS_MODE: 'cluster', REDIS_NODES: '127.0.0.1:1', REDIS_PASSWORD: 'pw' }, 'blocking');
    expect(client).toBeInstanceOf(Cluster);
    expect((client as Cluster).options.redisOptions).toMatchObject({
      password: 'pw',
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
    });
  });
});
