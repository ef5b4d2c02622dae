/** The client's own logic against a scripted transport; client.e2e-spec.ts runs it against the real API. */
import { createHash } from 'node:crypto';
import { CATALOGUE } from '../../../src/common/errors/index.js';
import {
  createAuthClient,
  memoryStorage,
  MESSAGES,
  messageFor,
  type HttpRequest,
  type HttpResponse,
} from '../src/index.js';
import { challengeOf, newVerifier } from '../src/pkce.js';

type Script = (req: HttpRequest) => HttpResponse | Promise<HttpResponse>;
const ok = (data: unknown, code = 200): HttpResponse => ({ status: 200, headers: {}, body: { code, data } });
const fail = (status: number, reason: string, extra: object = {}): HttpResponse => ({
  status,
  headers: {},
  body: { code: 10100, error: { reason, message: reason, ...extra } },
});
const pair = (n: number) => ({ username: 'u', token: `access-${n}`, refresh_token: `refresh-${n}`, expires_in: 900 });

function scripted(
  script: Script,
  extra: Parameters<typeof createAuthClient>[0] extends infer O ? Partial<O> : never = {},
) {
  const log: HttpRequest[] = [];
  const client = createAuthClient({
    baseUrl: 'http://api',
    storage: memoryStorage(),
    request: async (req) => {
      log.push(req);
      return script(req);
    },
    ...extra,
  });
  return { client, log };
}

describe('PKCE (RFC 7636 S256)', () => {
  it('hashes the RFC 7636 appendix B verifier to its published challenge', async () => {
    expect(await challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes 64-character verifiers of the unreserved alphabet whose challenge matches node:crypto', async () => {
    const verifier = newVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{64}$/);
    expect(newVerifier()).not.toBe(verifier);
    expect(await challengeOf(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });
});

describe('messages', () => {
  it('are the server catalogue, reason for reason (npm run client:types regenerates them)', () => {
    const fromServer = Object.fromEntries(
      Object.entries(CATALOGUE).map(([r, e]) => [r, { status: e.status, code: e.code, ...e.message }]),
    );
    expect(MESSAGES).toEqual(fromServer);
    expect(messageFor({ reason: 'sms_code_invalid', message: 'x' })).toBe(CATALOGUE.sms_code_invalid.message['zh-CN']);
    expect(messageFor({ reason: 'sms_code_invalid', message: 'x' }, 'en')).toBe(CATALOGUE.sms_code_invalid.message.en);
    expect(messageFor({ reason: 'something_new', message: 'server text' })).toBe('server text');
  });
});

describe('createAuthClient', () => {
  it('refreshes once for any number of concurrent callers (single-flight)', async () => {
    let n = 1;
    const { client, log } = scripted((req) => ok(pair(req.url.endsWith('/v1/tokens/refresh') ? ++n : 1)));
    await client.signIn.password({ account: 'u', password: 'p' });
    await Promise.all([client.refresh(), client.refresh(), client.refresh()]);
    const refreshes = log.filter((r) => r.url.endsWith('/v1/tokens/refresh'));
    expect(refreshes).toHaveLength(1);
    expect(JSON.parse(refreshes[0].body!)).toEqual({ refresh_token: 'refresh-1' });
    expect(await client.accessToken()).toBe('access-2');
  });

  it('stops using its access token once another tab (same storage) signs out', async () => {
    const storage = memoryStorage();
    const api: Script = (req) => (req.url.endsWith('/v1/tokens') ? ok(pair(1)) : ok({}));
    const { client: tabA } = scripted(api, { storage });
    const { client: tabB } = scripted(api, { storage });
    await tabA.signIn.password({ account: 'u', password: 'p' });
    await tabB.signIn.password({ account: 'u', password: 'p' });
    await tabA.signOut();
    expect(await tabB.accessToken()).toBeNull();
    await expect(tabB.account.me()).rejects.toMatchObject({ reason: 'not_signed_in' });
  });

  it('on invalid_token refreshes and repeats the request once', async () => {
    let me = 0;
    const { client } = scripted((req) => {
      if (req.url.endsWith('/v1/tokens')) return ok(pair(1));
      if (req.url.endsWith('/v1/tokens/refresh')) return ok(pair(2));
      return ++me === 1 ? fail(401, 'invalid_token') : ok({ seen: req.headers.authorization });
    });
    await client.signIn.password({ account: 'u', password: 'p' });
    expect(await client.account.me()).toEqual({ seen: 'Bearer access-2' });
  });

  it('on session_revoked forgets the tokens and reports the end of the session', async () => {
    const ended: string[] = [];
    const { client } = scripted(
      (req) => (req.url.endsWith('/v1/tokens') ? ok(pair(1)) : fail(401, 'session_revoked')),
      {
        onSignedOut: (reason) => ended.push(reason),
      },
    );
    await client.signIn.password({ account: 'u', password: 'p' });
    await expect(client.sessions.list()).rejects.toMatchObject({ reason: 'session_revoked' });
    expect(ended).toEqual(['session_revoked']);
    expect(await client.isSignedIn()).toBe(false);
  });

  it('on reauth_required asks the app for proof, then repeats with X-Reauth-Token', async () => {
    const api: Script = (req) => {
      if (req.url.endsWith('/v1/tokens')) return ok(pair(1));
      if (req.url.endsWith('/v1/users/me/reauth')) return ok({ reauth_token: 'rt-1', expires_in: 300 });
      return req.headers['x-reauth-token'] === 'rt-1' ? ok({ email: 'a@b.cn' }) : fail(403, 'reauth_required');
    };
    let asked = 0;
    const { client } = scripted(api, {
      onReauthRequired: async () => {
        asked++;
        await client.reauth.prove({ password: 'p' });
        return true;
      },
    });
    await client.signIn.password({ account: 'u', password: 'p' });
    expect(await client.account.changeEmail({ email: 'a@b.cn' })).toEqual({ email: 'a@b.cn' });
    expect(asked).toBe(1);
    expect(client.reauth.active()).toBe(true);

    const { client: noDialog } = scripted(api); // without onReauthRequired the error reaches the caller
    await noDialog.signIn.password({ account: 'u', password: 'p' });
    await expect(noDialog.account.changeEmail({ email: 'a@b.cn' })).rejects.toMatchObject({
      status: 403,
      reason: 'reauth_required',
    });
  });

  it('on captcha_required hands the challenge to onCaptcha and repeats with its payload', async () => {
    const challenge = { parameters: { algorithm: 'SHA-256', keyPrefix: '00' }, signature: 's' };
    const { client, log } = scripted(
      (req) =>
        JSON.parse(req.body!).captcha === 'solved'
          ? ok({ request_id: 'r', expires_in: 300, resend_in: 60 })
          : fail(428, 'captcha_required', { challenge }),
      {
        onCaptcha: async (c) => (c === challenge || JSON.stringify(c) === JSON.stringify(challenge) ? 'solved' : null),
      },
    );
    expect(await client.sms.send('13800138000')).toMatchObject({ request_id: 'r' });
    expect(log.map((r) => JSON.parse(r.body!))).toEqual([
      { phone: '13800138000' },
      { phone: '13800138000', captcha: 'solved' },
    ]);
  });

  it('reports a failed network call as network_error', async () => {
    const { client } = scripted(() => Promise.reject(new Error('ECONNREFUSED')));
    await expect(client.sms.send('13800138000')).rejects.toMatchObject({ status: 0, reason: 'network_error' });
  });
});
