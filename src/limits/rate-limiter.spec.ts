import { Redis } from 'ioredis';
import { RateLimiter } from './rate-limiter.js';

// Runs against the real Redis (logical database 14), like the service: counters must be atomic there.
const redis = new Redis('redis://127.0.0.1:6379/14');
const limiter = new RateLimiter(redis);

afterAll(() => redis.quit());

describe('RateLimiter', () => {
  const key = () => `spec:${Math.random()}`;

  it('allows up to max hits in a window and reports Retry-After', async () => {
    const k = key();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit(k, 3, 60));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3].retryAfter).toBeGreaterThan(55);
  });

  it('counts concurrent hits exactly', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(k, 10, 60)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('reset clears a counter in Redis', async () => {
    const k = key();
    await limiter.hit(k, 2, 60);
    expect(await redis.get(`limit:${k}`)).toBe('1');
    await limiter.reset(k);
    expect(await redis.exists(`limit:${k}`)).toBe(0);
  });
});

describe('RateLimiter.attempt', () => {
  it('counts against every limit and reports the longest wait of those over', async () => {
    const a = `spec:${Math.random()}`;
    const b = `spec:${Math.random()}`;
    expect(
      await limiter.attempt(
        [
          { key: a, max: 1 },
          { key: b, max: 5 },
        ],
        60,
      ),
    ).toBeNull();
    expect(
      await limiter.attempt(
        [
          { key: a, max: 1 },
          { key: b, max: 5 },
        ],
        60,
      ),
    ).toBeGreaterThan(55);
    await limiter.release(b);
    expect(await redis.get(`limit:${b}`)).toBe('1');
  });
});
