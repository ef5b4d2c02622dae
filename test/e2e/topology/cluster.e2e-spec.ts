/**
 * The service on a 3-master Redis Cluster (npm run test:e2e:cluster): what every cluster enforces on Lua
 * scripts, and accounts, the profile cache, sessions and the Bull queues working across its nodes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Bull from 'bull';
import { Cluster } from 'ioredis';
import { SecretBox } from '../../../src/common/secret-box.js';
import { loadConfig } from '../../../src/config/config.js';
import { queueKeyPrefix, SMS_QUEUE } from '../../../src/infra/queues.js';
import { createRedis, type RedisClient } from '../../../src/infra/redis-factory.js';
import { redisScript } from '../../../src/infra/redis-script.js';
import { call, closeClients, fakeCall, ronglian, stack, until } from '../../support/client.js';
import { cluster, describeOn } from './topology.js';

afterAll(closeClients);

const describeCluster = describeOn('cluster');
const phone = () => `+861${3 + (randomBytes(1)[0] % 7)}${String(randomBytes(4).readUInt32BE() % 1e9).padStart(9, '0')}`;

/** The master (by port) that serves `key`'s slot. */
async function nodeOf(key: string): Promise<number> {
  const slot = Number(await cluster().cluster('KEYSLOT', key));
  const ranges = await cluster().cluster('SLOTS');
  return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
}

describeCluster('Lua scripts on a Redis Cluster (the rules in docs/scale-out.md)', () => {
  const touchBoth = redisScript(`redis.call('SET', KEYS[1], ARGV[1]) redis.call('SET', KEYS[2], ARGV[1]) return 1`);

  it('refuses a script whose KEYS hash to different slots: the server with CROSSSLOT, ioredis even before', async () => {
    const p = phone();
    const keys = [`sms:cooldown:${p}`, `limit:sms:day:${p}`];
    // The service's client pipelines automatically, and ioredis refuses a cross-slot pipeline itself.
    await expect(touchBoth(cluster(), keys, ['x'])).rejects.toThrow(/should belong to the same slot/);
    const plain = new Cluster(
      cluster()
        .nodes('master')
        .map((n) => ({ host: n.options.host, port: n.options.port })),
    );
    try {
      await expect(touchBoth(plain, keys, ['x'])).rejects.toThrow(/CROSSSLOT/);
    } finally {
      plain.disconnect();
    }
    expect(await cluster().exists(keys[0])).toBe(0); // nothing ran
  });

  it('runs the same script when its keys share a hash tag', async () => {
    const p = phone();
    expect(await touchBoth(cluster(), [`sms:{${p}}:cooldown`, `sms:{${p}}:day`], ['x'])).toBe(1);
    expect(await cluster().get(`sms:{${p}}:day`)).toBe('x');
  });

  it('refuses a script that builds a key name inside Lua when that key lives on another node', async () => {
    const first = `activation:user:{${randomUUID()}}`;
    let other = '';
    for (let i = 0; !other; i++) if ((await nodeOf(`activation:code:${i}`)) !== (await nodeOf(first))) other = `${i}`;
    const deleteBuilt = redisScript(`redis.call('SET', KEYS[1], '1') return redis.call('DEL', ARGV[2] .. ARGV[1])`);
    await expect(deleteBuilt(cluster(), [first], [other, 'activation:code:'])).rejects.toThrow(/non local key|slot/i);
  });
});

describeCluster('accounts, the profile cache and sessions on a Redis Cluster', () => {
  it('signs in, caches the profile on the cluster, invalidates it on change, rotates and lists sessions', async () => {
    const openid = `o_e2e_${randomBytes(9).toString('base64url')}`;
    const { code } = await fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', { openid });
    const login = await call('POST', '/v1/users/wechat/login', { code });
    expect(login.status).toBe(200);
    const { token, refresh_token } = login.body.data;

    const me = await call('GET', '/v1/users/me', undefined, { token });
    expect(me.status).toBe(200);
    const cacheKey = `cache:profile:v2:${me.body.data.id}`;
    expect(await cluster().get(cacheKey)).toContain(me.body.data.username);

    const patched = await call('PATCH', '/v1/users/me', { nickname: '集群' }, { token });
    expect(patched.status).toBe(200);
    expect((await call('GET', '/v1/users/me', undefined, { token })).body.data.nickname).toBe('集群');

    const rotated = await call('POST', '/v1/tokens/refresh', { refresh_token });
    expect(rotated.status).toBe(200);
    const sessions = await call('GET', '/v1/users/me/sessions', undefined, { token: rotated.body.data.token });
    expect(sessions.body.data.sessions).toHaveLength(1);

    const ready = await call('GET', '/health/ready');
    expect(ready.body.data.checks).toEqual({ database: 'up', redis: 'up', redis_policy: 'up', queue: 'up' });
  });
});

describeCluster('Bull queues on a Redis Cluster', () => {
  let queue: Bull.Queue;
  const clients: RedisClient[] = [];

  beforeAll(() => {
    const config = loadConfig(stack.env);
    queue = new Bull(SMS_QUEUE, {
      prefix: queueKeyPrefix(config.queuePrefix, SMS_QUEUE),
      createClient: (type) => {
        const client = createRedis(config.queueRedis, type === 'client' ? 'queue' : 'blocking');
        clients.push(client);
        return client;
      },
    });
  });
  afterAll(async () => {
    await queue.close();
    for (const client of clients) client.disconnect();
  });

  it('delivers a job through the worker to Ronglian, with every key of the queue in one slot', async () => {
    const requestId = randomUUID().replaceAll('-', '');
    const to = phone();
    // A code job as the API queues it (src/sms/sms-jobs.ts): the code sealed with the service's key.
    const sealedCode = new SecretBox(loadConfig(stack.env)).seal('246810');
    await queue.add(
      { kind: 'code', requestId, phone: to, sealedCode, ttlMinutes: 3 },
      { jobId: requestId, removeOnComplete: true },
    );
    const messages = await until(async () => {
      const found = await ronglian.messages(to.slice(3));
      return found.length > 0 && found;
    }, 'the SMS at Ronglian');
    expect(messages).toEqual([expect.objectContaining({ reqId: requestId, datas: ['246810', '3'] })]);
    await until(async () => (await cluster().get(`sms:req:${requestId}`))?.includes('sent'), 'status sent');

    const prefix = queueKeyPrefix(loadConfig(stack.env).queuePrefix, SMS_QUEUE);
    const perNode = await Promise.all(
      cluster()
        .nodes('master')
        .map((node) => node.keys(`${prefix}*`)),
    );
    const keys = perNode.flat();
    expect(perNode.filter((k) => k.length)).toHaveLength(1); // one node holds the whole queue
    expect(keys.length).toBeGreaterThan(0);
    const slots = new Set(await Promise.all(keys.map((k) => cluster().cluster('KEYSLOT', k))));
    expect(slots.size).toBe(1);
  });
});
