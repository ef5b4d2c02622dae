/** @nest-auth-cn/client against the real API, worker and fakes (test/support/stack.ts). */
import { call, closeClients, fakeCall, newPhone, newUsername, sql, stack } from '../../../test/support/client.js';
import { AuthError, memoryStorage, type AuthClient } from '../src/index.js';
import { mutex, newClient, nextCode, smsCount } from './support.js';

const PASSWORD = 'correct horse battery';

/** Server features of contract v1.1 not yet on this branch's server: their tests are skipped until they land. */
export const PENDING_SERVER: ReadonlyArray<'reauth' | 'pkce' | 'session_revoked' | 'captcha'> = ['captcha'];
export const whenServer = (feature: (typeof PENDING_SERVER)[number]) =>
  PENDING_SERVER.includes(feature) ? it.skip : it;

/** Sends a code, waiting out the phone's resend cooldown once (SMS_COOLDOWN is 2 s in the e2e setup). */
async function sendOnce(send: () => Promise<unknown>): Promise<void> {
  await send().catch(async (err: AuthError) => {
    if (err.reason !== 'sms_too_frequent') throw err;
    await new Promise((r) => setTimeout(r, (err.retryAfter ?? 2) * 1000 + 50));
    await send();
  });
}

async function sendCode(client: AuthClient, phone: string): Promise<string> {
  const before = await smsCount(phone);
  await sendOnce(() => client.sms.send(phone));
  return nextCode(phone, before);
}

async function registered(client: AuthClient = newClient()) {
  const phone = newPhone();
  const username = newUsername();
  const email = `${username}@example.com`;
  await client.register({ username, password: PASSWORD, phone, email, verify: await sendCode(client, phone) });
  return { client, phone, username, email };
}

const familiesOf = async (username: string) =>
  (
    await sql(
      `SELECT count(DISTINCT family_id)::int AS n FROM refresh_tokens t JOIN users u ON u.id = t.user_id
        WHERE u.username = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL`,
      [username],
    )
  )[0].n;

describe('@nest-auth-cn/client', () => {
  afterAll(closeClients);

  it('registers with an SMS code, signs in by password and by SMS, and reads the profile', async () => {
    const { client, phone, username, email } = await registered();
    expect(await client.isSignedIn()).toBe(true);
    expect(await client.account.me()).toMatchObject({ username, email, email_verified: false });

    const other = newClient();
    await expect(other.signIn.password({ account: username, password: 'wrong password' })).rejects.toMatchObject({
      status: 401,
      reason: 'invalid_credentials',
    });
    const tokens = await other.signIn.password({ account: username, password: PASSWORD });
    expect(tokens.username).toBe(username);
    const bySms = newClient();
    await bySms.signIn.sms({ phone, verify: await sendCode(bySms, phone) });
    expect((await bySms.account.me()).phone).toContain(phone);
    expect(await familiesOf(username)).toBe(3);

    await bySms.signOut();
    expect(await bySms.isSignedIn()).toBe(false);
    expect(await familiesOf(username)).toBe(2);
  });

  it('errors carry the envelope: reason, code, fields and Retry-After, in the asked language', async () => {
    const zh = newClient();
    const err = (await zh
      .register({ username: '', password: '', phone: '1', email: 'x', verify: '' })
      .catch((e) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ status: 400, code: 10100, reason: 'invalid_parameters' });
    expect(Object.keys(err.fields ?? {})).toEqual(expect.arrayContaining(['username', 'phone']));
    const phone = newPhone();
    await zh.sms.send(phone);
    const tooSoon = (await newClient({ language: 'en' })
      .sms.send(phone)
      .catch((e) => e)) as AuthError;
    expect(tooSoon).toMatchObject({ status: 429, code: 10111, reason: 'sms_too_frequent' });
    expect(tooSoon.retryAfter).toBeGreaterThan(0);
  });

  it('refreshes once for concurrent calls, and one tab at a time across tabs sharing storage and a lock', async () => {
    const { username } = await registered();
    const storage = memoryStorage();
    const lock = mutex();
    const tabA = newClient({ storage, lock });
    const tabB = newClient({ storage, lock });
    await tabA.signIn.password({ account: username, password: PASSWORD });
    await Promise.all([tabA.refresh(), tabA.refresh(), tabA.refresh()]);
    // Tab B has no access token yet: both tabs refresh at once, one after the other under the lock.
    const [a, b] = await Promise.all([tabA.refresh(), tabB.accessToken()]);
    expect(a).toBe(true);
    expect(b).toEqual(expect.any(String));
    expect((await tabB.account.me()).username).toBe(username);
    expect(await tabA.refresh()).toBe(true); // the session is still alive
    expect(await familiesOf(username)).toBe(2); // the registration's session and this one
  });

  it('without the lock, two tabs present the same refresh token and the API ends the session (why the lock exists)', async () => {
    const { username } = await registered();
    const storage = memoryStorage();
    const signedOut: string[] = [];
    const tabA = newClient({ storage, onSignedOut: (r) => signedOut.push(r) });
    const tabB = newClient({ storage, onSignedOut: (r) => signedOut.push(r) });
    await tabA.signIn.password({ account: username, password: PASSWORD });
    await Promise.all([tabA.refresh(), tabB.refresh()]);
    expect(signedOut).toContain('refresh_token_reused');
    expect(await familiesOf(username)).toBe(1); // only the registration's session is left
  });

  it('manages the account: profile, email, phone, password (new pair, other sessions end), sessions and events', async () => {
    const { client, username } = await registered();
    client.reauth.active();
    expect(await client.account.update({ nickname: '小明', gender: 'male', birthday: '1990-05-01' })).toMatchObject({
      nickname: '小明',
      gender: 'male',
      birthday: '1990-05-01',
    });
    const withProof = newClient({
      onReauthRequired: async () => {
        await withProof.reauth.prove({ password: PASSWORD });
        return true;
      },
    });
    await withProof.signIn.password({ account: username, password: PASSWORD });
    const email = `${newUsername()}@example.com`;
    expect(await withProof.account.changeEmail({ email })).toEqual({ email, email_verified: false });
    const phone = newPhone();
    expect((await withProof.account.changePhone({ phone, verify: await sendCode(withProof, phone) })).phone).toContain(
      phone,
    );

    const sessions = await withProof.sessions.list();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const first = sessions.find((s) => !s.current)!;
    await withProof.sessions.revoke(first.id);
    expect(await client.refresh()).toBe(false); // the registration's session ended
    await expect(withProof.sessions.revoke(first.id)).rejects.toMatchObject({ status: 404 });

    const third = newClient();
    await third.signIn.password({ account: username, password: PASSWORD });
    const pair = await withProof.password.change({ old_password: PASSWORD, password: 'another good passphrase' });
    expect(pair.username).toBe(username);
    expect(await third.refresh()).toBe(false); // every other session ended
    expect((await withProof.account.me()).username).toBe(username); // this one goes on with the new pair

    const types = (await withProof.account.events()).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['registered', 'signed_in', 'email_changed', 'phone_changed', 'password_changed']),
    );
  });

  it('resets a forgotten password by SMS (every session ends), then deletes the account', async () => {
    const { client, phone, username } = await registered();
    const anon = newClient();
    await anon.password.reset({ phone, verify: await sendCode(anon, phone), password: 'a brand new passphrase' });
    expect(await client.refresh()).toBe(false);
    await expect(anon.signIn.password({ account: username, password: PASSWORD })).rejects.toMatchObject({
      status: 401,
    });
    await anon.signIn.password({ account: username, password: 'a brand new passphrase' });
    await anon.account.delete({ password: 'a brand new passphrase' });
    expect(await anon.isSignedIn()).toBe(false);
    expect(await sql('SELECT 1 FROM users WHERE username = $1', [username])).toHaveLength(0);
  });

  it('Weibo: start with a PKCE challenge, finish on the callback, create an account with the bind ticket', async () => {
    const flowStorage = memoryStorage();
    const client = newClient({ flowStorage });
    const url = new URL(await client.weibo.start());
    expect(url.searchParams.get('state')).toEqual(expect.any(String));
    const callback = await authorize(url, '3812345678');
    const result = await client.weibo.finish(callback.search);
    if (result.kind !== 'bind') throw new Error('expected the bind offer of a new Weibo user');
    expect(result.offer.profile.uid).toBe('3812345678');
    const phone = newPhone();
    const username = newUsername();
    await client.weibo.createAccount(result.offer.bind_ticket, {
      username,
      password: PASSWORD,
      phone,
      email: `${username}@example.com`,
      verify: await sendCode(client, phone),
    });
    expect((await client.account.me()).identities).toEqual([
      expect.objectContaining({ provider: 'weibo', uid: '3812345678' }),
    ]);

    // Next time: straight in. A callback that this tab did not start is refused before it reaches the API.
    const again = newClient({ flowStorage: memoryStorage() });
    const next = await authorize(new URL(await again.weibo.start()), '3812345678');
    await expect(newClient().weibo.finish(next.search)).rejects.toMatchObject({ reason: 'weibo_flow_unknown' });
    const stranger = newClient({ flowStorage: memoryStorage() });
    await stranger.weibo.start();
    await expect(stranger.weibo.finish(next.search)).rejects.toMatchObject({ reason: 'weibo_flow_unknown' });
    expect(await again.weibo.finish(next.search)).toMatchObject({ kind: 'signed_in', tokens: { username } });
  });

  whenServer('pkce')('Weibo: the API refuses a callback whose verifier does not match the challenge', async () => {
    const flowStorage = memoryStorage();
    const client = newClient({ flowStorage });
    const callback = await authorize(new URL(await client.weibo.start()), '3812345679');
    const answer = await call('GET', `/v1/users/weibo/users${callback.search}&code_verifier=${'x'.repeat(64)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.reason).toBe('weibo_state_invalid');
    await expect(client.weibo.finish(callback.search)).rejects.toMatchObject({ reason: 'weibo_state_invalid' });
  });

  whenServer('reauth')('step-up: email change needs a reauth token, by SMS code to the current phone', async () => {
    const { client, phone } = await registered();
    await expect(client.account.changeEmail({ email: `${newUsername()}@example.com` })).rejects.toMatchObject({
      status: 403,
      reason: 'reauth_required',
    });
    const before = await smsCount(phone);
    await sendOnce(() => client.reauth.sendSms());
    await client.reauth.prove({ verify: await nextCode(phone, before) });
    expect(client.reauth.active()).toBe(true);
    const email = `${newUsername()}@example.com`;
    expect(await client.account.changeEmail({ email })).toMatchObject({ email });
  });

  whenServer('session_revoked')(
    'an access token of an ended session is refused at once: session_revoked signs out',
    async () => {
      const { username } = await registered();
      const ended: string[] = [];
      const victim = newClient({ onSignedOut: (r) => ended.push(r) });
      await victim.signIn.password({ account: username, password: PASSWORD });
      await victim.account.me();
      const owner = newClient();
      await owner.signIn.password({ account: username, password: PASSWORD });
      await owner.sessions.revokeOthers();
      await expect(victim.account.me()).rejects.toMatchObject({ status: 401, reason: 'session_revoked' });
      expect(ended).toEqual(['session_revoked']);
      expect(await victim.isSignedIn()).toBe(false);
    },
  );
});

/** The fake Weibo's authorize page, as a user picking test user `uid`: returns the callback URL it redirects to. */
async function authorize(oauthUrl: URL, uid: string): Promise<URL> {
  await fakeCall(stack.fakes.weibo, 'POST', '/_fake/codes', { uid, screen_name: `微博用户${uid.slice(-4)}` });
  const page = new URL(oauthUrl);
  page.searchParams.set('uid', uid);
  const res = await fetch(page, { redirect: 'manual' });
  return new URL(res.headers.get('location')!);
}
