import { createHash, randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Redis } from 'ioredis';
import { AppError, ProviderError, fail, providerErrorToAppError } from '../../common/errors/index.js';
import { loadConfig } from '../../config/config.js';
import { OAuthStateStore } from './oauth-state.store.js';
import type { WeiboClient } from './weibo.client.js';
import { WeiboStrategy } from './weibo.strategy.js';

// Expected failures log loudly; keep the test output readable.
beforeEach(() => {
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const env = {
  WEIBO_CLIENT_ID: '3456789012',
  WEIBO_CLIENT_SECRET: 's',
  WEIBO_REDIRECT_URI: 'http://spa.test/cb.html',
};

// The states live in the real Redis (database 13): single use rests on GETDEL.
const redis = new Redis('redis://127.0.0.1:6379/13');
afterAll(() => redis.quit());

function fakeClient() {
  return {
    exchangeCode: jest.fn<WeiboClient['exchangeCode']>(async () => ({
      accessToken: '2.00token',
      uid: '1234567890',
      expiresIn: 157679999,
    })),
    verifyToken: jest.fn<WeiboClient['verifyToken']>(async () => ({ expiresIn: 3600 })),
    showUser: jest.fn<WeiboClient['showUser']>(async () => ({
      screenName: '微博用户',
      avatar: 'http://img/a.jpg',
    })),
  };
}

/** A fresh RFC 7636 verifier and its S256 challenge. */
function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The strategy registered with passport as `weibo`, driven by the same guard as the callback route. */
function setup(extra: Record<string, string> = {}) {
  const config = loadConfig({ ...env, ...extra });
  const client = fakeClient();
  const states = new OAuthStateStore(redis, config);
  const strategy = new WeiboStrategy(config, states, client as unknown as WeiboClient);
  const guard = new (AuthGuard('weibo'))();
  /** Runs the callback; resolves with `request.user`. */
  const callback = async (query: Record<string, unknown>, authUser?: { id: string }) => {
    const request: Record<string, unknown> = { query, authUser };
    const ctx = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
    } as unknown as ExecutionContext;
    await guard.canActivate(ctx);
    return request.user;
  };
  /** A state as `GET /v1/users/weibo/authorization` hands it out. */
  const start = async (userId: string | null = null) => {
    const { verifier, challenge } = pkce();
    const url = new URL(await strategy.authorizationUrl(userId, challenge));
    return { state: url.searchParams.get('state')!, verifier };
  };
  return { client, states, strategy, callback, start };
}

const stored = async (state: string) => redis.exists(`weibo:state:${state}`);
const asSeen = (err: unknown) => (err instanceof ProviderError ? providerErrorToAppError(err) : err);

describe('WeiboStrategy.authorizationUrl', () => {
  it('builds the authorize URL with our client id, redirect URI and a state remembering the user and challenge', async () => {
    const { strategy, states } = setup();
    const { challenge } = pkce();
    const url = new URL(await strategy.authorizationUrl('user-1', challenge));
    expect(`${url.origin}${url.pathname}`).toBe('https://api.weibo.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('3456789012');
    expect(url.searchParams.get('redirect_uri')).toBe('http://spa.test/cb.html');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(await states.consume(url.searchParams.get('state'))).toEqual({ userId: 'user-1', challenge });
  });

  it.each([undefined, 'short', `${'a'.repeat(42)}=`, 'a'.repeat(44)])(
    'refuses the challenge %p with 400, storing nothing',
    async (challenge) => {
      const { strategy, states } = setup();
      const issue = jest.spyOn(states, 'issue');
      await expect(strategy.authorizationUrl(null, challenge)).rejects.toMatchObject({ status: 400, code: 10100 });
      expect(issue).not.toHaveBeenCalled();
    },
  );

  it('takes no challenge only while legacy callbacks are allowed', async () => {
    const { strategy, states } = setup({ WEIBO_LEGACY_CALLBACK: 'true' });
    const url = new URL(await strategy.authorizationUrl(null, undefined));
    expect(await states.consume(url.searchParams.get('state'))).toEqual({ userId: null });
  });

  it('answers 503 provider_not_configured without a client id', async () => {
    const { strategy } = setup({ WEIBO_CLIENT_ID: '' });
    await expect(strategy.authorizationUrl(null, pkce().challenge)).rejects.toMatchObject({
      status: 503,
      reason: 'provider_not_configured',
    });
  });
});

describe('WeiboStrategy callback (through passport)', () => {
  it('exchanges the code, verifies the token and shows the user for that uid; the profile lands on the request', async () => {
    const { client, callback, start } = setup();
    const { state, verifier } = await start();
    await expect(callback({ code: 'abc', state, code_verifier: verifier })).resolves.toEqual({
      linkUserId: null,
      profile: {
        uid: '1234567890',
        screen_name: '微博用户',
        avatar: 'http://img/a.jpg',
        accessToken: '2.00token',
        expiresIn: 3600,
      },
    });
    expect(client.exchangeCode).toHaveBeenCalledWith('abc');
    expect(client.verifyToken).toHaveBeenCalledWith('2.00token', '1234567890');
    expect(client.showUser).toHaveBeenCalledWith('2.00token', '1234567890');
    expect(await stored(state)).toBe(0);
  });

  it("falls back to the exchange's lifetime when get_token_info gives none", async () => {
    const { client, callback, start } = setup();
    client.verifyToken.mockResolvedValueOnce({ expiresIn: null });
    const { state, verifier } = await start();
    await expect(callback({ code: 'abc', state, code_verifier: verifier })).resolves.toMatchObject({
      profile: { expiresIn: 157679999 },
    });
  });

  it('answers a replayed or forged state with 10121 before any call to Weibo', async () => {
    const { client, callback, start } = setup();
    const { state, verifier } = await start();
    await callback({ code: 'abc', state, code_verifier: verifier });
    await expect(callback({ code: 'abc', state, code_verifier: verifier })).rejects.toMatchObject({
      status: 400,
      code: 10121,
      reason: 'weibo_state_invalid',
    });
    await expect(callback({ code: 'abc', state: 'x'.repeat(32), code_verifier: verifier })).rejects.toMatchObject({
      code: 10121,
    });
    await expect(callback({ code: 'abc', code_verifier: verifier })).rejects.toMatchObject({ code: 10121 });
    expect(client.exchangeCode).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no verifier', () => undefined],
    ['another verifier', () => pkce().verifier],
    ['the challenge itself', (challenge: string) => challenge],
    ['a verifier too short', () => 'a'.repeat(42)],
    ['a verifier that is not text', () => ['x']],
  ])('refuses %s with 10121, without calling Weibo', async (_what, wrong) => {
    const { client, callback, strategy } = setup();
    const { challenge } = pkce();
    const state = new URL(await strategy.authorizationUrl(null, challenge)).searchParams.get('state')!;
    await expect(callback({ code: 'abc', state, code_verifier: wrong(challenge) })).rejects.toMatchObject({
      code: 10121,
      reason: 'weibo_state_invalid',
    });
    expect(client.exchangeCode).not.toHaveBeenCalled();
  });

  it('uses a state once even when the callback fails: the right verifier afterwards is refused too', async () => {
    const { client, callback, start } = setup();
    const { state, verifier } = await start();
    await expect(callback({ code: 'abc', state, code_verifier: pkce().verifier })).rejects.toMatchObject({
      code: 10121,
    });
    expect(await stored(state)).toBe(0);
    await expect(callback({ code: 'abc', state, code_verifier: verifier })).rejects.toMatchObject({ code: 10121 });
    expect(client.exchangeCode).not.toHaveBeenCalled();
  });

  it('uses a state once when Weibo fails, too', async () => {
    const { client, callback, start } = setup();
    client.exchangeCode.mockRejectedValueOnce(new ProviderError('weibo', 'unavailable'));
    const { state, verifier } = await start();
    await expect(callback({ code: 'abc', state, code_verifier: verifier })).rejects.toBeInstanceOf(ProviderError);
    await expect(callback({ code: 'abc', state, code_verifier: verifier })).rejects.toMatchObject({ code: 10121 });
  });

  it('accepts a state without a challenge only while legacy callbacks are allowed', async () => {
    const legacy = setup({ WEIBO_LEGACY_CALLBACK: 'true' });
    const old = new URL(await legacy.strategy.authorizationUrl(null, undefined)).searchParams.get('state');
    await expect(legacy.callback({ code: 'abc', state: old })).resolves.toMatchObject({ linkUserId: null });
    const { states, callback } = setup();
    const state = await states.issue({ userId: null });
    await expect(callback({ code: 'abc', state, code_verifier: pkce().verifier })).rejects.toMatchObject({
      code: 10121,
    });
  });

  it('links only for the signed-in user who started the link', async () => {
    const { client, callback, start } = setup();
    const other = await start('user-1');
    await expect(callback({ code: 'abc', ...pair(other) }, { id: 'user-2' })).rejects.toMatchObject({
      status: 403,
      code: 10129,
      reason: 'weibo_link_user_mismatch',
    });
    const anonymous = await start('user-1');
    await expect(callback({ code: 'abc', ...pair(anonymous) })).rejects.toMatchObject({ code: 10129 });
    expect(await stored(anonymous.state)).toBe(0);
    expect(client.exchangeCode).not.toHaveBeenCalled();
    const own = await start('user-1');
    await expect(callback({ code: 'abc', ...pair(own) }, { id: 'user-1' })).resolves.toMatchObject({
      linkUserId: 'user-1',
    });
  });

  it('lets a signed-in user sign in through a state started without a link', async () => {
    const { callback, start } = setup();
    const signIn = await start(null);
    await expect(callback({ code: 'abc', ...pair(signIn) }, { id: 'user-1' })).resolves.toMatchObject({
      linkUserId: null,
    });
  });

  it('refuses a forged error= callback without a valid state as a bad state, not as a denial', async () => {
    const { callback } = setup();
    const denial = { error: 'access_denied', error_code: '21330' };
    await expect(callback(denial)).rejects.toMatchObject({ code: 10121, reason: 'weibo_state_invalid' });
    await expect(callback({ ...denial, state: 'x'.repeat(32), code_verifier: pkce().verifier })).rejects.toMatchObject({
      code: 10121,
    });
  });

  it('answers a denial with a valid state as weibo_access_denied, spending the state, without calling Weibo', async () => {
    const { client, callback, start } = setup();
    const started = await start();
    const err = await callback({ error: 'access_denied', error_code: '21330', ...pair(started) }).catch((e) => e);
    expect(err).toMatchObject({ provider: 'weibo', failure: 'access_denied' });
    expect(asSeen(err)).toMatchObject({ status: 400, code: 10123, reason: 'weibo_access_denied' });
    expect(await stored(started.state)).toBe(0);
    expect(client.exchangeCode).not.toHaveBeenCalled();
  });

  it('answers a misconfiguration reported on the callback with 502', async () => {
    const { callback, start } = setup();
    const started = await start();
    const err = await callback({ error: 'redirect_uri_mismatch', error_code: '21322', ...pair(started) }).catch(
      (e) => e,
    );
    expect(asSeen(err)).toMatchObject({ status: 502, code: 10113, reason: 'provider_misconfigured' });
  });

  it('answers a missing code with 10126, spending the state', async () => {
    const { client, callback, start } = setup();
    const started = await start();
    await expect(callback(pair(started))).rejects.toMatchObject({ code: 10126, reason: 'weibo_code_missing' });
    await expect(callback({ code: '', ...pair(await start()) })).rejects.toMatchObject({ code: 10126 });
    expect(await stored(started.state)).toBe(0);
    expect(client.exchangeCode).not.toHaveBeenCalled();
  });

  it('refuses a code longer than 256 characters with 400 before anything else', async () => {
    const { client, callback, start } = setup();
    await expect(callback({ code: 'c'.repeat(257), ...pair(await start()) })).rejects.toMatchObject({
      status: 400,
      code: 10100,
    });
    expect(client.exchangeCode).not.toHaveBeenCalled();
  });

  it.each([
    ['exchangeCode', new ProviderError('weibo', 'code_invalid'), 'weibo_code_invalid'],
    ['verifyToken', new ProviderError('weibo', 'token_mismatch'), 'provider_token_mismatch'],
    ['showUser', new ProviderError('weibo', 'unavailable'), 'provider_unavailable'],
    ['exchangeCode', fail('provider_not_configured'), 'provider_not_configured'],
  ] as const)('passes an error of %s through passport unchanged (%s)', async (step, error, reason) => {
    const { client, callback, start } = setup();
    (client[step] as jest.Mock<() => Promise<unknown>>).mockRejectedValueOnce(error);
    const err = await callback({ code: 'abc', ...pair(await start()) }).catch((e) => e);
    expect(err).toBe(error);
    expect(asSeen(err)).toBeInstanceOf(AppError);
    expect(asSeen(err)).toMatchObject({ reason });
  });
});

function pair(started: { state: string; verifier: string }) {
  return { state: started.state, code_verifier: started.verifier };
}
