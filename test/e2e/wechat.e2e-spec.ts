/** WeChat mini-program login against the fake WeChat, the API and PostgreSQL. */
import { randomBytes } from 'node:crypto';
import { call, closeClients, fakeCall, stack, sql } from '../support/client.js';

afterAll(closeClients);

const appid = stack.env.WECHAT_APPID;
const newOpenid = () => `o_e2e_${randomBytes(9).toString('base64url')}`;
const mint = (body: { openid?: string; unionid?: string } = {}) =>
  fakeCall<{ code: string; openid: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', body);
const fault = (body: object) => fakeCall(stack.fakes.wechat, 'POST', '/_fake/faults', body);
const fakeRequests = async () =>
  (await fakeCall<{ requests: number }>(stack.fakes.wechat, 'GET', '/_fake/stats')).requests;
const login = (code: string, extra: object = {}) => call('POST', '/v1/users/wechat/login', { code, ...extra });

async function identity(providerUid: string) {
  const rows = await sql(
    `SELECT i.user_id, i.credential_enc, i.profile, u.username, u.password_hash, u.phone, u.email
       FROM identities i LEFT JOIN users u ON u.id = i.user_id WHERE i.provider = 'wechat' AND i.provider_uid = $1`,
    [providerUid],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe('WeChat login: new and returning users', () => {
  const openid = newOpenid();
  const uid = `openid:${appid}:${openid}`;
  let username = '';

  it('creates an account without password, phone or email on the first login (is_new)', async () => {
    const userinfo = { nickName: '小明', avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/abc/132', gender: 1 };
    const answer = await login((await mint({ openid })).code, { userinfo });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      code: 200,
      data: {
        username: expect.stringMatching(/^wx_[a-z0-9]{12}$/),
        token: expect.any(String),
        refresh_token: expect.any(String),
        expires_in: 900,
        is_new: true,
      },
    });
    username = answer.body.data.username;

    const row = await identity(uid);
    expect(row).toMatchObject({ username, password_hash: null, phone: null, email: null, user_id: expect.any(String) });
    expect(row.profile).toMatchObject({
      screen_name: '小明',
      avatar: 'https://thirdwx.qlogo.cn/mmopen/abc/132',
      openid,
    });
    // session_key is never stored and never sent to the client.
    expect(row.credential_enc).toBeNull();
    expect(JSON.stringify(answer.body)).not.toMatch(/session_key|sessionKey/);

    const me = await call('GET', '/v1/users/me', undefined, { token: answer.body.data.token });
    expect(me.body.data).toMatchObject({
      username,
      phone: null,
      email: null,
      email_verified: false,
      has_password: false,
      identities: [{ provider: 'wechat', uid, screen_name: '小明', bound_at: expect.any(String) }],
    });
  });

  it('signs the same account in on a later login (is_new false), keeping the profile', async () => {
    const answer = await login((await mint({ openid })).code);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({ username, is_new: false });
    const row = await identity(uid);
    expect(row.profile.screen_name).toBe('小明');
    expect(row.credential_enc).toBeNull();
  });

  it('refuses a code used twice with 400', async () => {
    const { code } = await mint({ openid });
    expect((await login(code)).status).toBe(200);
    const again = await login(code);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ code: 10140, error: { reason: 'wechat_code_invalid', message: expect.any(String) } });
  });

  it('refuses an unknown code with 400', async () => {
    const answer = await login('not-a-code-wechat-issued');
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(10140);
  });

  it('validates the body', async () => {
    const missing = await call('POST', '/v1/users/wechat/login', {});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe(10100);
    expect(missing.body.error.fields.code).toBeDefined();
    const extra = await login('abc', { session_key: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.fields.session_key).toBeDefined();
  });
});

describe('WeChat login keyed on unionid', () => {
  it('keys the identity on unionid when WeChat sends one, across logins', async () => {
    const unionid = `u_e2e_${randomBytes(9).toString('base64url')}`;
    const first = await login((await mint({ unionid })).code);
    expect(first.body.data.is_new).toBe(true);
    const row = await identity(`unionid:${unionid}`);
    expect(row.username).toBe(first.body.data.username);
    const second = await login((await mint({ unionid })).code);
    expect(second.body.data).toMatchObject({ username: first.body.data.username, is_new: false });
  });

  it('moves an openid-keyed identity to the unionid once WeChat starts sending one', async () => {
    const openid = newOpenid();
    const unionid = `u_e2e_${randomBytes(9).toString('base64url')}`;
    const first = await login((await mint({ openid })).code);
    const second = await login((await mint({ openid, unionid })).code);
    expect(second.body.data).toMatchObject({ username: first.body.data.username, is_new: false });
    expect((await identity(`unionid:${unionid}`)).username).toBe(first.body.data.username);
    expect(await sql(`SELECT 1 FROM identities WHERE provider_uid = $1`, [`openid:${appid}:${openid}`])).toHaveLength(
      0,
    );
  });
});

describe('WeChat errors', () => {
  it.each([
    [40029, 400, 10140, 'wechat_code_invalid'],
    [40163, 400, 10140, 'wechat_code_invalid'],
    [40226, 403, 10141, 'wechat_login_blocked'],
    [-1, 503, 10113, 'provider_unavailable'],
    [45011, 503, 10113, 'provider_unavailable'],
    [40125, 502, 10113, 'provider_misconfigured'],
    [40013, 502, 10113, 'provider_misconfigured'],
  ])('maps errcode %i to HTTP %i with code %i', async (errcode, status, code, reason) => {
    const { code: wxCode } = await mint();
    await fault({ errcode });
    const answer = await login(wxCode);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ code, error: { reason, message: expect.any(String) } });
    expect(answer.headers.get('retry-after')).toBe(errcode === 45011 ? '60' : null);
  });

  it('answers 503 when WeChat does not answer in time, and does not retry the code', async () => {
    const { code } = await mint();
    await fault({ mode: 'hang' });
    const before = await fakeRequests();
    const answer = await login(code);
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe(10113);
    expect(await fakeRequests()).toBe(before + 1);
  });
});

describe('WeChat first logins racing', () => {
  it('creates one account when several first logins for the same openid arrive at once', async () => {
    const openids = Array.from({ length: 5 }, newOpenid);
    const [before] = await sql(`SELECT count(*)::int AS n FROM users WHERE username LIKE 'wx\\_%'`);
    const rounds = await Promise.all(
      openids.map(async (openid) => {
        const codes = await Promise.all([mint({ openid }), mint({ openid }), mint({ openid })]);
        return Promise.all(codes.map(({ code }) => login(code)));
      }),
    );
    for (const [i, answers] of rounds.entries()) {
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((a) => a.body.data.username)).size).toBe(1);
      expect(answers.filter((a) => a.body.data.is_new)).toHaveLength(1);
      const rows = await sql(
        `SELECT count(DISTINCT u.id)::int AS users FROM identities i JOIN users u ON u.id = i.user_id WHERE i.provider_uid = $1`,
        [`openid:${appid}:${openids[i]}`],
      );
      expect(rows[0].users).toBe(1);
    }
    const [after] = await sql(`SELECT count(*)::int AS n FROM users WHERE username LIKE 'wx\\_%'`);
    expect(after.n).toBe(before.n + openids.length);
  });
});
