import type { Redis } from 'ioredis';
import { evictionPolicy, probeAll, requireNoEviction } from './probes.js';

const redisWith = (policy: string) =>
  ({ info: () => Promise.resolve(`# Memory\r\nused_memory:1\r\nmaxmemory_policy:${policy}\r\n`) }) as unknown as Redis;

describe('probes', () => {
  it('runs probes at once, each with its own timeout', async () => {
    let secondStarted: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (secondStarted = resolve));
    const checks = await probeAll(
      {
        // Only up if the next probe starts while this one is still waiting: they run in parallel.
        first: () => second,
        second: () => Promise.resolve(secondStarted()),
        hung: () => new Promise(() => undefined),
        broken: () => Promise.reject(new Error('no')),
      },
      200,
    );
    expect(checks).toEqual({ first: 'up', second: 'up', hung: 'down', broken: 'down' });
  });

  it('reads maxmemory-policy from INFO and requires noeviction', async () => {
    expect(await evictionPolicy(redisWith('allkeys-lru'))).toBe('allkeys-lru');
    await expect(requireNoEviction(redisWith('allkeys-lru'))).rejects.toThrow('allkeys-lru');
    await expect(requireNoEviction(redisWith('noeviction'))).resolves.toBeUndefined();
  });
});
