import { jest } from '@jest/globals';
import { Logger, type ExecutionContext } from '@nestjs/common';
import { loadConfig } from '../config/config.js';
import { OAuthStateStore } from './oauth-state.store.js';
import type { WeiboClient } from './weibo.client.js';
import { WeiboCallbackGuard } from './weibo.controller.js';
import { WeiboStrategy, normaliseProfile } from './weibo.strategy.js';
import { AppError, fail } from '../common/errors/index.js';

// Expected failures log loudly; keep the test output readable.
beforeEach(() => {
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const config = loadConfig({
  WEIBO_CLIENT_ID: '3456789012',
  WEIBO_CLIENT_SECRET: 's',
  WEIBO_REDIRECT_URI: 'http://spa.test/cb.html',
});

/** Enough of ioredis for the state store. */
class MemoryRedis {
  data = new Map<string, string>();
  async set(key: string, value: string) {
    this.data.set(key, value);
    return 'OK';
  }
  async getdel(key: string) {
    const value = this.data.get(key) ?? null;
    this.data.delete(key);
    return value;
  }
}

function fakeClient() {
  return {
    exchangeCode: jest.fn(async (_code: string) => ({
      accessToken: '2.00token',
      uid: '1234567890',
      expiresIn: 157679999,
    })),
    verifyToken: jest.fn(async (_token: string, _uid: string) => ({ expiresIn: 3600 as number | null })),
    showUser: jest.fn(async (_token: string, _uid: string) => ({
      screenName: '微博用户' as string | null,
      avatar: 'http://img/a.jpg' as string | null,
    })),
    revoke: jest.fn(async () => true),
  };
}

function setup() {
  const client = fakeClient();
  const states = new OAuthStateStore(new MemoryRedis() as never, config);
  const strategy = new WeiboStrategy(config, states, client as unknown as WeiboClient);
  const guard = new WeiboCallbackGuard(states);
  return { client, states, strategy, guard };
}

function context(query: Record<string, unknown>, authUser?: { id: string }) {
  const request: Record<string, unknown> = { query, authUser };
  const ctx = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
  return { ctx, request };
}

describe('normaliseProfile', () => {
  it("keeps uid, screen name, avatar and token, preferring get_token_info's remaining lifetime", () => {
    const token = { accessToken: '2.00abc', uid: '42', expiresIn: 7200 };
    expect(normaliseProfile(token, { expiresIn: 100 }, { screenName: 'n', avatar: 'a' })).toEqual({
      uid: '42',
      screen_name: 'n',
      avatar: 'a',
      accessToken: '2.00abc',
      expiresIn: 100,
    });
    expect(normaliseProfile(token, { expiresIn: null }, { screenName: null, avatar: null })).toMatchObject({
      expiresIn: 7200,
      screen_name: null,
    });
  });
});

describe('WeiboStrategy', () => {
  it('validates the token for the uid, loads users/show, and returns the normalised profile', async () => {
    const { client, strategy } = setup();
    const profile = await strategy.validate(
      '2.00token',
      undefined,
      { accessToken: '2.00token', uid: '1234567890', expiresIn: 10 },
      undefined,
    );
    expect(client.verifyToken).toHaveBeenCalledWith('2.00token', '1234567890');
    expect(client.showUser).toHaveBeenCalledWith('2.00token', '1234567890');
    expect(profile).toEqual({
      uid: '1234567890',
      screen_name: '微博用户',
      avatar: 'http://img/a.jpg',
      accessToken: '2.00token',
      expiresIn: 3600,
    });
  });

  it('builds the authorize URL with our client id, redirect URI and a stored state', async () => {
    const { strategy, states } = setup();
    const url = new URL(await strategy.authorizationUrl('user-1'));
    expect(`${url.origin}${url.pathname}`).toBe('https://api.weibo.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('3456789012');
    expect(url.searchParams.get('redirect_uri')).toBe('http://spa.test/cb.html');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(await states.consume(url.searchParams.get('state'))).toEqual({ userId: 'user-1' });
  });
});

describe('WeiboCallbackGuard driving passport', () => {
  it('verifies the state, exchanges the code through WeiboClient and puts the profile on the request', async () => {
    const { client, guard, strategy } = setup();
    const state = new URL(await strategy.authorizationUrl(null)).searchParams.get('state');
    const { ctx, request } = context({ code: 'abc', state });
    await expect(guard.canActivate(ctx)).resolves.toBe(true);
    expect(client.exchangeCode).toHaveBeenCalledWith('abc');
    expect(request.user).toMatchObject({ linkUserId: null, profile: { uid: '1234567890', accessToken: '2.00token' } });
  });

  it('answers a replayed or forged state with 10121 before any call to Weibo', async () => {
    const { client, guard, strategy } = setup();
    const state = new URL(await strategy.authorizationUrl(null)).searchParams.get('state');
    await guard.canActivate(context({ code: 'abc', state }).ctx);
    await expect(guard.canActivate(context({ code: 'abc', state }).ctx)).rejects.toMatchObject({
      code: 10121,
      status: 400,
    });
    await expect(guard.canActivate(context({ code: 'abc', state: 'x'.repeat(32) }).ctx)).rejects.toMatchObject({
      code: 10121,
    });
    expect(client.exchangeCode).toHaveBeenCalledTimes(1);
  });

  it('links only for the user who started the link', async () => {
    const { guard, strategy } = setup();
    const state = new URL(await strategy.authorizationUrl('user-1')).searchParams.get('state');
    await expect(guard.canActivate(context({ code: 'abc', state }, { id: 'user-2' }).ctx)).rejects.toMatchObject({
      code: 10129,
      status: 403,
    });
    const again = new URL(await strategy.authorizationUrl('user-1')).searchParams.get('state');
    const { ctx, request } = context({ code: 'abc', state: again }, { id: 'user-1' });
    await guard.canActivate(ctx);
    expect(request.user).toMatchObject({ linkUserId: 'user-1' });
  });

  it('passes our AppError from the code exchange through passport unchanged', async () => {
    const { client, guard, strategy } = setup();
    client.exchangeCode.mockRejectedValueOnce(fail('weibo_code_invalid'));
    const state = new URL(await strategy.authorizationUrl(null)).searchParams.get('state');
    await expect(guard.canActivate(context({ code: 'used', state }).ctx)).rejects.toMatchObject({
      code: 10127,
      status: 400,
    });
  });

  it('answers a missing code, a denial and a misconfiguration without passport, spending the state', async () => {
    const { guard, strategy, states } = setup();
    const state = new URL(await strategy.authorizationUrl(null)).searchParams.get('state');
    await expect(guard.canActivate(context({ state }).ctx)).rejects.toMatchObject({ code: 10126 });
    expect(await states.consume(state)).toBeNull();
    await expect(guard.canActivate(context({ error: 'access_denied', error_code: '21330' }).ctx)).rejects.toMatchObject(
      { code: 10123 },
    );
    await expect(
      guard.canActivate(context({ error: 'redirect_uri_mismatch', error_code: '21322' }).ctx),
    ).rejects.toMatchObject({
      status: 502,
      code: 10113,
    });
  });
});
