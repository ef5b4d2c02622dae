/** Account management (docs/api.md, account management): reset, changes of password, phone, email and profile, sessions, deletion. */
import { randomInt, randomUUID } from 'node:crypto';
import {
  call,
  closeClients,
  fakeCall,
  newPhone,
  newUsername,
  redis,
  register,
  requestCode,
  sql,
  stack,
  until,
  pkce,
  reauthToken,
} from '../support/client.js';

afterAll(closeClients);

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

type Registered = Awaited<ReturnType<typeof register>> & { token: string; refresh: string; id: string };

async function account(): Promise<Registered> {
  const user = await register({ password: PASSWORD });
  expect(user.answer.status).toBe(201);
  const [{ id }] = await sql('SELECT id FROM users WHERE username = $1', [user.username]);
  return { ...user, token: user.answer.body.data.token, refresh: user.answer.body.data.refresh_token, id };
}

const login = (account: string, password = PASSWORD, userAgent = 'jest') =>
  call('POST', '/v1/tokens', { account, password }, { headers: { 'user-agent': userAgent } });
const refresh = (refreshToken: string) => call('POST', '/v1/tokens/refresh', { refresh_token: refreshToken });
const me = (token: string) => call('GET', '/v1/users/me', undefined, { token });
const events = async (userId: string) =>
  (
    await sql<{ type: string }>('SELECT type FROM security_events WHERE user_id = $1 ORDER BY created_at', [userId])
  ).map((e) => e.type);
const mails = async (to: string) =>
  (
    await fakeCall<{ mails: Array<{ text: string }> }>(
      stack.fakes.smtpHttp,
      'GET',
      `/_fake/mails?to=${encodeURIComponent(to)}`,
    )
  ).mails;
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('POST /v1/users/password/reset', () => {
  const reset = (body: object, ip?: string) => call('POST', '/v1/users/password/reset', body, { ip });

  it('sets the new password with a code to the phone, and signs every session out', async () => {
    const user = await account();
    const other = await login(user.username);
    const answer = await reset({ phone: user.phone, verify: await requestCode(user.phone), password: NEW_PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 200, data: {} });
    for (const old of [user.refresh, other.body.data.refresh_token]) {
      const refused = await refresh(old);
      expect(refused.status).toBe(401);
      expect(refused.body.error.reason).toBe('refresh_token_revoked');
    }
    expect((await login(user.username)).status).toBe(401);
    expect((await login(user.username, NEW_PASSWORD)).status).toBe(200);
    expect(await events(user.id)).toContain('password_reset');
  });

  it('answers an unknown phone exactly like a wrong code (400 10112)', async () => {
    const user = await account();
    const wrong = await reset({
      phone: user.phone,
      verify: wrongCode(await requestCode(user.phone)),
      password: NEW_PASSWORD,
    });
    const unknownPhone = newPhone();
    const unknownWrong = await reset({ phone: unknownPhone, verify: '123456', password: NEW_PASSWORD });
    // Even with a real code for it, a phone without an account gets the same answer.
    const unknownRight = await reset({
      phone: unknownPhone,
      verify: await requestCode(unknownPhone),
      password: NEW_PASSWORD,
    });
    for (const answer of [wrong, unknownWrong, unknownRight]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: 10112, error: { reason: 'sms_code_invalid', message: expect.any(String) } });
    }
    expect((await login(user.username)).status).toBe(200);
  });

  it('follows the registration password policy', async () => {
    const answer = await reset({ phone: newPhone(), verify: '123456', password: 'short' });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields)).toEqual(['password']);
  });

  it('is limited per phone after repeated failures (429 with Retry-After), from any IP', async () => {
    const phone = newPhone();
    for (let i = 0; i < 5; i++)
      expect((await reset({ phone, verify: '000000', password: NEW_PASSWORD })).status).toBe(400);
    const limited = await reset({ phone, verify: '000000', password: NEW_PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 10115, error: { reason: 'too_many_reset_failures' } });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('PUT /v1/users/me/password', () => {
  const change = (token: string, body: object) => call('PUT', '/v1/users/me/password', body, { token });

  it('answers a new pair that works and signs every other session out', async () => {
    const user = await account();
    const other = (await login(user.username)).body.data;
    const answer = await change(user.token, { old_password: PASSWORD, password: NEW_PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      code: 200,
      data: { username: user.username, token: expect.any(String), refresh_token: expect.any(String), expires_in: 900 },
    });
    expect((await refresh(other.refresh_token)).status).toBe(401);
    expect((await refresh(user.refresh)).status).toBe(401);
    expect((await me(answer.body.data.token)).status).toBe(200);
    expect((await refresh(answer.body.data.refresh_token)).status).toBe(200);
    expect((await login(user.username, NEW_PASSWORD)).status).toBe(200);
    expect(await events(user.id)).toContain('password_changed');
  });

  it('refuses a wrong old password (401 10116) and a missing one (400), limited like login', async () => {
    const user = await account();
    const missing = await change(user.token, { password: NEW_PASSWORD });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.error.fields)).toEqual(['old_password']);
    for (let i = 0; i < 5; i++) {
      const wrong = await change(user.token, { old_password: `wrong ${i} password`, password: NEW_PASSWORD });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 10116, error: { reason: 'invalid_credentials' } });
    }
    expect((await change(user.token, { old_password: PASSWORD, password: NEW_PASSWORD })).status).toBe(429);
    expect((await login(user.username)).status).toBe(429);
  });

  it('lets an account without a password (WeChat) set its first one', async () => {
    const mint = (body: object) =>
      fakeCall<{ code: string; openid: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', body);
    const { code, openid } = await mint({});
    const wechat = (await call('POST', '/v1/users/wechat/login', { code })).body.data;
    expect((await me(wechat.token)).body.data.has_password).toBe(false);
    // A first password is sensitive: the proof is a fresh wx.login code of the account's own WeChat.
    const proof = await call(
      'POST',
      '/v1/users/me/reauth',
      { wechat_code: (await mint({ openid })).code },
      {
        token: wechat.token,
      },
    );
    const answer = await call(
      'PUT',
      '/v1/users/me/password',
      { password: NEW_PASSWORD },
      {
        token: wechat.token,
        reauth: proof.body.data.reauth_token,
      },
    );
    expect(answer.status).toBe(200);
    expect((await me(answer.body.data.token)).body.data.has_password).toBe(true);
    expect((await login(wechat.username, NEW_PASSWORD)).status).toBe(200);
  });
});

describe('PUT /v1/users/me/phone', () => {
  const change = async (token: string, body: object) =>
    call('PUT', '/v1/users/me/phone', body, { token, reauth: await reauthToken(token, PASSWORD) });

  it('changes the phone with a code sent to the new phone', async () => {
    const user = await account();
    const phone = newPhone();
    const answer = await change(user.token, { phone, verify: await requestCode(phone) });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 200, data: { phone: `+86${phone}` } });
    expect((await me(user.token)).body.data.phone).toBe(`+86${phone}`);
    expect((await call('POST', '/v1/tokens/sms', { phone, verify: await requestCode(phone) })).body.data.username).toBe(
      user.username,
    );
    expect(await events(user.id)).toContain('phone_changed');
  });

  it('refuses a code that was sent to another phone (10112)', async () => {
    const user = await account();
    const codeForOther = await requestCode(newPhone());
    const answer = await change(user.token, { phone: newPhone(), verify: codeForOther });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(10112);
    expect((await sql('SELECT phone FROM users WHERE id = $1', [user.id]))[0].phone).toBe(`+86${user.phone}`);
  });

  it('answers 409 for a phone of another account, but only to whoever proves that phone', async () => {
    const [user, other] = await Promise.all([account(), account()]);
    expect((await change(user.token, { phone: other.phone, verify: '000000' })).body.code).toBe(10112);
    const answer = await change(user.token, { phone: other.phone, verify: await requestCode(other.phone) });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 10119, error: { reason: 'phone_taken' } });
  });
});

describe('PUT /v1/users/me/email', () => {
  const change = async (token: string, email: string) =>
    call('PUT', '/v1/users/me/email', { email }, { token, reauth: await reauthToken(token, PASSWORD) });

  it('changes the email, unverified, and mails an activation link to the new address', async () => {
    const user = await account();
    await sql('UPDATE users SET email_verified = true WHERE id = $1', [user.id]);
    const email = `${newUsername()}@example.net`;
    const answer = await change(user.token, email);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 200, data: { email, email_verified: false } });
    expect(await sql('SELECT email, email_verified FROM users WHERE id = $1', [user.id])).toEqual([
      { email, email_verified: false },
    ]);
    const [mail] = await until(async () => {
      const all = await mails(email);
      return all.length > 0 && all;
    }, `the activation mail to ${email}`);
    const code = new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('code')!;
    expect((await call('GET', `/v1/users/activation?code=${code}`)).status).toBe(200);
    expect((await me(user.token)).body.data).toMatchObject({ email, email_verified: true });
    expect(await events(user.id)).toContain('email_changed');
  });

  it('answers 409 for an email another account verified, whatever its case', async () => {
    const [user, other] = await Promise.all([account(), account()]);
    await sql('UPDATE users SET email_verified = true WHERE id = $1', [other.id]);
    const answer = await change(user.token, other.email.toUpperCase());
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 10119, error: { reason: 'email_taken' } });
  });
});

describe('PATCH /v1/users/me', () => {
  const patch = (token: string, body: object) => call('PATCH', '/v1/users/me', body, { token });
  let user: Registered;
  beforeAll(async () => {
    user = await account();
  });

  it('updates the profile and answers it; GET /me shows it; null clears a field', async () => {
    const fields = {
      nickname: '小明 🐼',
      avatar: 'https://cdn.example.com/a/1.png',
      gender: 'female',
      birthday: '1990-05-17',
      signature: '好好学习\n天天向上',
    };
    const answer = await patch(user.token, fields);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({ username: user.username, ...fields });
    expect((await me(user.token)).body.data).toMatchObject(fields);
    const cleared = await patch(user.token, { signature: null, gender: 'unknown' });
    expect(cleared.body.data).toMatchObject({ ...fields, signature: null, gender: 'unknown' });
    expect((await sql('SELECT birthday::text AS birthday, signature FROM users WHERE id = $1', [user.id]))[0]).toEqual({
      birthday: '1990-05-17',
      signature: null,
    });
  });

  const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  it.each([
    ['avatar', { avatar: 'not a url' }],
    ['avatar', { avatar: 'ftp://example.com/a.png' }],
    ['avatar', { avatar: 'javascript:alert(1)' }],
    ['avatar', { avatar: `https://example.com/${'a'.repeat(500)}` }],
    ['birthday', { birthday: tomorrow }],
    ['birthday', { birthday: '2023-02-30' }],
    ['birthday', { birthday: '1899-12-31' }],
    ['birthday', { birthday: '17/05/1990' }],
    ['gender', { gender: 'other' }],
    ['nickname', { nickname: 'n'.repeat(33) }],
    ['nickname', { nickname: '   ' }],
    ['signature', { signature: '字'.repeat(141) }],
    ['signature', { signature: 42 }],
  ])('refuses a bad %s (%j) with 400 naming it', async (field, body) => {
    const answer = await patch(user.token, body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(10100);
    expect(Object.keys(answer.body.error.fields)).toEqual([field]);
  });

  it('refuses a NUL character anywhere in the body (400 invalid_characters)', async () => {
    const user = await account();
    const answer = await call('PATCH', '/v1/users/me', { nickname: 'a\u0000b' }, { token: user.token });
    expect(answer.status).toBe(400);
    expect(answer.body.error.reason).toBe('invalid_characters');
  });

  it('accepts the limits: 32-character nickname with emoji, 140-character signature', async () => {
    const answer = await patch(user.token, { nickname: '🐼'.repeat(32), signature: '字'.repeat(140) });
    expect(answer.status).toBe(200);
  });

  it('refuses an empty change with 400', async () => {
    const answer = await patch(user.token, {});
    expect(answer.status).toBe(400);
    expect(answer.body.error.reason).toBe('nothing_to_change');
  });

  it('fills nickname and avatar from the userinfo of a first WeChat login', async () => {
    const { code } = await fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', {});
    const userinfo = { nickName: '微信用户', avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/xyz/132' };
    const wechat = await call('POST', '/v1/users/wechat/login', { code, userinfo });
    expect((await me(wechat.body.data.token)).body.data).toMatchObject({
      nickname: '微信用户',
      avatar: userinfo.avatarUrl,
      has_password: false,
    });
  });
});

describe('sessions', () => {
  const list = async (token: string) =>
    (await call('GET', '/v1/users/me/sessions', undefined, { token })).body.data.sessions as any[];
  const revoke = (token: string, id: string) => call('DELETE', `/v1/users/me/sessions/${id}`, undefined, { token });
  const sid = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;

  it('lists live sessions, revokes one, then all but the current one', async () => {
    const user = await account();
    const phone = (await login(user.username, PASSWORD, 'phone-app/1.0')).body.data;
    const laptop = (await login(user.username, PASSWORD, 'laptop-browser')).body.data;
    const sessions = await list(user.token);
    expect(sessions).toHaveLength(3);
    expect(sessions.find((s) => s.current)).toMatchObject({ id: sid(user.token) });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.find((s) => s.id === sid(phone.token))).toEqual({
      id: sid(phone.token),
      created_at: expect.any(String),
      last_used_at: expect.any(String),
      ip: expect.any(String),
      user_agent: 'phone-app/1.0',
      current: false,
    });

    const rotated = await call(
      'POST',
      '/v1/tokens/refresh',
      { refresh_token: phone.refresh_token },
      { headers: { 'user-agent': 'phone-app/1.1' } },
    );
    const after = (await list(user.token)).find((s) => s.id === sid(phone.token));
    expect(after.user_agent).toBe('phone-app/1.1');
    expect(after.last_used_at > after.created_at).toBe(true);

    expect(await revoke(user.token, sid(phone.token))).toMatchObject({ status: 200, body: { code: 200, data: {} } });
    expect((await refresh(rotated.body.data.refresh_token)).status).toBe(401);
    expect((await list(user.token)).map((s) => s.id).sort()).toEqual([sid(user.token), sid(laptop.token)].sort());
    // The revoked session's access token dies with it.
    expect((await me(phone.token)).body).toMatchObject({ code: 10132, error: { reason: 'session_revoked' } });

    expect((await revoke(user.token, 'all')).status).toBe(200);
    expect((await refresh(laptop.refresh_token)).status).toBe(401);
    expect((await list(user.token)).map((s) => s.id)).toEqual([sid(user.token)]);
    expect((await refresh(user.refresh)).status).toBe(200);
    expect(await events(user.id)).toEqual(expect.arrayContaining(['session_revoked']));
  });

  it('answers 404 for an unknown, malformed, revoked or foreign session', async () => {
    const [user, other] = await Promise.all([account(), account()]);
    for (const id of [randomUUID(), 'abc', sid(other.token), `${sid(user.token)}x`]) {
      const answer = await revoke(user.token, id);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 10120, error: { reason: 'session_not_found' } });
    }
    expect((await refresh(other.refresh)).status).toBe(200);
    const second = (await login(user.username)).body.data;
    expect((await revoke(user.token, sid(second.token))).status).toBe(200);
    expect((await revoke(user.token, sid(second.token))).status).toBe(404);
  });
});

describe('DELETE /v1/users/me', () => {
  const remove = (token: string, body: object) => call('DELETE', '/v1/users/me', body, { token });
  const weiboRevoked = async () =>
    (await fakeCall<{ revoked: string[] }>(stack.fakes.weibo, 'GET', '/_fake/revoked')).revoked;

  /** The signed-in Weibo link of weibo.e2e-spec.ts: authorize with the token, then the callback with it. */
  async function linkWeibo(token: string, uid: string) {
    const { verifier, challenge } = pkce();
    const reauth = await reauthToken(token, PASSWORD);
    const path = `/v1/users/weibo/authorization?code_challenge=${challenge}`;
    const start = await call('GET', path, undefined, { token, reauth });
    const url = new URL(start.body.data.oauth_url);
    url.searchParams.set('uid', uid);
    const redirect = await fetch(url, { redirect: 'manual' });
    const query = new URL(redirect.headers.get('location') ?? '').searchParams;
    query.set('code_verifier', verifier);
    const linked = await call('GET', `/v1/users/weibo/users?${query}`, undefined, { token });
    expect(linked.status).toBe(200);
  }

  it('deletes the account, its Weibo binding and tokens, revokes the Weibo token, and frees the identifiers', async () => {
    const user = await account();
    const uid = String(randomInt(2_000_000_000, 2_900_000_000));
    await linkWeibo(user.token, uid);
    await redis().set(`sms:cooldown:+86${user.phone}`, 'x', 'EX', 60);
    const revokedBefore = (await weiboRevoked()).length;

    const answer = await remove(user.token, { password: PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 200, data: {} });

    expect(await sql('SELECT 1 FROM users WHERE id = $1', [user.id])).toEqual([]);
    expect(await sql(`SELECT 1 FROM identities WHERE provider = 'weibo' AND provider_uid = $1`, [uid])).toEqual([]);
    expect(await sql('SELECT 1 FROM refresh_tokens WHERE user_id = $1', [user.id])).toEqual([]);
    expect((await refresh(user.refresh)).status).toBe(401);
    expect((await me(user.token)).status).toBe(401);
    expect(await redis().exists(`sms:cooldown:+86${user.phone}`)).toBe(0);
    await until(async () => (await weiboRevoked()).length > revokedBefore, 'the Weibo token revocation');

    const [record] = await sql(
      `SELECT user_id, ip, user_agent, data FROM security_events WHERE type = 'account_deleted' AND user_id = $1`,
      [user.id],
    );
    expect(record).toEqual({ user_id: user.id, ip: null, user_agent: null, data: { method: 'password' } });

    const again = await register({ username: user.username, phone: user.phone, email: user.email });
    expect(again.answer.status).toBe(201);
  });

  it("accepts an SMS code to the account's phone instead of the password", async () => {
    const user = await account();
    const wrong = await remove(user.token, { verify: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe(10112);
    expect((await remove(user.token, { verify: await requestCode(user.phone) })).status).toBe(200);
    expect(await sql('SELECT 1 FROM users WHERE id = $1', [user.id])).toEqual([]);
  });

  it('refuses a wrong password (401 10116), none or both proofs (400), and keeps the account', async () => {
    const user = await account();
    const wrong = await remove(user.token, { password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 10116, error: { reason: 'invalid_credentials' } });
    for (const body of [{}, { password: PASSWORD, verify: '123456' }])
      expect((await remove(user.token, body)).status).toBe(400);
    expect(await sql('SELECT 1 FROM users WHERE id = $1', [user.id])).toHaveLength(1);
    expect((await me(user.token)).status).toBe(200);
  });
});

describe('bad input on every new route', () => {
  let token = '';
  let reauth = '';
  beforeAll(async () => {
    token = (await account()).token;
    reauth = await reauthToken(token, PASSWORD);
  });

  const routes: Array<[string, string, Record<string, unknown>, boolean]> = [
    [
      'POST',
      '/v1/users/password/reset',
      { phone: '13800138000', verify: '123456', password: 'a passphrase of mine' },
      false,
    ],
    [
      'PUT',
      '/v1/users/me/password',
      { old_password: 'a passphrase of mine', password: 'another passphrase 456' },
      true,
    ],
    ['PUT', '/v1/users/me/phone', { phone: '13800138000', verify: '123456' }, true],
    ['PUT', '/v1/users/me/email', { email: 'a@b.cn' }, true],
    ['PATCH', '/v1/users/me', { nickname: 'nick', gender: 'male' }, true],
    ['DELETE', '/v1/users/me', { password: 'a passphrase of mine' }, true],
  ];

  describe.each(routes)('%s %s', (method, path, valid, authed) => {
    const opts = () => (authed ? { token, reauth } : {});

    it('rejects malformed JSON with 400 malformed_json', async () => {
      const answer = await call(method, path, undefined, { ...opts(), raw: '{"phone": ' });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 10100, error: { reason: 'malformed_json' } });
    });

    it('rejects an unknown field naming it', async () => {
      const answer = await call(method, path, { ...valid, user_id: randomUUID() }, opts());
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields).toEqual({ user_id: 'is not allowed' });
    });

    it('rejects wrong types and non-object bodies with 400 10100', async () => {
      for (const body of [Object.fromEntries(Object.keys(valid).map((k) => [k, 12345])), [valid], 'text', null]) {
        const answer = await call(method, path, undefined, { ...opts(), raw: JSON.stringify(body) });
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe(10100);
      }
    });

    if (authed) {
      it('needs an access token (401)', async () => {
        const answer = await call(method, path, valid);
        expect(answer.status).toBe(401);
        expect(answer.body.code).toBe(10117);
      });
    }
  });

  it.each([
    ['GET', '/v1/users/me/sessions'],
    ['DELETE', '/v1/users/me/sessions/all'],
  ])('%s %s needs an access token (401)', async (method, path) => {
    expect((await call(method, path)).status).toBe(401);
    expect((await call(method, path, undefined, { headers: { authorization: 'Bearer not.a.jwt' } })).status).toBe(401);
  });

  it('lists the new routes in the OpenAPI document', async () => {
    const { paths } = (await call('GET', '/docs-json')).body;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/users/password/reset',
        '/v1/users/me/password',
        '/v1/users/me/phone',
        '/v1/users/me/email',
        '/v1/users/me/sessions',
        '/v1/users/me/sessions/{id}',
      ]),
    );
    expect(Object.keys(paths['/v1/users/me'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
  });

  it('documents which body fields are optional', async () => {
    const { schemas } = (await call('GET', '/docs-json')).body.components;
    expect(schemas.AccountDeletionDto.required ?? []).toEqual([]);
    expect(schemas.ProfileUpdateDto.required ?? []).toEqual([]);
    expect(schemas.PasswordChangeDto.required).toEqual(['password']);
    expect(schemas.ProfileUpdateDto.properties.gender.enum).toEqual(['male', 'female', 'unknown', null]);
  });
});
