/** The whole account journey, end to end. Also run against the embedded database (npm run test:e2e:embedded). */
import {
  call,
  closeClients,
  newPhone,
  newUsername,
  redisKeys,
  register,
  requestCode,
  ronglian,
  stack,
  sql,
  until,
} from '../support/client.js';

afterAll(closeClients);

describe('phone-verified account journey', () => {
  const phone = newPhone();
  const username = newUsername();
  const email = `${username}@Example.com`;
  const password = 'a long enough password';
  let refreshToken = '';

  it('sends a code through the queue and the worker to Ronglian, and reports it sent', async () => {
    const sent = await call('POST', '/v1/users/sms/code', { phone: `+86 ${phone}` });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({
      code: 200,
      data: { request_id: expect.any(String), expires_in: 180, resend_in: Number(stack.env.SMS_COOLDOWN) },
    });
    const [message] = await until(
      async () => (await ronglian.messages(phone)).length > 0 && ronglian.messages(phone),
      'the SMS',
    );
    expect(message.datas).toEqual([expect.stringMatching(/^\d{6}$/), '3']);
    expect(message.reqId).toBe(sent.body.data.request_id);
    const status = await until(async () => {
      const s = await call('GET', `/v1/users/sms/code/${sent.body.data.request_id}`);
      return s.body.data?.status === 'sent' && s;
    }, 'status sent');
    expect(status.body).toEqual({ code: 200, data: { status: 'sent' } });
  });

  it('registers with the code, storing a normalised phone and an argon2id hash', async () => {
    const [message] = await ronglian.messages(phone);
    const answer = await call('POST', '/v1/users', { username, password, phone, email, verify: message.datas[0] });
    expect(answer.status).toBe(201);
    expect(answer.body.data).toEqual({
      username,
      token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 900,
    });
    if (stack.databaseUrl) {
      const [row] = await sql('SELECT phone, email, password_hash, email_verified FROM users WHERE username = $1', [
        username,
      ]);
      expect(row.phone).toBe(`+86${phone}`);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,(t=2,p=1|p=1,t=2)\$/);
      expect(row.email_verified).toBe(false);
    }
  });

  it('refuses the same code a second time (consumed)', async () => {
    const [message] = await ronglian.messages(phone);
    const again = await call('POST', '/v1/tokens/sms', { phone, verify: message.datas[0] });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe(10112);
  });

  it('does not sign in with the email while it is unverified (401, like an unknown account)', async () => {
    const answer = await call('POST', '/v1/tokens', { account: email.toLowerCase(), password });
    expect(answer.status).toBe(401);
    expect(answer.body.error.reason).toBe('invalid_credentials');
  });

  it.each([
    ['username', () => username.toUpperCase()],
    ['phone', () => phone],
  ])('signs in with the %s and the password', async (_kind, account) => {
    const answer = await call('POST', '/v1/tokens', { account: account(), password });
    expect(answer.status).toBe(200);
    expect(answer.body.data.username).toBe(username);
    refreshToken = answer.body.data.refresh_token;
  });

  it('signs in with an SMS code', async () => {
    const code = await requestCode(phone, '10.200.0.1');
    const answer = await call('POST', '/v1/tokens/sms', { phone, verify: code });
    expect(answer.status).toBe(200);
    expect(answer.body.data.username).toBe(username);
  });

  it('returns the profile for a valid access token', async () => {
    const login = await call('POST', '/v1/tokens', { account: username, password });
    const me = await call('GET', '/v1/users/me', undefined, { token: login.body.data.token });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({
      username,
      phone: `+86${phone}`,
      email,
      email_verified: false,
      has_password: true,
      identities: [],
    });
    // The profile is now cached in Redis (read through on the next call).
    expect(await redisKeys(`cache:profile:v2:${me.body.data.id}`)).toHaveLength(1);
  });

  it('rotates refresh tokens, and a reused one revokes the whole session', async () => {
    const first = await call('POST', '/v1/tokens/refresh', { refresh_token: refreshToken });
    expect(first.body).toMatchObject({ code: 200 });
    const next = first.body.data.refresh_token;
    expect(next).not.toBe(refreshToken);

    const reuse = await call('POST', '/v1/tokens/refresh', { refresh_token: refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.reason).toBe('refresh_token_reused');

    const afterReuse = await call('POST', '/v1/tokens/refresh', { refresh_token: next });
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body.error.reason).toBe('refresh_token_revoked');
  });

  it('revokes a session on logout', async () => {
    const login = await call('POST', '/v1/tokens', { account: username, password });
    const revoke = await call('POST', '/v1/tokens/revoke', { refresh_token: login.body.data.refresh_token });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toEqual({ code: 200, data: {} });
    const refresh = await call('POST', '/v1/tokens/refresh', { refresh_token: login.body.data.refresh_token });
    expect(refresh.status).toBe(401);
  });

  it('registers a second account through the shared helper', async () => {
    const { answer } = await register();
    expect(answer.status).toBe(201);
  });
});
