/** Registration races, login limits and uniform answers. */
import { call, closeClients, newIp, newPhone, newUsername, register, requestCode, sql } from '../support/client.js';

afterAll(closeClients);

describe('registration races', () => {
  it('two registrations racing for one username: one 201, one 409, one row', async () => {
    const username = newUsername();
    const [a, b] = await Promise.all(
      [newPhone(), newPhone()].map(async (phone) => ({ phone, verify: await requestCode(phone) })),
    );
    const answers = await Promise.all(
      [a, b].map(({ phone, verify }, i) =>
        call('POST', '/v1/users', {
          username: i ? username.toUpperCase() : username,
          password: 'a passphrase of mine',
          phone,
          email: `${phone}@example.com`,
          verify,
        }),
      ),
    );
    expect(answers.map((x) => x.status).sort()).toEqual([201, 409]);
    expect(answers.find((x) => x.status === 409)!.body).toMatchObject({
      code: 10119,
      error: { reason: 'username_taken' },
    });
    expect(await sql('SELECT id FROM users WHERE lower(username) = lower($1)', [username])).toHaveLength(1);
  });

  it('two registrations with one email: both 201, the address unverified on both (it reserves nothing)', async () => {
    const email = `${newUsername()}@example.com`;
    const [a, b] = await Promise.all(
      [newPhone(), newPhone()].map(async (phone) => ({ phone, verify: await requestCode(phone) })),
    );
    const answers = await Promise.all(
      [a, b].map(({ phone, verify }) =>
        call('POST', '/v1/users', { username: newUsername(), password: 'a passphrase of mine', phone, email, verify }),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual([201, 201]);
    const rows = await sql('SELECT email_verified FROM users WHERE lower(email) = lower($1)', [email]);
    expect(rows).toEqual([{ email_verified: false }, { email_verified: false }]);
  });

  it('two registrations racing for one phone (one code): one wins, the other is refused, one row', async () => {
    const phone = newPhone();
    const verify = await requestCode(phone);
    const answers = await Promise.all(
      [0, 1].map(() =>
        call('POST', '/v1/users', {
          username: newUsername(),
          password: 'a passphrase of mine',
          phone,
          email: `${newUsername()}@example.com`,
          verify,
        }),
      ),
    );
    expect(answers.filter((x) => x.status === 201)).toHaveLength(1);
    expect(answers.find((x) => x.status !== 201)!.status).toBeGreaterThanOrEqual(400);
    expect(answers.find((x) => x.status !== 201)!.status).toBeLessThan(500);
    expect(await sql('SELECT id FROM users WHERE phone = $1', [`+86${phone}`])).toHaveLength(1);
  });

  it('tells that a phone is taken only to whoever proves the phone (no enumeration)', async () => {
    const first = await register();
    const body = {
      username: newUsername(),
      password: 'a passphrase of mine',
      phone: first.phone,
      email: `${newUsername()}@example.com`,
    };
    const guess = await call('POST', '/v1/users', { ...body, verify: '000000' });
    expect(guess.status).toBe(400);
    expect(guess.body.code).toBe(10112);
    const proved = await call('POST', '/v1/users', { ...body, verify: await requestCode(first.phone) });
    expect(proved.status).toBe(409);
    expect(proved.body.error.reason).toBe('phone_taken');
  });

  it('refuses a taken username with 409 before spending the code', async () => {
    const first = await register();
    const phone = newPhone();
    const verify = await requestCode(phone);
    const taken = await call('POST', '/v1/users', {
      username: first.username,
      password: 'a passphrase of mine',
      phone,
      email: `${newUsername()}@example.com`,
      verify,
    });
    expect(taken.body.error.reason).toBe('username_taken');
    const ok = await call('POST', '/v1/users', {
      username: newUsername(),
      password: 'a passphrase of mine',
      phone,
      email: `${newUsername()}@example.com`,
      verify,
    });
    expect(ok.status).toBe(201);
  });
});

describe('password login', () => {
  it('answers unknown accounts and wrong passwords the same way', async () => {
    const user = await register();
    const wrong = await call('POST', '/v1/tokens', { account: user.username, password: 'wrong password' });
    const unknown = await call('POST', '/v1/tokens', { account: newUsername(), password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('locks an account out after repeated failures (429 with Retry-After), even with the right password', async () => {
    const user = await register();
    for (let i = 0; i < 5; i++)
      await call('POST', '/v1/tokens', { account: user.username, password: 'wrong password' }, { ip: newIp() });
    const locked = await call('POST', '/v1/tokens', { account: user.username, password: user.password });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 10115, error: { reason: 'too_many_login_failures' } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts parallel guesses: of 20 concurrent wrong passwords at most 5 are checked, the rest get 429', async () => {
    const user = await register();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        call('POST', '/v1/tokens', { account: user.username, password: 'wrong password' }, { ip: newIp() }),
      ),
    );
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(15);
  });

  it('counts per typed identifier, so a linked identifier answers like an unknown one (no linkage oracle)', async () => {
    const user = await register();
    const login = (account: string, password = 'wrong password') =>
      call('POST', '/v1/tokens', { account, password }, { ip: newIp() });
    for (let i = 0; i < 5; i++) expect((await login(user.username)).status).toBe(401);
    expect((await login(user.username)).status).toBe(429);
    // Password login by email works only once the address is verified.
    await sql('UPDATE users SET email_verified = true WHERE username = $1', [user.username]);
    const [linked, unknown] = [await login(user.email), await login(`nobody_${user.email}`)];
    expect(linked.status).toBe(401);
    expect(linked.body).toEqual(unknown.body);
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('limits failures per client IP across accounts', async () => {
    const ip = newIp();
    for (let i = 0; i < 20; i++) await call('POST', '/v1/tokens', { account: newUsername(), password: 'x' }, { ip });
    const user = await register();
    const answer = await call('POST', '/v1/tokens', { account: user.username, password: user.password }, { ip });
    expect(answer.status).toBe(429);
  });

  it('SMS login for a phone with no account is 404 account_not_found', async () => {
    const phone = newPhone();
    const answer = await call('POST', '/v1/tokens/sms', { phone, verify: await requestCode(phone) });
    expect(answer.status).toBe(404);
    expect(answer.body.error.reason).toBe('account_not_found');
  });
});

describe('audit trail', () => {
  it('records registration, sign-ins, failures and refresh reuse, and shows a user only their own events', async () => {
    const user = await register();
    const ip = newIp();
    await call(
      'POST',
      '/v1/tokens',
      { account: user.username, password: 'wrong password' },
      { ip, headers: { 'user-agent': 'audit-spec' } },
    );
    const login = await call('POST', '/v1/tokens', { account: user.phone, password: user.password }, { ip });
    const first = await call('POST', '/v1/tokens/refresh', { refresh_token: login.body.data.refresh_token });
    await call('POST', '/v1/tokens/refresh', { refresh_token: login.body.data.refresh_token });

    // The reuse ended that session, its access tokens too: read the trail from a new one.
    expect((await call('GET', '/v1/users/me', undefined, { token: first.body.data.token })).status).toBe(401);
    const again = await call('POST', '/v1/tokens', { account: user.username, password: user.password }, { ip });
    const events = await call('GET', '/v1/users/me/events', undefined, { token: again.body.data.token });
    expect(events.status).toBe(200);
    const types = events.body.data.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['signed_in', 'refresh_reuse_detected', 'signed_in', 'sign_in_failed', 'registered']);
    const failed = events.body.data.events.find((e: { type: string }) => e.type === 'sign_in_failed');
    expect(failed).toMatchObject({ ip, user_agent: 'audit-spec', data: { method: 'password' } });
    const other = await register();
    const theirs = await call('GET', '/v1/users/me/events', undefined, { token: other.answer.body.data.token });
    expect(theirs.body.data.events.map((e: { type: string }) => e.type)).toEqual(['registered']);
    const rows = await sql(
      'SELECT type FROM security_events WHERE user_id = (SELECT id FROM users WHERE username = $1)',
      [user.username],
    );
    expect(rows).toHaveLength(5);
  });
});
