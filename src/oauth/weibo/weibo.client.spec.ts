import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ProviderError, providerErrorToAppError } from '../../common/errors/index.js';
import { loadConfig } from '../../config/config.js';
import { WeiboClient, readAnswer } from './weibo.client.js';

const config = loadConfig({
  WEIBO_CLIENT_ID: '3456789012',
  WEIBO_CLIENT_SECRET: 's',
  WEIBO_API_BASE: 'http://weibo.test',
  WEIBO_TIMEOUT_MS: '100',
});
const client = new WeiboClient(config);
const json = (status: number, body: unknown, type = 'text/plain') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const oauthError = (code: number | string, error: string) => ({
  error,
  error_code: code,
  request: '/oauth2/access_token',
  error_uri: '/oauth2/access_token',
});

/** The ProviderError's failure, and what a client sees of it. */
function seen(err: unknown) {
  if (!(err instanceof ProviderError)) throw err;
  const { status, code, reason } = providerErrorToAppError(err);
  return { provider: err.provider, failure: err.failure, status, code, reason };
}
function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return seen(err);
  }
  throw new Error('expected a failure');
}
const rejected = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => seen(err),
  );

let fetchMock: jest.SpiedFunction<typeof fetch>;
beforeEach(() => {
  fetchMock = jest.spyOn(globalThis, 'fetch');
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('readAnswer (docs/providers/weibo.md, general rules)', () => {
  it.each([
    [400, oauthError(21325, 'invalid_grant'), 'code_invalid', 400, 10127],
    [403, oauthError('21330', 'access_denied'), 'access_denied', 400, 10123],
    [400, oauthError(21331, 'temporarily_unavailable'), 'unavailable', 503, 10113],
    [
      403,
      { error: 'User requests out of rate limit!', error_code: 10023, request: '/2/users/show.json' },
      'unavailable',
      503,
      10113,
    ],
    [200, { error: 'system error!', error_code: '10001' }, 'unavailable', 503, 10113],
    [401, oauthError(21332, 'invalid_access_token'), 'refused', 502, 10113],
  ])('maps status %i with %j to %s: %i %i', (status, body, failure, httpStatus, code) => {
    expect(thrown(() => readAnswer(status, JSON.stringify(body), 'test'))).toMatchObject({
      provider: 'weibo',
      failure,
      status: httpStatus,
      code,
    });
  });

  it('maps 21322 and 21324 to 502 with a loud log line', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(thrown(() => readAnswer(401, JSON.stringify(oauthError(21324, 'invalid_client')), 'test'))).toMatchObject({
      failure: 'misconfigured',
      status: 502,
      code: 10113,
      reason: 'provider_misconfigured',
    });
    expect(
      thrown(() => readAnswer(400, JSON.stringify(oauthError(21322, 'redirect_uri_mismatch')), 'test')),
    ).toMatchObject({ failure: 'misconfigured', status: 502 });
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('maps non-JSON and bare 5xx answers to 503', () => {
    expect(thrown(() => readAnswer(200, '<html>系统繁忙</html>', 'test'))).toMatchObject({
      failure: 'unavailable',
      status: 503,
      code: 10113,
    });
    expect(thrown(() => readAnswer(502, '{}', 'test'))).toMatchObject({ failure: 'unavailable', status: 503 });
  });
});

describe('WeiboClient', () => {
  it('exchanges the code with a form POST and accepts expires_in as a string', async () => {
    fetchMock.mockResolvedValueOnce(
      json(200, { access_token: '2.00x', expires_in: '7200', remind_in: '7200', uid: '1404376560' }),
    );
    await expect(client.exchangeCode('c0de')).resolves.toEqual({
      accessToken: '2.00x',
      uid: '1404376560',
      expiresIn: 7200,
    });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('http://weibo.test/oauth2/access_token');
    expect(init.method).toBe('POST');
    expect(Object.fromEntries(init.body as URLSearchParams)).toEqual({
      client_id: '3456789012',
      client_secret: 's',
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: 'http://127.0.0.1:3000/callback.html',
    });
  });

  it('never retries the code exchange', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'));
    expect(await rejected(client.exchangeCode('c0de'))).toMatchObject({ failure: 'unavailable', status: 503 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('gives up on a slow Weibo after the timeout', async () => {
    fetchMock.mockImplementationOnce(
      (_url, init) =>
        new Promise((_resolve, reject) =>
          init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason as Error)),
        ),
    );
    expect(await rejected(client.exchangeCode('c0de'))).toMatchObject({ failure: 'unavailable', status: 503 });
  });

  it('retries users/show once after a failure, and only once', async () => {
    fetchMock.mockResolvedValueOnce(new Response('busy', { status: 500 }));
    fetchMock.mockResolvedValueOnce(json(200, { id: 42, idstr: '42', screen_name: 'n', avatar_large: 'http://a' }));
    await expect(client.showUser('2.00x', '42')).resolves.toEqual({ screenName: 'n', avatar: 'http://a' });
    fetchMock.mockResolvedValue(new Response('busy', { status: 500 }));
    expect(await rejected(client.showUser('2.00x', '42'))).toMatchObject({ failure: 'unavailable', status: 503 });
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });

  it('checks that get_token_info names our app and the same uid (numbers or strings)', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    fetchMock.mockResolvedValueOnce(
      json(200, { uid: 42, appkey: 3456789012, scope: null, create_at: 1, expire_in: '99' }),
    );
    await expect(client.verifyToken('2.00x', '42')).resolves.toEqual({ expiresIn: 99 });
    fetchMock.mockResolvedValueOnce(json(200, { uid: 42, appkey: 1111111111, expire_in: 99 }));
    expect(await rejected(client.verifyToken('2.00x', '42'))).toMatchObject({
      failure: 'token_mismatch',
      status: 502,
      reason: 'provider_token_mismatch',
    });
    fetchMock.mockResolvedValueOnce(json(200, { uid: '43', appkey: '3456789012', expire_in: 99 }));
    expect(await rejected(client.verifyToken('2.00x', '42'))).toMatchObject({ failure: 'token_mismatch' });
  });

  it('refuses every call while Weibo is not configured', async () => {
    const unconfigured = new WeiboClient(loadConfig({}));
    expect(await rejected(unconfigured.exchangeCode('c'))).toMatchObject({
      failure: 'not_configured',
      status: 503,
      reason: 'provider_not_configured',
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
