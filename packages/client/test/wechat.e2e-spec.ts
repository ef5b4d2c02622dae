/** The mini-program adapter with a small `wx` stand-in whose wx.request forwards to the real API. */
import { closeClients, fakeCall, newIp, stack } from '../../../test/support/client.js';
import { createAuthClient, miniProgram, type MiniProgramApi } from '../src/index.js';

/** What the adapter needs of `wx`, over real HTTP; wx.login asks the fake WeChat for a code of `unionid`. */
function wxStandIn(unionid: string) {
  const store = new Map<string, string>();
  const ip = newIp();
  const wx: MiniProgramApi = {
    request({ url, method, header, data, success, fail }) {
      fetch(url, { method, headers: { ...header, 'x-forwarded-for': ip }, body: data })
        .then(async (res) => {
          const text = await res.text();
          let parsed: unknown = text; // wx.request with dataType 'json' parses what it can
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep the text */
          }
          success({ statusCode: res.status, header: Object.fromEntries(res.headers), data: parsed });
        })
        .catch((err: Error) => fail({ errMsg: `request:fail ${err.message}` }));
    },
    getStorageSync: (key) => store.get(key) ?? '', // wx answers '' for a missing key
    setStorageSync: (key, value) => void store.set(key, value),
    removeStorageSync: (key) => void store.delete(key),
    login({ success, fail }) {
      fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', { unionid })
        .then(({ code }) => success({ code }))
        .catch((err: Error) => fail({ errMsg: `login:fail ${err.message}` }));
    },
  };
  return { wx, store };
}

describe('@nest-auth-cn/client in a WeChat mini-program', () => {
  afterAll(closeClients);

  it('signs in with wx.login (new, then known), keeps the refresh token in wx storage, refreshes through wx.request', async () => {
    const unionid = `union-${newIp()}`;
    const { wx, store } = wxStandIn(unionid);
    const client = createAuthClient({ baseUrl: stack.api, ...miniProgram(wx) });
    const first = await client.wechat.signIn({ nickName: '小程序用户', avatarUrl: 'https://example.com/a.png' });
    expect(first.is_new).toBe(true);
    expect(store.get('nest-auth.refresh_token')).toBe(first.refresh_token);
    expect(await client.account.me()).toMatchObject({ username: first.username, nickname: '小程序用户' });

    // The app restarts: a new client finds the stored refresh token and gets a new access token.
    const restarted = createAuthClient({ baseUrl: stack.api, ...miniProgram(wx) });
    expect(await restarted.isSignedIn()).toBe(true);
    expect((await restarted.account.me()).identities).toEqual([expect.objectContaining({ provider: 'wechat' })]);
    expect(store.get('nest-auth.refresh_token')).not.toBe(first.refresh_token);

    const again = createAuthClient({ baseUrl: stack.api, ...miniProgram(wxStandIn(unionid).wx) });
    const second = await again.wechat.signIn();
    expect(second).toMatchObject({ is_new: false, username: first.username });
    await again.signOut();
    expect(await again.isSignedIn()).toBe(false);
  });

  it('reports a refused wx.login code as the API error', async () => {
    const { wx } = wxStandIn(`union-${newIp()}`);
    const client = createAuthClient({
      baseUrl: stack.api,
      ...miniProgram(wx),
      wechatCode: async () => 'not-a-real-code',
    });
    await expect(client.wechat.signIn()).rejects.toMatchObject({ status: 400, reason: 'wechat_code_invalid' });
  });
});
