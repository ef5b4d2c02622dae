import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { RunningFake } from '../../../test/fakes/http.js';
import { WECHAT_DEFAULTS, startWechatFake } from '../../../test/fakes/wechat.fake.js';
import { ProviderError, providerErrorToAppError } from '../../common/errors/index.js';
import type { AppConfig } from '../../config/config.js';
import { WechatClient } from './wechat.client.js';

const post = async (url: string, body: unknown): Promise<any> =>
  (
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  ).json();

function clientFor(apiBase: string, overrides: Partial<AppConfig['wechat']> = {}): WechatClient {
  const wechat = {
    appId: WECHAT_DEFAULTS.appid,
    secret: WECHAT_DEFAULTS.secret,
    apiBase,
    timeoutMs: 1000,
    ...overrides,
  };
  return new WechatClient({ wechat } as AppConfig);
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

/** The ProviderError's failure, and what a client sees of it. */
async function seen(promise: Promise<unknown>) {
  const err = await failure(promise);
  const { status, code, reason, extra } = providerErrorToAppError(err);
  return { provider: err.provider, failure: err.failure, status, code, reason, retryAfter: extra.retryAfter };
}

/** A one-route server answering jscode2session with a fixed response. */
async function cannedServer(
  status: number,
  body: string,
  contentType: string,
): Promise<{ url: string; close: () => void }> {
  const server: Server = createServer((_req, res) => res.writeHead(status, { 'content-type': contentType }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('WechatClient against the fake WeChat', () => {
  let fake: RunningFake;
  let client: WechatClient;
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await startWechatFake(); // answers with Content-Type text/plain, like WeChat sometimes does
    client = clientFor(fake.url);
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    await post(`${fake.url}/_fake/reset`, {});
    logs.length = 0;
    for (const level of ['log', 'warn', 'error'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => void logs.push(String(message)));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  const mint = (body: object = {}) =>
    post(`${fake.url}/_fake/codes`, body) as Promise<{ code: string; openid: string }>;
  const fault = (body: object) => post(`${fake.url}/_fake/faults`, body);

  it('exchanges a code for the openid and a session key, without unionid when WeChat sends none', async () => {
    const { code, openid } = await mint();
    const session = await client.exchange(code);
    expect(session).toEqual({ openid, sessionKey: expect.any(String) });
  });

  it('returns the unionid when the app is bound to an Open Platform account', async () => {
    const { code } = await mint({ unionid: 'oUnion123' });
    expect((await client.exchange(code)).unionid).toBe('oUnion123');
  });

  it('refuses a reused code with 400 (40163) and an unknown one with 400 (40029)', async () => {
    const { code } = await mint();
    await client.exchange(code);
    expect(await seen(client.exchange(code))).toMatchObject({
      provider: 'wechat',
      failure: 'code_invalid',
      status: 400,
      code: 10140,
      reason: 'wechat_code_invalid',
    });
    expect(await seen(client.exchange('no-such-code'))).toMatchObject({ failure: 'code_invalid', status: 400 });
  });

  it.each([
    [40029, 'code_invalid', 400, 10140, undefined],
    [40163, 'code_invalid', 400, 10140, undefined],
    [40226, 'blocked', 403, 10141, undefined],
    [-1, 'unavailable', 503, 10113, undefined],
    [45011, 'unavailable', 503, 10113, 60],
    [45009, 'unavailable', 503, 10113, undefined],
    [40013, 'misconfigured', 502, 10113, undefined],
    [40125, 'misconfigured', 502, 10113, undefined],
    [99999, 'unavailable', 503, 10113, undefined],
  ])('maps errcode %i to %s: HTTP %i, code %i, Retry-After %p', async (errcode, kind, status, code, retryAfter) => {
    await fault({ errcode });
    const err = await seen(client.exchange((await mint()).code));
    expect(err).toMatchObject({ failure: kind, status, code });
    expect(err.retryAfter).toBe(retryAfter);
  });

  it('answers 502 and logs loudly when WeChat refuses our secret, without logging the secret or the code', async () => {
    const { code } = await mint();
    const err = await seen(clientFor(fake.url, { secret: 'wrong_secret' }).exchange(code));
    expect(err).toMatchObject({ failure: 'misconfigured', status: 502, code: 10113, reason: 'provider_misconfigured' });
    expect(logs.some((l) => l.includes('40125') && l.includes('WECHAT_SECRET'))).toBe(true);
    expect(logs.join('\n')).not.toMatch(new RegExp(`wrong_secret|${code}`));
  });

  it('answers 502 for an unknown appid', async () => {
    const err = await seen(clientFor(fake.url, { appId: 'wxunknown' }).exchange('whatever'));
    expect(err).toMatchObject({ failure: 'misconfigured', status: 502, reason: 'provider_misconfigured' });
  });

  it('answers 503 on a timeout and does not retry: the code may be consumed', async () => {
    await fault({ mode: 'hang' });
    const err = await seen(clientFor(fake.url, { timeoutMs: 200 }).exchange((await mint()).code));
    expect(err).toMatchObject({ failure: 'unavailable', status: 503, code: 10113, reason: 'provider_unavailable' });
    const stats = (await (await fetch(`${fake.url}/_fake/stats`)).json()) as { requests: number };
    expect(stats.requests).toBe(1);
  });

  it('answers 503 when nothing listens', async () => {
    const closed = await cannedServer(200, '{}', 'application/json');
    closed.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await seen(clientFor(closed.url).exchange('x'))).toMatchObject({ failure: 'unavailable', status: 503 });
  });

  it('answers 503 provider_not_configured without calling WeChat when the app is not configured', async () => {
    const err = await seen(clientFor(fake.url, { appId: '' }).exchange('x'));
    expect(err).toMatchObject({ failure: 'not_configured', status: 503, reason: 'provider_not_configured' });
    expect(((await (await fetch(`${fake.url}/_fake/stats`)).json()) as { requests: number }).requests).toBe(0);
  });
});

describe('WechatClient parsing', () => {
  let server: { url: string; close: () => void } | undefined;
  afterEach(() => server?.close());

  it('accepts errcode 0 as success, whatever the Content-Type', async () => {
    server = await cannedServer(
      200,
      '{"errcode":0,"errmsg":"ok","openid":"o1","session_key":"k1","unionid":"u1"}',
      'text/html',
    );
    expect(await clientFor(server.url).exchange('c')).toEqual({ openid: 'o1', unionid: 'u1', sessionKey: 'k1' });
  });

  it('reads an errcode sent as a string', async () => {
    server = await cannedServer(200, '{"errcode":"40029","errmsg":"invalid code"}', 'application/json');
    expect(await seen(clientFor(server.url).exchange('c'))).toMatchObject({ failure: 'code_invalid', status: 400 });
  });

  it.each([
    ['an HTML error page', 502, '<html><body>502 Bad Gateway</body></html>'],
    ['a success without session_key', 200, '{"openid":"o1"}'],
    ['a JSON array', 200, '[]'],
  ])('answers 503 for %s', async (_what, status, body) => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    server = await cannedServer(status, body, 'text/html');
    expect(await seen(clientFor(server.url).exchange('c'))).toMatchObject({ failure: 'unavailable', status: 503 });
    jest.restoreAllMocks();
  });
});
