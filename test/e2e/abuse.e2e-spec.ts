/**
 * Abuse resistance (docs/abuse.md, docs/captcha.md), tried as an attacker would: captcha before codes, caps per
 * network and for the site, the wrong-guess lock across codes, the password blocklist, unverified email,
 * WeChat per-IP cap, trusted proxies, and no linkage oracle. Every refusal is checked to change nothing.
 * Runs its own API processes with small thresholds beside the main stack (same database, Redis and worker).
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { solveCaptcha } from '../support/captcha-solver.js';
import {
  call,
  callApi,
  closeClients,
  fakeCall,
  newPhone,
  newUsername,
  pkce,
  redis,
  register,
  requestCode,
  ronglian,
  sql,
  stack,
  until,
  type CallOptions,
} from '../support/client.js';
import { freePort, startProcess, stopProcess, waitReady } from '../support/stack.js';

const PASSWORD = 'correct horse battery';
const procs: ChildProcess[] = [];

async function startApi(extra: Record<string, string>): Promise<string> {
  const port = await freePort();
  const proc = startProcess('dist/bundle/main.js', { ...stack.env, ...extra, PORT: String(port) }, `api:${port}`);
  procs.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, proc);
  return url;
}

/** An API with thresholds these specs reach; it trusts X-Forwarded-For only from 127.0.0.1. */
let strict = '';
/** An API that trusts no proxy: X-Forwarded-For is ignored. */
let direct = '';

beforeAll(async () => {
  [strict, direct] = await Promise.all([
    startApi({
      TRUST_PROXY: '127.0.0.1/32',
      CAPTCHA_MODE: 'adaptive',
      CAPTCHA_AFTER_PER_IP: '2',
      CAPTCHA_AFTER_PER_PHONE: '1000',
      SMS_IP_HOURLY_CAP: '100',
      SMS_NET_HOURLY_CAP: '3',
      SMS_GLOBAL_HOURLY_CAP: '100000',
      SMS_VERIFY_MAX_FAILURES: '3',
      WECHAT_LOGIN_IP_HOURLY_CAP: '2',
    }),
    startApi({ TRUST_PROXY: '0', CAPTCHA_MODE: 'off' }),
  ]);
}, 60000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await closeClients();
});

const at = (api: string, method: string, path: string, body?: unknown, opts?: CallOptions) =>
  callApi(api, method, path, body, opts);
const intl = (phone: string) => `+86${phone}`;
/** What an SMS code request for `phone` leaves in Redis: its cooldown, its code and its daily count (0 if none). */
const phoneKeys = async (phone: string) =>
  (await redis().exists(`sms:{${intl(phone)}}:cooldown`, `sms:{${intl(phone)}}:code`)) +
  Number((await redis().get(`limit:sms:{${intl(phone)}}:day`)) ?? 0);
// Addresses no other spec uses, each call in a /24 of its own: the per-network counters this spec asserts on
// live in the Redis the whole e2e run shares, and other specs' random 10.x addresses must not add to them.
let netCounter = randomInt(0, 200);
const newIp = () => `192.168.${netCounter++ % 256}.${randomInt(1, 254)}`;
const net24 = () => `172.${16 + randomInt(0, 16)}.${randomInt(0, 256)}`;

async function deliveredCode(phone: string, before: number): Promise<string> {
  const messages = await until(async () => {
    const all = await ronglian.messages(phone);
    return all.length > before && all;
  }, `an SMS to ${phone}`);
  return messages[messages.length - 1].datas[0];
}

async function metric(api: string, line: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.split(' ').pop()) : 0;
}

describe('captcha before SMS codes (adaptive, CAPTCHA_AFTER_PER_IP=2)', () => {
  it('asks with 428 and a challenge, accepts a solved one once, and a refused request changes nothing', async () => {
    const ip = newIp();
    for (let i = 0; i < 2; i++)
      expect((await at(strict, 'POST', '/v1/users/sms/code', { phone: newPhone() }, { ip })).status).toBe(200);

    const phone = newPhone();
    const asked = await at(strict, 'POST', '/v1/users/sms/code', { phone }, { ip });
    expect(asked.status).toBe(428);
    expect(asked.body).toMatchObject({ code: 10133, error: { reason: 'captcha_required' } });
    const { challenge } = asked.body.error;
    expect(challenge.parameters).toMatchObject({ algorithm: 'PBKDF2/SHA-256', keyPrefix: expect.any(String) });
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(await phoneKeys(phone)).toBe(0);

    const captcha = solveCaptcha(challenge);
    const before = (await ronglian.messages(phone)).length;
    const solved = await at(strict, 'POST', '/v1/users/sms/code', { phone, captcha }, { ip });
    expect(solved.status).toBe(200);
    await deliveredCode(phone, before);
    expect(await redis().exists(`captcha:spent:${challenge.parameters.nonce}`)).toBe(1);

    const other = newPhone();
    const reused = await at(strict, 'POST', '/v1/users/sms/code', { phone: other, captcha }, { ip });
    expect(reused.status).toBe(428);
    expect(reused.body.error.challenge.parameters.nonce).not.toBe(challenge.parameters.nonce);
    expect(await phoneKeys(other)).toBe(0);
  });

  it('a wrong solution is 428 with a fresh challenge; an over-long one is a 400', async () => {
    const ip = newIp();
    const ask = () =>
      at(strict, 'POST', '/v1/users/sms/code', { phone: newPhone(), captcha: 'bm90IGEgc29sdXRpb24=' }, { ip });
    await ask();
    await ask();
    const wrong = await ask();
    expect(wrong.status).toBe(428);
    expect(wrong.body.error.challenge).toBeDefined();
    const long = await at(
      strict,
      'POST',
      '/v1/users/sms/code',
      { phone: newPhone(), captcha: 'A'.repeat(5000) },
      { ip },
    );
    expect(long.status).toBe(400);
    expect(Object.keys(long.body.error.fields)).toEqual(['captcha']);
  });

  it('guards POST /v1/users/me/reauth/sms the same way, with or without a body', async () => {
    const user = await register({ password: PASSWORD });
    const token = user.answer.body.data.token as string;
    const ip = newIp();
    await at(strict, 'POST', '/v1/users/sms/code', { phone: newPhone() }, { ip });
    await at(strict, 'POST', '/v1/users/sms/code', { phone: newPhone() }, { ip });
    await redis().del(`sms:{${intl(user.phone)}}:cooldown`);
    const asked = await at(strict, 'POST', '/v1/users/me/reauth/sms', undefined, { ip, token });
    expect(asked.status).toBe(428);
    const captcha = solveCaptcha(asked.body.error.challenge);
    const solved = await at(strict, 'POST', '/v1/users/me/reauth/sms', { captcha }, { ip, token });
    expect(solved.status).toBe(200);
  });
});

describe('wrong SMS codes across codes (SMS_VERIFY_MAX_FAILURES=3)', () => {
  it('locks every verification for the phone, even with the right code, until the window ends', async () => {
    const user = await register({ password: PASSWORD });
    const phone = user.phone;
    const before = (await ronglian.messages(phone)).length;
    await redis().del(`sms:{${intl(phone)}}:cooldown`);
    expect((await at(strict, 'POST', '/v1/users/sms/code', { phone })).status).toBe(200);
    const code = await deliveredCode(phone, before);
    const wrong = code === '999999' ? '000000' : '999999';
    for (let i = 0; i < 3; i++) {
      const answer = await at(strict, 'POST', '/v1/tokens/sms', { phone, verify: wrong });
      expect(answer.body).toMatchObject({ code: 10112 });
    }
    const tokensBefore = await sql('SELECT count(*)::int AS n FROM refresh_tokens');
    for (const [path, body] of [
      ['/v1/tokens/sms', { phone, verify: code }],
      ['/v1/users/password/reset', { phone, verify: code, password: 'a brand new passphrase' }],
    ] as const) {
      const locked = await at(strict, 'POST', path, body);
      expect(locked.status).toBe(429);
      expect(locked.body).toMatchObject({ code: 10115, error: { reason: 'sms_verify_locked' } });
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(86_000);
    }
    const key = `limit:sms:{${intl(phone)}}:verify`;
    expect(await redis().get(key)).toBe('3');
    expect(await redis().ttl(key)).toBeGreaterThan(86_000);
    expect(await redis().exists(`sms:{${intl(phone)}}:code`)).toBe(1);
    expect(await sql('SELECT count(*)::int AS n FROM refresh_tokens')).toEqual(tokensBefore);
    const [row] = await sql('SELECT password_hash FROM users WHERE phone = $1', [intl(phone)]);
    expect(row.password_hash).toBeTruthy();
  });
});

describe('SMS caps per network and for the site', () => {
  it('counts an IPv4 /24 through a trusted proxy; the refused request gives back what it counted', async () => {
    const net = net24();
    for (let i = 1; i <= 3; i++)
      expect(
        (await at(strict, 'POST', '/v1/users/sms/code', { phone: newPhone() }, { ip: `${net}.${i}` })).status,
      ).toBe(200);
    const phone = newPhone();
    const refusedBefore = await metric(strict, 'auth_sms_code_refused_total{reason="network"}');
    const refused = await at(strict, 'POST', '/v1/users/sms/code', { phone }, { ip: `${net}.4` });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 10115, error: { reason: 'sms_ip_limit' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await redis().get(`limit:sms:{net:${net}.0/24}:net`)).toBe('3');
    expect(await redis().get(`limit:sms:{net:${net}.0/24}:ip:${net}.4`)).toBe('0');
    expect(await phoneKeys(phone)).toBe(0);
    expect(await metric(strict, 'auth_sms_code_refused_total{reason="network"}')).toBe(refusedBefore + 1);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const spoofed = `203.0.113.${randomInt(1, 254)}`;
    const before = Number((await redis().get('limit:sms:{net:127.0.0.0/24}:ip:127.0.0.1')) ?? 0);
    const answer = await at(direct, 'POST', '/v1/users/sms/code', { phone: newPhone() }, { ip: spoofed });
    expect(answer.status).toBe(200);
    expect(Number(await redis().get('limit:sms:{net:127.0.0.0/24}:ip:127.0.0.1'))).toBe(before + 1);
    expect(await redis().exists(`limit:sms:{net:203.0.113.0/24}:ip:${spoofed}`)).toBe(0);
  });

  it('refuses past the site-wide hourly budget with sms_global_limit, counting nothing', async () => {
    const key = 'limit:sms:global';
    const [saved, ttl] = await Promise.all([redis().get(key), redis().ttl(key)]);
    await redis().set(key, '100000', 'EX', 3600);
    try {
      const phone = newPhone();
      const ip = newIp();
      const before = await metric(strict, 'auth_sms_code_refused_total{reason="global"}');
      const refused = await at(strict, 'POST', '/v1/users/sms/code', { phone }, { ip });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 10115, error: { reason: 'sms_global_limit' } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await redis().get(key)).toBe('100000');
      expect(await redis().get(`limit:sms:{net:${ip.replace(/\.\d+$/, '.0/24')}}:ip:${ip}`)).toBe('0');
      expect(await phoneKeys(phone)).toBe(0);
      expect(await metric(strict, 'auth_sms_code_refused_total{reason="global"}')).toBe(before + 1);
    } finally {
      if (saved === null) await redis().del(key);
      else await redis().set(key, saved, 'EX', Math.max(1, ttl));
    }
  });
});

describe('password blocklist', () => {
  const weak = ['password1', 'iloveyou'];

  it('registration refuses a common password or one holding the username, before the code is spent', async () => {
    const phone = newPhone();
    const username = newUsername();
    const verify = await requestCode(phone);
    for (const password of [...weak, `${username}!x`]) {
      const body = { username, password, phone, email: `${username}@example.com`, verify };
      const answer = await call('POST', '/v1/users', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 10100, error: { fields: { password: expect.any(String) } } });
    }
    expect(await sql('SELECT id FROM users WHERE username = $1', [username])).toEqual([]);
    expect(await redis().exists(`sms:{${intl(phone)}}:code`)).toBe(1);
  });

  it('password reset refuses a common password before the code is spent, and the password stays', async () => {
    const user = await register({ password: PASSWORD });
    const [before] = await sql('SELECT password_hash FROM users WHERE phone = $1', [intl(user.phone)]);
    await redis().del(`sms:{${intl(user.phone)}}:cooldown`);
    const verify = await requestCode(user.phone);
    const answer = await call('POST', '/v1/users/password/reset', { phone: user.phone, verify, password: 'iloveyou' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual({ password: expect.any(String) });
    expect(await redis().exists(`sms:{${intl(user.phone)}}:code`)).toBe(1);
    expect(await sql('SELECT password_hash FROM users WHERE phone = $1', [intl(user.phone)])).toEqual([before]);
  });

  it('password reset refuses a password holding the username (checked once the code proved the phone)', async () => {
    const user = await register({ password: PASSWORD });
    await redis().del(`sms:{${intl(user.phone)}}:cooldown`);
    const verify = await requestCode(user.phone);
    const password = `my ${user.username} pass`;
    const answer = await call('POST', '/v1/users/password/reset', { phone: user.phone, verify, password });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual({ password: expect.any(String) });
    expect((await call('POST', '/v1/tokens', { account: user.username, password: PASSWORD })).status).toBe(200);
  });

  it('password change refuses a common password, and every session stays', async () => {
    const user = await register({ password: PASSWORD });
    const token = user.answer.body.data.token as string;
    const [before] = await sql('SELECT password_hash FROM users WHERE username = $1', [user.username]);
    const reauth = await call('POST', '/v1/users/me/reauth', { password: PASSWORD }, { token });
    const answer = await call(
      'PUT',
      '/v1/users/me/password',
      { old_password: PASSWORD, password: 'password1' },
      { token, reauth: reauth.body.data.reauth_token },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual({ password: expect.any(String) });
    expect(await sql('SELECT password_hash FROM users WHERE username = $1', [user.username])).toEqual([before]);
    expect((await call('GET', '/v1/users/me', undefined, { token })).status).toBe(200);
  });

  it('Weibo create-and-bind refuses a common password, binding nothing', async () => {
    const uid = String(randomInt(2_000_000_000, 2_900_000_000));
    const ticket = await weiboTicket(uid);
    const phone = newPhone();
    const username = newUsername();
    const body = { bind_ticket: ticket, username, password: 'iloveyou', phone, email: `${username}@example.com` };
    const answer = await call('POST', '/v1/users/weibo/users', { ...body, verify: await requestCode(phone) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual({ password: expect.any(String) });
    expect(await sql('SELECT id FROM users WHERE username = $1', [username])).toEqual([]);
    const bound = `SELECT 1 FROM identities WHERE provider = 'weibo' AND provider_uid = $1 AND user_id IS NOT NULL`;
    expect(await sql(bound, [uid])).toEqual([]);
    expect(await redis().exists(weiboTicketKey(ticket))).toBe(1);
  });
});

describe('an unverified email reserves nothing', () => {
  const mails = async (to: string) =>
    (
      await fakeCall<{ mails: Array<{ text: string }> }>(
        stack.fakes.smtpHttp,
        'GET',
        `/_fake/mails?to=${encodeURIComponent(to)}`,
      )
    ).mails;

  it('two accounts hold one unverified address; verifying one removes the other claim', async () => {
    const email = `${newUsername()}@example.org`;
    const a = await register({ email, password: PASSWORD });
    expect(a.answer.status).toBe(201);
    const [mail] = await until(async () => {
      const all = await mails(email);
      return all.length > 0 && all;
    }, 'the activation mail');
    const b = await register({ email, password: PASSWORD });
    expect(b.answer.status).toBe(201);
    const bToken = b.answer.body.data.token as string;
    expect((await call('GET', '/v1/users/me', undefined, { token: bToken })).body.data.email).toBe(email);

    const code = new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('code')!;
    expect((await call('GET', `/v1/users/activation?code=${encodeURIComponent(code)}`)).status).toBe(200);
    const rows = await sql(
      'SELECT username, email, email_verified FROM users WHERE username IN ($1, $2) ORDER BY created_at',
      [a.username, b.username],
    );
    expect(rows).toEqual([
      { username: a.username, email, email_verified: true },
      { username: b.username, email: null, email_verified: false },
    ]);
    expect((await call('GET', '/v1/users/me', undefined, { token: bToken })).body.data.email).toBeNull();
    // Now verified: another account can no longer take it.
    const c = await register({ email, password: PASSWORD });
    expect(c.answer.status).toBe(409);
    expect(c.answer.body.error.reason).toBe('email_taken');
  });

  it('password login by an unverified email fails exactly like an unknown account', async () => {
    const user = await register({ password: PASSWORD });
    const byEmail = await call('POST', '/v1/tokens', { account: user.email, password: PASSWORD });
    const unknown = await call('POST', '/v1/tokens', { account: `x${user.email}`, password: PASSWORD });
    expect(byEmail.status).toBe(401);
    expect(byEmail.body).toEqual(unknown.body);
    await sql('UPDATE users SET email_verified = true WHERE username = $1', [user.username]);
    expect((await call('POST', '/v1/tokens', { account: user.email, password: PASSWORD })).status).toBe(200);
  });
});

describe('no linkage oracle after failures', () => {
  async function verifiedUser() {
    const user = await register({ password: PASSWORD });
    await sql('UPDATE users SET email_verified = true WHERE username = $1', [user.username]);
    return user;
  }

  it('password login: a linked email answers like an unknown one after the username is locked', async () => {
    const user = await verifiedUser();
    const login = (account: string) => call('POST', '/v1/tokens', { account, password: 'wrong password' });
    for (let i = 0; i < 5; i++) await login(user.username);
    expect((await login(user.username)).status).toBe(429);
    const [linked, unknown] = [await login(user.email), await login(`nobody.${user.email}`)];
    expect(linked.status).toBe(unknown.status);
    expect(linked.body).toEqual(unknown.body);
  });

  it('Weibo bind to an existing account: the same', async () => {
    const user = await verifiedUser();
    const ticket = await weiboTicket(String(randomInt(2_000_000_000, 2_900_000_000)));
    const bind = (account: string) =>
      call('POST', '/v1/users/weibo/bind', { bind_ticket: ticket, account, password: 'wrong password' });
    for (let i = 0; i < 5; i++) expect((await bind(user.username)).status).toBe(401);
    expect((await bind(user.username)).status).toBe(429);
    const [linked, unknown] = [await bind(user.email), await bind(`nobody.${user.email}`)];
    expect(linked.status).toBe(unknown.status);
    expect(linked.body).toEqual(unknown.body);
  });
});

describe('WeChat login per IP (WECHAT_LOGIN_IP_HOURLY_CAP=2)', () => {
  const mint = async () => (await fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', {})).code;
  const requests = async () =>
    (await fakeCall<{ requests: number }>(stack.fakes.wechat, 'GET', '/_fake/stats')).requests;

  it('refuses the third login from one IP in an hour before WeChat is asked', async () => {
    const ip = newIp();
    for (let i = 0; i < 2; i++)
      expect((await at(strict, 'POST', '/v1/users/wechat/login', { code: await mint() }, { ip })).status).toBe(200);
    const code = await mint();
    const before = await requests();
    const users = await sql('SELECT count(*)::int AS n FROM users');
    const refused = await at(strict, 'POST', '/v1/users/wechat/login', { code }, { ip });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 10115, error: { reason: 'wechat_login_limit' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await requests()).toBe(before);
    expect(await sql('SELECT count(*)::int AS n FROM users')).toEqual(users);
    expect((await at(strict, 'POST', '/v1/users/wechat/login', { code }, { ip: newIp() })).status).toBe(200);
  });

  it('counts a wx.login code given as a step-up proof like a login, on the same cap', async () => {
    const ip = newIp();
    const first = await fakeCall<{ code: string; openid: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', {});
    const again = async () =>
      (await fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', { openid: first.openid })).code;
    const signedIn = await at(strict, 'POST', '/v1/users/wechat/login', { code: first.code }, { ip });
    const { token } = signedIn.body.data as { token: string };
    const proof = async (wechat_code: string) =>
      at(strict, 'POST', '/v1/users/me/reauth', { wechat_code }, { ip, token });
    expect((await proof(await again())).status).toBe(200);
    const before = await requests();
    const refused = await proof(await again());
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 10115, error: { reason: 'wechat_login_limit' } });
    expect(await requests()).toBe(before);
  });
});

/** A Weibo bind ticket for `uid`, through the fake's authorize page and our callback. */
async function weiboTicket(uid: string): Promise<string> {
  const { verifier, challenge } = pkce();
  const start = await call('GET', `/v1/users/weibo/authorization?code_challenge=${challenge}`);
  const url = new URL(start.body.data.oauth_url);
  url.searchParams.set('uid', uid);
  const redirect = await fetch(url, { redirect: 'manual' });
  const query = Object.fromEntries(new URL(redirect.headers.get('location') ?? '').searchParams);
  const callback = new URLSearchParams({ ...query, code_verifier: verifier }).toString();
  const answer = await call('GET', `/v1/users/weibo/users?${callback}`);
  expect(answer.body.code).toBe(201);
  return answer.body.data.bind_ticket as string;
}

const weiboTicketKey = (ticket: string) => `weibo:ticket:${createHash('sha256').update(ticket).digest('hex')}`;
