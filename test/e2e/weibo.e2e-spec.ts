/** Weibo login, binding, linking and the attacks of docs/security.md, against the API, worker, PostgreSQL, Redis and the fake Weibo. */
import { createHash, randomInt } from 'node:crypto';
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
  register,
  requestCode,
  sql,
  stack,
  until,
} from '../support/client.js';

afterAll(closeClients);

const PASSWORD = 'correct horse battery';
const ticketKey = (ticket: string) => `weibo:ticket:${createHash('sha256').update(ticket).digest('hex')}`;
const newUid = () => String(randomInt(2_000_000_000, 2_900_000_000));

const weibo = {
  code: async (uid: string) =>
    (await fakeCall<{ code: string }>(stack.fakes.weibo, 'POST', '/_fake/codes', { uid })).code,
  fault: (endpoint: string, mode: string, times = 1, error_code?: number) =>
    fakeCall(stack.fakes.weibo, 'POST', '/_fake/faults', { endpoint, mode, times, error_code }),
  revoked: async () => (await fakeCall<{ revoked: string[] }>(stack.fakes.weibo, 'GET', '/_fake/revoked')).revoked,
  stats: () => fakeCall<Record<string, number>>(stack.fakes.weibo, 'GET', '/_fake/stats'),
};

/** Starts a login (or a link, with a token); the state and the verifier the browser keeps. */
async function start(token?: string) {
  const { verifier, challenge } = pkce();
  // Linking to a signed-in account is sensitive: it needs a fresh proof of the owner.
  const reauth = token ? await reauthToken(token, PASSWORD) : undefined;
  const path = `/v1/users/weibo/authorization?code_challenge=${challenge}`;
  const answer = await call('GET', path, undefined, { token, reauth });
  expect(answer.status).toBe(200);
  const url = new URL(answer.body.data.oauth_url);
  return { url, state: url.searchParams.get('state') ?? '', code_verifier: verifier };
}

/** What the SPA does: get the URL, let the (fake) user authorize, read the callback page's query. */
async function authorize(
  uid: string,
  token?: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const { url, code_verifier } = await start(token);
  for (const [name, value] of Object.entries({ uid, ...extra })) url.searchParams.set(name, value);
  const redirect = await fetch(url, { redirect: 'manual' });
  return { ...Object.fromEntries(new URL(redirect.headers.get('location') ?? '').searchParams), code_verifier };
}

/** A fresh state with its verifier, for callbacks built by hand. */
const newState = async () => {
  const { state, code_verifier } = await start();
  return { state, code_verifier };
};
const callback = (query: Record<string, string>, token?: string) =>
  call('GET', `/v1/users/weibo/users?${new URLSearchParams(query)}`, undefined, { token });

async function ticketFor(uid: string): Promise<string> {
  const answer = await callback(await authorize(uid));
  expect(answer.body.code).toBe(201);
  return answer.body.data.bind_ticket;
}

async function bindNewAccount(ticket: string) {
  const phone = newPhone();
  const username = newUsername();
  const body = {
    bind_ticket: ticket,
    username,
    password: PASSWORD,
    phone,
    email: `${username}@example.com`,
    verify: await requestCode(phone),
  };
  return { answer: await call('POST', '/v1/users/weibo/users', body), username, email: body.email };
}

async function signedInAccount() {
  const { answer, username } = await register({ password: PASSWORD });
  expect(answer.status).toBe(201);
  return { username, token: answer.body.data.token as string };
}

const bindExisting = (ticket: string, account: string, password = PASSWORD) =>
  call('POST', '/v1/users/weibo/bind', { bind_ticket: ticket, account, password });
const boundTo = async (uid: string) =>
  (
    await sql(
      `SELECT u.username FROM identities i JOIN users u ON u.id = i.user_id WHERE i.provider = 'weibo' AND i.provider_uid = $1`,
      [uid],
    )
  )[0]?.username;

describe('first Weibo login, then a new account', () => {
  const uid = newUid();
  let ticket = '';
  let username = '';

  it('hands out a single-use state kept in Redis for 10 minutes', async () => {
    const { url } = await start();
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.fakes.weibo}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '3456789012',
      redirect_uri: stack.env.WEIBO_REDIRECT_URI,
      response_type: 'code',
      state: expect.stringMatching(/^[\w-]{32}$/),
    });
    const ttl = await redis().ttl(`weibo:state:${url.searchParams.get('state')}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('answers code 201 with a bind ticket and the profile; Redis holds only the ticket hash', async () => {
    const query = await authorize(uid);
    const answer = await callback(query);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      code: 201,
      data: {
        bind_ticket: expect.stringMatching(/^[\w-]{43}$/),
        expires_in: 600,
        profile: { uid, screen_name: `weibo_${uid}`, avatar: expect.stringContaining(uid) },
      },
    });
    ticket = answer.body.data.bind_ticket;
    expect(await redis().get(ticketKey(ticket))).toBe(uid);
    const keys = await redisKeys('weibo:ticket:*');
    expect(keys.some((k) => k.includes(ticket))).toBe(false);
    expect(await redis().exists(`weibo:state:${query.state}`)).toBe(0);
    const [row] = await sql(
      `SELECT user_id, credential_enc FROM identities WHERE provider = 'weibo' AND provider_uid = $1`,
      [uid],
    );
    expect(row.user_id).toBeNull();
    expect(row.credential_enc).toMatch(/^v\d+\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('creates the account and the binding: tokens, a bound row with a sealed token, an activation mail', async () => {
    const bound = await bindNewAccount(ticket);
    username = bound.username;
    expect(bound.answer.status).toBe(201);
    expect(bound.answer.body).toEqual({
      code: 200,
      data: { username, token: expect.any(String), refresh_token: expect.any(String), expires_in: 900 },
    });
    const [row] = await sql(
      `SELECT u.username, i.credential_enc, i.bound_at FROM identities i JOIN users u ON u.id = i.user_id WHERE i.provider = 'weibo' AND i.provider_uid = $1`,
      [uid],
    );
    expect(row).toMatchObject({ username, bound_at: expect.any(Date) });
    expect(row.credential_enc).not.toMatch(/^2\.00/);
    const me = await call('GET', '/v1/users/me', undefined, { token: bound.answer.body.data.token });
    expect(me.body.data.identities).toEqual([
      { provider: 'weibo', uid, screen_name: `weibo_${uid}`, bound_at: expect.any(String) },
    ]);
    await until(async () => {
      const { mails } = await fakeCall<{ mails: unknown[] }>(
        stack.fakes.smtpHttp,
        'GET',
        `/_fake/mails?to=${bound.email}`,
      );
      return mails.length > 0;
    }, 'the activation mail');
  });

  it('signs the bound uid in with code 200 next time', async () => {
    const answer = await callback(await authorize(uid));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      code: 200,
      data: { username, token: expect.any(String), refresh_token: expect.any(String), expires_in: 900 },
    });
  });

  it('refuses the same ticket a second time', async () => {
    const again = await bindNewAccount(ticket);
    expect(again.answer.status).toBe(400);
    expect(again.answer.body).toMatchObject({ code: 10122, error: { reason: 'bind_ticket_invalid' } });
  });

  it('refuses an expired ticket', async () => {
    const fresh = await ticketFor(newUid());
    await redis().pexpire(ticketKey(fresh), 1);
    await new Promise((r) => setTimeout(r, 20));
    const answer = await bindExisting(fresh, username);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(10122);
  });

  it('rolls the new user back when the uid was bound meanwhile (one transaction)', async () => {
    const contested = newUid();
    const fresh = await ticketFor(contested);
    const owner = await signedInAccount();
    expect((await callback(await authorize(contested, owner.token), owner.token)).status).toBe(200);
    const late = await bindNewAccount(fresh);
    expect(late.answer.status).toBe(409);
    expect(late.answer.body.error.reason).toBe('identity_bound_to_another_account');
    expect(await sql('SELECT 1 FROM users WHERE username = $1', [late.username])).toEqual([]);
    expect(await boundTo(contested)).toBe(owner.username);
  });
});

describe('binding to an existing account', () => {
  it('needs the right password, and does not burn the ticket on a wrong one', async () => {
    const uid = newUid();
    const account = await signedInAccount();
    const ticket = await ticketFor(uid);
    const wrong = await bindExisting(ticket, account.username, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 10116, error: { reason: 'invalid_credentials' } });
    const right = await bindExisting(ticket, account.username);
    expect(right.status).toBe(200);
    expect(right.body.data.username).toBe(account.username);
    expect(await boundTo(uid)).toBe(account.username);
    expect((await callback(await authorize(uid))).body.data.username).toBe(account.username);
  });

  it('refuses an account that already has a Weibo (409), keeping the ticket', async () => {
    const account = await signedInAccount();
    expect((await bindExisting(await ticketFor(newUid()), account.username)).status).toBe(200);
    const second = await ticketFor(newUid());
    const answer = await bindExisting(second, account.username);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 10125, error: { reason: 'account_already_has_identity' } });
    expect(await redis().exists(ticketKey(second))).toBe(1);
  });

  it('is limited like password login, sharing its counters', async () => {
    const account = await signedInAccount();
    const ticket = await ticketFor(newUid());
    for (let i = 0; i < 5; i++) expect((await bindExisting(ticket, account.username, `wrong ${i}`)).status).toBe(401);
    const limited = await bindExisting(ticket, account.username);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await call('POST', '/v1/tokens', { account: account.username, password: PASSWORD })).status).toBe(429);
  });

  it('lets exactly one of two concurrent binds with one ticket win', async () => {
    const uid = newUid();
    const [a, b] = await Promise.all([signedInAccount(), signedInAccount()]);
    const ticket = await ticketFor(uid);
    const answers = await Promise.all([bindExisting(ticket, a.username), bindExisting(ticket, b.username)]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 400]);
    const winner = answers.find((x) => x.status === 200)!.body.data.username;
    expect(answers.find((x) => x.status === 400)!.body.code).toBe(10122);
    expect(await boundTo(uid)).toBe(winner);
  });

  it('refuses a raw uid instead of a ticket (unknown field)', async () => {
    const account = await signedInAccount();
    const answer = await call('POST', '/v1/users/weibo/bind', {
      uid: newUid(),
      account: account.username,
      password: PASSWORD,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 10100,
      error: { fields: { uid: 'is not allowed', bind_ticket: expect.any(String) } },
    });
  });
});

describe('signed-in linking and unlinking', () => {
  const uid = newUid();
  let owner: { username: string; token: string };

  it("links Weibo to the signed-in user, only with that user's token on the callback", async () => {
    owner = await signedInAccount();
    const stolen = await callback(await authorize(uid, owner.token));
    expect(stolen.status).toBe(403);
    expect(stolen.body).toMatchObject({ code: 10129, error: { reason: 'weibo_link_user_mismatch' } });
    const linked = await callback(await authorize(uid, owner.token), owner.token);
    expect(linked.status).toBe(200);
    expect(linked.body.data.username).toBe(owner.username);
    const me = await call('GET', '/v1/users/me', undefined, { token: owner.token });
    expect(me.body.data.identities).toEqual([
      { provider: 'weibo', uid, screen_name: `weibo_${uid}`, bound_at: expect.any(String) },
    ]);
  });

  it('refuses to link a Weibo bound to someone else (409)', async () => {
    const other = await signedInAccount();
    const answer = await callback(await authorize(uid, other.token), other.token);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 10124, error: { reason: 'identity_bound_to_another_account' } });
    expect(await boundTo(uid)).toBe(owner.username);
  });

  it('unlinks and revokes the Weibo token, which was never stored in clear', async () => {
    const [{ credential_enc: sealed }] = await sql(
      `SELECT credential_enc FROM identities WHERE provider = 'weibo' AND provider_uid = $1`,
      [uid],
    );
    const before = (await weibo.revoked()).length;
    const reauth = await reauthToken(owner.token, PASSWORD);
    const answer = await call('DELETE', '/v1/users/me/identities/weibo', undefined, { token: owner.token, reauth });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 200, data: {} });
    const revoked = await until(async () => {
      const all = await weibo.revoked();
      return all.length > before && all[all.length - 1];
    }, 'the revocation at Weibo');
    expect(revoked).toMatch(/^2\.00/);
    expect(sealed).not.toContain(revoked);
    expect(await sql(`SELECT 1 FROM identities WHERE provider = 'weibo' AND provider_uid = $1`, [uid])).toEqual([]);
    expect((await call('GET', '/v1/users/me', undefined, { token: owner.token })).body.data.identities).toEqual([]);
    expect(
      (await call('DELETE', '/v1/users/me/identities/weibo', undefined, { token: owner.token, reauth })).status,
    ).toBe(404);
  });

  it('refuses to unlink the only way to sign in (409)', async () => {
    const weiboOnly = await bindNewAccount(await ticketFor(newUid()));
    const token = weiboOnly.answer.body.data.token as string;
    const reauth = await reauthToken(token, PASSWORD);
    // No API removes a password and a phone yet: make this a Weibo-only account directly.
    await sql('UPDATE users SET password_hash = NULL, phone = NULL WHERE username = $1', [weiboOnly.username]);
    const answer = await call('DELETE', '/v1/users/me/identities/weibo', undefined, { token, reauth });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 10128, error: { reason: 'last_sign_in_method' } });
  });
});

describe('attacks on the callback', () => {
  it('refuses a forged state without calling Weibo', async () => {
    const before = (await weibo.stats()).access_token;
    const answer = await callback({ code: await weibo.code(newUid()), state: 'A'.repeat(32) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 10121, error: { reason: 'weibo_state_invalid' } });
    expect((await weibo.stats()).access_token).toBe(before);
    expect((await callback({ code: await weibo.code(newUid()) })).body.code).toBe(10121);
  });

  it('refuses a replayed state', async () => {
    const query = await authorize(newUid());
    expect((await callback(query)).status).toBe(200);
    const replay = await callback({ code: await weibo.code(newUid()), state: query.state });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe(10121);
  });

  it('refuses a reused Weibo code (21325)', async () => {
    const query = await authorize(newUid());
    expect((await callback(query)).status).toBe(200);
    const reused = await callback({ code: query.code, ...(await newState()) });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ code: 10127, error: { reason: 'weibo_code_invalid' } });
  });

  it('answers a missing code and a denial with 400, spending the state', async () => {
    const fresh = await newState();
    const missing = await callback(fresh);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe(10126);
    expect(await redis().exists(`weibo:state:${fresh.state}`)).toBe(0);
    const denied = await callback(await authorize(newUid(), undefined, { deny: '1' }));
    expect(denied.status).toBe(400);
    expect(denied.body).toMatchObject({ code: 10123, error: { reason: 'weibo_access_denied' } });
  });
});

describe('Weibo down, slow or misconfigured: never a 500', () => {
  const attempt = async () => callback(await authorize(newUid()));

  it.each([['http500'], ['non_json']])(
    'answers 503 10113 when the token endpoint fails (%s), without retrying it',
    async (mode) => {
      const before = (await weibo.stats()).access_token;
      await weibo.fault('access_token', mode);
      const answer = await attempt();
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 10113, error: { reason: 'provider_unavailable' } });
      expect((await weibo.stats()).access_token).toBe(before + 1);
    },
  );

  it('answers 503 10113 when the token endpoint hangs, after the timeout', async () => {
    await weibo.fault('access_token', 'hang');
    const started = Date.now();
    const answer = await attempt();
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe(10113);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('retries users/show once, and answers 503 when both tries fail', async () => {
    const before = (await weibo.stats()).users_show;
    await weibo.fault('users_show', 'http500');
    expect((await attempt()).body.code).toBe(201);
    expect((await weibo.stats()).users_show).toBe(before + 2);
    await weibo.fault('get_token_info', 'error', 2, 21331);
    const busy = await attempt();
    expect(busy.status).toBe(503);
    expect(busy.body.code).toBe(10113);
  });

  it('answers 502 10113 when Weibo rejects our credentials (21324)', async () => {
    await weibo.fault('access_token', 'error', 1, 21324);
    const answer = await attempt();
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 10113, error: { reason: 'provider_misconfigured' } });
  });
});

describe('documentation', () => {
  it('lists the Weibo routes in the OpenAPI document', async () => {
    const { paths } = (await call('GET', '/docs-json')).body;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/users/weibo/authorization',
        '/v1/users/weibo/users',
        '/v1/users/weibo/bind',
        '/v1/users/me/identities/weibo',
      ]),
    );
    expect(Object.keys(paths['/v1/users/weibo/users'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});
