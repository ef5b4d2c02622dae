/**
 * Account protection (docs/security.md): step-up re-authentication before sensitive changes, sessions that end
 * at once on every API instance, notices, and Weibo callbacks bound to the browser that started them. Every
 * refused request is checked for what it did NOT change, in PostgreSQL and Redis.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  call,
  closeClients,
  fakeCall,
  newPhone,
  newUsername,
  pkce,
  reauthToken,
  redis,
  redisKeys,
  ronglian,
  register,
  requestCode,
  sql,
  stack,
  until,
} from '../support/client.js';
import { freePort, startProcess, stopProcess, waitReady } from '../support/stack.js';

const PASSWORD = 'correct horse battery';
let second: { url: string; proc: ChildProcess };

beforeAll(async () => {
  const port = await freePort();
  const proc = startProcess('dist/bundle/main.js', { ...stack.env, PORT: String(port) }, `api:${port}`);
  second = { url: `http://127.0.0.1:${port}`, proc };
  await waitReady(`${second.url}/health/ready`, proc);
}, 60000);

afterAll(async () => {
  await stopProcess(second.proc);
  await closeClients();
});

async function account() {
  const user = await register({ password: PASSWORD });
  expect(user.answer.status).toBe(201);
  const [{ id }] = await sql('SELECT id FROM users WHERE username = $1', [user.username]);
  return { ...user, id: id as string, token: user.answer.body.data.token as string };
}

const login = async (account: string) =>
  (await call('POST', '/v1/tokens', { account, password: PASSWORD })).body.data as {
    token: string;
    refresh_token: string;
  };
const userRow = async (id: string) =>
  (await sql('SELECT username, phone, email, password_hash FROM users WHERE id = $1', [id]))[0];
/** `GET /v1/users/me` on the second API instance: revocations must reach every instance. */
const meOnSecond = async (token: string) => {
  const response = await fetch(`${second.url}/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { code: number; error?: { reason: string } } };
};
const expectRevoked = async (token: string) => {
  const [here, there] = [await call('GET', '/v1/users/me', undefined, { token }), await meOnSecond(token)];
  for (const answer of [here, there]) {
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 10132, error: { reason: 'session_revoked' } });
  }
};
const mails = async (to: string) =>
  (
    await fakeCall<{ mails: Array<{ subject: string; text: string }> }>(
      stack.fakes.smtpHttp,
      'GET',
      `/_fake/mails?to=${encodeURIComponent(to)}`,
    )
  ).mails;

describe('step-up re-authentication', () => {
  it('refuses every sensitive route without X-Reauth-Token (403 reauth_required) and changes nothing', async () => {
    const user = await account();
    const before = await userRow(user.id);
    const newPhoneNumber = newPhone();
    const code = await requestCode(newPhoneNumber);
    const attempts = [
      call('PUT', '/v1/users/me/phone', { phone: newPhoneNumber, verify: code }, { token: user.token }),
      call('PUT', '/v1/users/me/email', { email: `${newUsername()}@example.org` }, { token: user.token }),
      call('DELETE', '/v1/users/me/identities/weibo', undefined, { token: user.token }),
      call('GET', `/v1/users/weibo/authorization?code_challenge=${pkce().challenge}`, undefined, {
        token: user.token,
      }),
      call('PUT', '/v1/users/me/phone', { phone: newPhoneNumber, verify: code }, { token: user.token, reauth: 'x' }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 10131, error: { reason: 'reauth_required' } });
    }
    expect(await userRow(user.id)).toEqual(before);
    // The refused phone change did not spend the code sent to the new phone.
    expect(await redis().exists(`sms:{+86${newPhoneNumber}}:code`)).toBe(1);
  });

  it('asks for it before a first password, not before a change proved by the old password', async () => {
    const user = await account();
    await sql('UPDATE users SET password_hash = NULL WHERE id = $1', [user.id]);
    const first = await call('PUT', '/v1/users/me/password', { password: 'a first passphrase' }, { token: user.token });
    expect(first.status).toBe(403);
    expect(first.body.error.reason).toBe('reauth_required');
    expect((await userRow(user.id)).password_hash).toBeNull();

    const other = await account();
    const change = { old_password: PASSWORD, password: 'another passphrase' };
    expect((await call('PUT', '/v1/users/me/password', change, { token: other.token })).status).toBe(200);
  });

  it('trades a password for a reauth_token bound to the session, stored only hashed, for REAUTH_TTL', async () => {
    const user = await account();
    const answer = await call('POST', '/v1/users/me/reauth', { password: PASSWORD }, { token: user.token });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ reauth_token: expect.stringMatching(/^[\w-]{43}$/), expires_in: 300 });
    const token = answer.body.data.reauth_token as string;
    const key = `reauth:${createHash('sha256').update(token).digest('hex')}`;
    expect(await redis().ttl(key)).toBeGreaterThan(290);
    expect(await redisKeys(`*${token}*`)).toEqual([]);

    const email = `${newUsername()}@example.org`;
    const changed = await call('PUT', '/v1/users/me/email', { email }, { token: user.token, reauth: token });
    expect(changed.status).toBe(200);
    // Any number of sensitive requests of that session until it expires.
    const again = await call('PUT', '/v1/users/me/email', { email: `x${email}` }, { token: user.token, reauth: token });
    expect(again.status).toBe(200);
  });

  it('refuses a reauth_token of another session of the same user', async () => {
    const user = await account();
    const laptop = await login(user.username);
    const reauth = await reauthToken(laptop.token, PASSWORD);
    const answer = await call(
      'PUT',
      '/v1/users/me/email',
      { email: `${newUsername()}@example.org` },
      {
        token: user.token,
        reauth,
      },
    );
    expect(answer.status).toBe(403);
    expect((await userRow(user.id)).email).toBe(user.email);
  });

  it('counts a wrong password like a failed login', async () => {
    const user = await account();
    for (let i = 0; i < 5; i++) {
      const wrong = await call('POST', '/v1/users/me/reauth', { password: 'wrong guess' }, { token: user.token });
      expect(wrong.body).toMatchObject({ code: 10116, error: { reason: 'invalid_credentials' } });
    }
    const locked = await call('POST', '/v1/users/me/reauth', { password: PASSWORD }, { token: user.token });
    expect(locked.status).toBe(429);
  });

  it('proves the owner with a code sent to the current phone', async () => {
    const user = await account();
    await new Promise((r) => setTimeout(r, 2100)); // the registration's code cooldown (SMS_COOLDOWN=2)
    const sent = await call('POST', '/v1/users/me/reauth/sms', {}, { token: user.token });
    expect(sent.status).toBe(200);
    expect(sent.body.data).toEqual({ request_id: expect.any(String), expires_in: 180, resend_in: 2 });
    const message = await until(
      async () => (await ronglian.messages(user.phone)).find((m) => m.reqId === sent.body.data.request_id),
      'the reauth code',
    );
    const answer = await call('POST', '/v1/users/me/reauth', { verify: message.datas[0] }, { token: user.token });
    expect(answer.status).toBe(200);
    expect(answer.body.data.reauth_token).toEqual(expect.any(String));
  });

  it('proves a WeChat-only account with a fresh wx.login code of its own identity, not of another', async () => {
    const mint = (openid: string) => fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', { openid });
    const [mine, theirs] = [`o_${randomBytes(9).toString('base64url')}`, `o_${randomBytes(9).toString('base64url')}`];
    const signedIn = await call('POST', '/v1/users/wechat/login', { code: (await mint(mine)).code });
    await call('POST', '/v1/users/wechat/login', { code: (await mint(theirs)).code });
    const token = signedIn.body.data.token as string;
    const foreign = await call('POST', '/v1/users/me/reauth', { wechat_code: (await mint(theirs)).code }, { token });
    expect(foreign.body).toMatchObject({ code: 10140, error: { reason: 'wechat_code_invalid' } });
    const own = await call('POST', '/v1/users/me/reauth', { wechat_code: (await mint(mine)).code }, { token });
    expect(own.status).toBe(200);
    const first = await call(
      'PUT',
      '/v1/users/me/password',
      { password: 'first passphrase here' },
      {
        token,
        reauth: own.body.data.reauth_token,
      },
    );
    expect(first.status).toBe(200);
  });

  it('asks for exactly one proof, and answers phone_missing for an account without a phone', async () => {
    const user = await account();
    const both = await call(
      'POST',
      '/v1/users/me/reauth',
      { password: PASSWORD, verify: '123456' },
      { token: user.token },
    );
    expect(both.status).toBe(400);
    expect((await call('POST', '/v1/users/me/reauth', {}, { token: user.token })).status).toBe(400);
    await sql('UPDATE users SET phone = NULL WHERE id = $1', [user.id]);
    await redis().del(`cache:profile:v2:${user.id}`);
    const noPhone = await call('POST', '/v1/users/me/reauth/sms', {}, { token: user.token });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body).toMatchObject({ code: 10135, error: { reason: 'phone_missing' } });
  });

  it('deletes an account with X-Reauth-Token in place of a password', async () => {
    const user = await account();
    const reauth = await reauthToken(user.token, PASSWORD);
    const answer = await call('DELETE', '/v1/users/me', {}, { token: user.token, reauth });
    expect(answer.status).toBe(200);
    expect(await sql('SELECT 1 FROM users WHERE id = $1', [user.id])).toEqual([]);
  });
});

describe('sessions end at once, on every API instance', () => {
  it('logout', async () => {
    const user = await account();
    await call('POST', '/v1/tokens/revoke', { refresh_token: user.answer.body.data.refresh_token });
    await expectRevoked(user.token);
  });

  it('DELETE /me/sessions/:id and /me/sessions/all', async () => {
    const user = await account();
    const [phone, laptop] = [await login(user.username), await login(user.username)];
    const sid = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;
    expect(
      (await call('DELETE', `/v1/users/me/sessions/${sid(phone.token)}`, undefined, { token: user.token })).status,
    ).toBe(200);
    await expectRevoked(phone.token);
    expect((await meOnSecond(laptop.token)).status).toBe(200);
    expect((await call('DELETE', '/v1/users/me/sessions/all', undefined, { token: user.token })).status).toBe(200);
    await expectRevoked(laptop.token);
    expect((await meOnSecond(user.token)).status).toBe(200);
  });

  it('password change ends every other session; the new pair works', async () => {
    const user = await account();
    const other = await login(user.username);
    const changed = await call(
      'PUT',
      '/v1/users/me/password',
      { old_password: PASSWORD, password: 'a changed passphrase' },
      { token: user.token },
    );
    expect(changed.status).toBe(200);
    await expectRevoked(other.token);
    expect((await meOnSecond(changed.body.data.token)).status).toBe(200);
  });

  it('refresh-token reuse ends that session', async () => {
    const user = await account();
    const refreshToken = user.answer.body.data.refresh_token as string;
    const rotated = await call('POST', '/v1/tokens/refresh', { refresh_token: refreshToken });
    expect((await call('POST', '/v1/tokens/refresh', { refresh_token: refreshToken })).status).toBe(401);
    await expectRevoked(rotated.body.data.token);
    await expectRevoked(user.token);
  });

  it('account deletion ends every session', async () => {
    const user = await account();
    const other = await login(user.username);
    expect((await call('DELETE', '/v1/users/me', { password: PASSWORD }, { token: user.token })).status).toBe(200);
    await expectRevoked(other.token);
  });

  it('the takeover chain: the victim resets the password; the attacker’s stolen token is refused everywhere', async () => {
    const victim = await account();
    const stolen = await login(victim.username); // the attacker's copy of a session
    const reset = await call('POST', '/v1/users/password/reset', {
      phone: victim.phone,
      verify: await requestCode(victim.phone),
      password: 'the owner takes it back',
    });
    expect(reset.status).toBe(200);
    await expectRevoked(stolen.token);
    const attempts = await Promise.all([
      call('PATCH', '/v1/users/me', { nickname: 'pwned' }, { token: stolen.token }),
      call('POST', '/v1/users/me/reauth', { password: 'the owner takes it back' }, { token: stolen.token }),
      call('GET', '/v1/users/me/sessions', undefined, { token: stolen.token }),
      call('POST', '/v1/tokens/refresh', { refresh_token: stolen.refresh_token }),
    ]);
    for (const answer of attempts) expect(answer.status).toBe(401);
    const [row] = await sql('SELECT nickname FROM users WHERE id = $1', [victim.id]);
    expect(row.nickname).toBeNull();
  });

  it('keeps a session within SESSION_MAX_AGE: rotation copies its start and never extends it', async () => {
    const user = await account();
    const rotated = await call('POST', '/v1/tokens/refresh', { refresh_token: user.answer.body.data.refresh_token });
    expect(rotated.status).toBe(200);
    const rows = await sql(
      `SELECT session_started_at, expires_at, expires_at <= session_started_at + interval '90 days' AS bounded
         FROM refresh_tokens WHERE user_id = $1 ORDER BY created_at`,
      [user.id],
    );
    expect(rows).toHaveLength(2);
    expect(rows[1].session_started_at).toEqual(rows[0].session_started_at);
    expect(rows.every((r) => r.bounded)).toBe(true);
  });
});

describe('notices', () => {
  /** Notice SMS use the notice template (RONGLIAN_NOTICE_TEMPLATE_ID=2 in the e2e stack). */
  const noticeTo = (phone: string) =>
    until(async () => (await ronglian.messages(phone)).find((m) => m.templateId === '2'), `a notice to ${phone}`);

  it('texts the old phone after a phone change', async () => {
    const user = await account();
    const reauth = await reauthToken(user.token, PASSWORD);
    const phone = newPhone();
    const body = { phone, verify: await requestCode(phone) };
    expect((await call('PUT', '/v1/users/me/phone', body, { token: user.token, reauth })).status).toBe(200);
    expect(await noticeTo(user.phone)).toMatchObject({ to: user.phone });
  });

  it('texts the account’s phone after a password change and after a reset', async () => {
    const user = await account();
    const change = { old_password: PASSWORD, password: 'a changed passphrase' };
    expect((await call('PUT', '/v1/users/me/password', change, { token: user.token })).status).toBe(200);
    await noticeTo(user.phone);
    const other = await account();
    const reset = { phone: other.phone, verify: await requestCode(other.phone), password: 'a reset passphrase' };
    expect((await call('POST', '/v1/users/password/reset', reset)).status).toBe(200);
    await noticeTo(other.phone);
  });

  it('mails the old address after an email change', async () => {
    const user = await account();
    const reauth = await reauthToken(user.token, PASSWORD);
    const email = `${newUsername()}@example.org`;
    expect((await call('PUT', '/v1/users/me/email', { email }, { token: user.token, reauth })).status).toBe(200);
    const [notice] = await until(async () => {
      const all = (await mails(user.email)).filter((m) => m.subject.includes('邮箱已更改'));
      return all.length > 0 && all;
    }, 'the email-change notice');
    expect(notice.text).toContain('您的账号邮箱已更改为');
    expect(notice.text).not.toContain(email); // the new address is masked
  });
});

describe('Weibo callbacks bound to the browser', () => {
  async function started() {
    const { verifier, challenge } = pkce();
    const answer = await call('GET', `/v1/users/weibo/authorization?code_challenge=${challenge}`);
    const url = new URL(answer.body.data.oauth_url);
    url.searchParams.set('uid', String(2_900_000_000 + Math.floor(Math.random() * 1e6)));
    const redirect = await fetch(url, { redirect: 'manual' });
    const query = Object.fromEntries(new URL(redirect.headers.get('location') ?? '').searchParams);
    return { query, verifier };
  }
  const callback = (query: Record<string, string>) =>
    call('GET', `/v1/users/weibo/users?${new URLSearchParams(query).toString()}`);

  it('needs a code_challenge to start (400 10100)', async () => {
    const answer = await call('GET', '/v1/users/weibo/authorization');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 10100, error: { fields: { code_challenge: expect.any(String) } } });
  });

  it.each([
    ['a missing verifier', undefined],
    ['a wrong verifier', randomBytes(32).toString('base64url')],
  ])('refuses %s with 400 10121 and uses the state up', async (_case, verifier) => {
    const { query, verifier: right } = await started();
    const answer = await callback(verifier === undefined ? query : { ...query, code_verifier: verifier });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 10121, error: { reason: 'weibo_state_invalid' } });
    expect(await redis().exists(`weibo:state:${query.state}`)).toBe(0);
    expect((await callback({ ...query, code_verifier: right })).body.code).toBe(10121);
  });

  it('refuses a forged error= callback without a valid state', async () => {
    const forged = await callback({ error: 'access_denied', error_code: '21330', state: 'A'.repeat(32) });
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ code: 10121, error: { reason: 'weibo_state_invalid' } });
    const noState = await callback({ error: 'access_denied', error_code: '21330' });
    expect(noState.body.code).toBe(10121);
  });
});
