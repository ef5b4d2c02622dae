import { Redis } from 'ioredis';
import { loadConfig } from '../../config/config.js';
import { OAuthStateStore } from './oauth-state.store.js';

// Against the real Redis (database 13): single use rests on GETDEL's atomicity.
const redis = new Redis('redis://127.0.0.1:6379/13');
const states = new OAuthStateStore(redis, loadConfig({ WEIBO_STATE_TTL: '600' }));

afterAll(() => redis.quit());

describe('OAuthStateStore', () => {
  it('remembers the linking user and the challenge, once, even to two concurrent callbacks', async () => {
    const state = await states.issue({ userId: 'user-1', challenge: 'c'.repeat(43) });
    expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await redis.ttl(`weibo:state:${state}`)).toBeGreaterThan(590);
    const [first, second] = await Promise.all([states.consume(state), states.consume(state)]);
    expect([first, second].filter(Boolean)).toEqual([{ userId: 'user-1', challenge: 'c'.repeat(43) }]);
    expect(await redis.exists(`weibo:state:${state}`)).toBe(0);
  });

  it('remembers a sign-in (no user)', async () => {
    const state = await states.issue({ userId: null });
    expect(await states.consume(state)).toEqual({ userId: null });
  });

  it('issues a different state each time', async () => {
    const [a, b] = await Promise.all([states.issue({ userId: null }), states.issue({ userId: null })]);
    expect(a).not.toBe(b);
  });

  it.each(['forged', 'A'.repeat(32), 'a'.repeat(33), '', null, undefined, ['x'], 42])(
    'finds nothing for %p',
    async (state) => {
      await expect(states.consume(state)).resolves.toBeNull();
    },
  );
});
