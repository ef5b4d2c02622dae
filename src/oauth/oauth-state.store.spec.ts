import { Redis } from 'ioredis';
import { loadConfig } from '../config/config.js';
import { OAuthStateStore } from './oauth-state.store.js';

// Against the real Redis (database 13): single use rests on GETDEL's atomicity.
const redis = new Redis('redis://127.0.0.1:6379/13');
const states = new OAuthStateStore(redis, loadConfig({ WEIBO_STATE_TTL: '600' }));

afterAll(() => redis.quit());

describe('OAuthStateStore', () => {
  it('remembers the linking user, once', async () => {
    const state = await states.issue('user-1');
    expect(await redis.ttl(`weibo:state:${state}`)).toBeGreaterThan(590);
    const [first, second] = await Promise.all([states.consume(state), states.consume(state)]);
    expect([first, second].filter(Boolean)).toEqual([{ userId: 'user-1' }]);
  });

  it('answers passport: ok with the state, or a failure reason', async () => {
    const verify = (req: { authUser?: { id: string } }, state: unknown) =>
      new Promise((resolve) => states.verify(req, state, {}, (err, ok, info) => resolve({ err, ok, info })));
    expect(await verify({}, await states.issue(null))).toEqual({
      err: null,
      ok: { userId: null },
      info: { userId: null },
    });
    expect(await verify({}, 'forged')).toMatchObject({ ok: false, info: { reason: 'state_invalid' } });
    expect(await verify({ authUser: { id: 'other' } }, await states.issue('user-1'))).toMatchObject({
      ok: false,
      info: { reason: 'link_user_mismatch' },
    });
  });
});
