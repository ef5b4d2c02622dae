import { AuthError, type CaptchaChallenge, type Language } from './errors.js';
import type { KeyValueStorage, LockFn, RequestFn } from './http.js';
import { TokenSession } from './session.js';
import { exchange, type Answer } from './transport.js';
import type {
  CodeSent,
  CodeStatus,
  DeletionProof,
  EmailChangeBody,
  PasswordChangeBody,
  PasswordResetBody,
  PasswordSignIn,
  PhoneChangeBody,
  Profile,
  ProfileFields,
  ReauthProof,
  RegisterBody,
  SecurityEvent,
  Session,
  SmsSignIn,
  Tokens,
  WechatTokens,
  WechatUserInfo,
} from './types.js';
import { weiboFlows } from './weibo.js';

export interface AuthClientOptions {
  /** The API's origin, e.g. `https://auth.example.com`; `''` for the page's own origin. */
  baseUrl: string;
  /** Sends one HTTP request (`browserRequest()` = fetch, `wechatRequest(wx)` = wx.request). */
  request: RequestFn;
  /** Keeps the refresh token (`localStorage`, `wx.setStorageSync`…). */
  storage: KeyValueStorage;
  /** Keeps the Weibo hand-off for the callback page, per tab (`sessionStorage`); default `storage`. */
  flowStorage?: KeyValueStorage;
  /** Serialises refreshes across tabs (`navigator.locks`); default: within this client only. */
  lock?: LockFn;
  /** `Accept-Language` of every request: the language of `error.message`. Default `zh-CN`. */
  language?: Language;
  /** Prefix of the storage keys. Default `nest-auth`. */
  storageKey?: string;
  /** A fresh `wx.login` code, for `wechat.signIn()` and `wechat.reauth()`. */
  wechatCode?: () => Promise<string>;
  /** 428 `captcha_required`: solve the challenge (e.g. with the ALTCHA widget) and return its payload, or null. */
  onCaptcha?: (challenge: CaptchaChallenge) => Promise<string | null>;
  /** 403 `reauth_required`: prove it is the owner (call `reauth.prove`), then resolve true to retry once. */
  onReauthRequired?: () => Promise<boolean>;
  /** The session ended (`session_revoked`, refresh refused, account gone): the app should sign in again. */
  onSignedOut?: (reason: string) => void;
}

export interface CallOptions {
  body?: object;
  /** Send the access token. */
  auth?: boolean;
  /** A sensitive request: send `X-Reauth-Token` and handle `reauth_required`. */
  reauth?: boolean;
  /** Answer `captcha_required` through `onCaptcha` and repeat with `captcha`. */
  captcha?: boolean;
}

const lockless: LockFn = (_name, fn) => fn();
const CAPTCHA_ATTEMPTS = 3;

export function createAuthClient(options: AuthClientOptions) {
  const { baseUrl, request, storage } = options;
  const language = options.language ?? 'zh-CN';
  const prefix = options.storageKey ?? 'nest-auth';
  const flowStorage = options.flowStorage ?? storage;
  const send = <T>(method: string, path: string, body?: object, headers?: Record<string, string>) =>
    exchange<T>(request, baseUrl, language, { method, path, body, headers });

  const session = new TokenSession(
    storage,
    `${prefix}.refresh_token`,
    options.lock ?? lockless,
    async (refresh_token) => (await send<Tokens>('POST', '/v1/tokens/refresh', { refresh_token })).data,
    (reason) => options.onSignedOut?.(reason),
  );

  async function authHeaders(opts: CallOptions): Promise<Record<string, string>> {
    if (!opts.auth) return {};
    const token = await session.accessToken();
    if (!token) throw new AuthError({ status: 401, code: 10117, reason: 'not_signed_in', message: 'Sign in first' });
    const reauth = opts.reauth ? session.reauth() : null;
    return reauth
      ? { authorization: `Bearer ${token}`, 'x-reauth-token': reauth }
      : { authorization: `Bearer ${token}` };
  }

  /** One API call with the recoveries the contract allows: refresh once, reauth once, captcha a few times. */
  async function call<T>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
    let body = opts.body;
    let refreshed = false;
    let reauthed = false;
    for (let captchas = 0; ;) {
      try {
        return await send<T>(method, path, body, await authHeaders(opts));
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        if (opts.auth && err.reason === 'invalid_token' && !refreshed) {
          refreshed = true; // the access token expired in flight
          if (await session.refresh()) continue;
        }
        if (opts.auth && (err.reason === 'session_revoked' || err.reason === 'account_gone')) {
          await session.end(err.reason);
        }
        if (err.reason === 'reauth_required' && opts.reauth && options.onReauthRequired && !reauthed) {
          session.dropReauth();
          reauthed = true;
          if (await options.onReauthRequired()) continue;
        }
        if (err.reason === 'captcha_required' && err.challenge && opts.captcha && options.onCaptcha) {
          const payload = captchas++ < CAPTCHA_ATTEMPTS ? await options.onCaptcha(err.challenge) : null;
          if (payload) {
            body = { ...body, captcha: payload };
            continue;
          }
        }
        throw err;
      }
    }
  }

  const data = async <T>(method: string, path: string, opts?: CallOptions) => (await call<T>(method, path, opts)).data;
  const signedIn = async <T extends Tokens>(answer: Promise<T>): Promise<T> => {
    const tokens = await answer;
    await session.save(tokens);
    return tokens;
  };
  const auth = { auth: true };

  async function signOut(): Promise<void> {
    const refresh_token = await session.storedRefreshToken();
    await session.forget();
    if (refresh_token) await send('POST', '/v1/tokens/revoke', { refresh_token }).catch(() => undefined);
  }

  const weibo = weiboFlows({ call, data, signedIn, signOut, flowStorage, key: `${prefix}.weibo` });

  async function wechatCode(): Promise<string> {
    if (!options.wechatCode) throw new Error('createAuthClient: pass wechatCode (wx.login) to use WeChat sign-in');
    return options.wechatCode();
  }

  const reauth = {
    /** Sends a code to the account's current phone, for `prove({verify})`. */
    sendSms: () => data<CodeSent>('POST', '/v1/users/me/reauth/sms', { auth: true, body: {}, captcha: true }),
    /** Proves it is the owner; the reauth token is then sent with sensitive requests until it expires. */
    async prove(proof: ReauthProof): Promise<void> {
      const answer = await data<{ reauth_token: string; expires_in: number }>('POST', '/v1/users/me/reauth', {
        auth: true,
        body: proof,
      });
      session.setReauth(answer.reauth_token, answer.expires_in);
    },
    /** Whether a reauth token is held (sensitive requests will not ask again). */
    active: () => session.reauth() !== null,
  };

  return {
    /** Any other route, with the same tokens and recoveries. */
    call,
    isSignedIn: async () => (await session.storedRefreshToken()) !== null,
    /** A valid access token (refreshed when needed), e.g. for your own API; null when signed out. */
    accessToken: () => session.accessToken(),
    /** Rotates the refresh token now (single-flight); false when signed out. */
    refresh: () => session.refresh(),
    sms: {
      send: (phone: string) => data<CodeSent>('POST', '/v1/users/sms/code', { body: { phone }, captcha: true }),
      status: (requestId: string) => data<CodeStatus>('GET', `/v1/users/sms/code/${encodeURIComponent(requestId)}`),
    },
    register: (body: RegisterBody) => signedIn(data<Tokens>('POST', '/v1/users', { body })),
    signIn: {
      password: (body: PasswordSignIn) => signedIn(data<Tokens>('POST', '/v1/tokens', { body })),
      sms: (body: SmsSignIn) => signedIn(data<Tokens>('POST', '/v1/tokens/sms', { body })),
    },
    /** Revokes this session's refresh token (best effort) and forgets the tokens. */
    signOut,
    reauth,
    password: {
      /** Forgot password: a code sent to the phone with `sms.send`. Every session of the account ends. */
      reset: (body: PasswordResetBody) => data<object>('POST', '/v1/users/password/reset', { body }),
      /** Gives a new token pair (every other session ends). Without `old_password` (none yet) it needs reauth. */
      change: (body: PasswordChangeBody) =>
        signedIn(data<Tokens>('PUT', '/v1/users/me/password', { body, auth: true, reauth: true })),
    },
    account: {
      me: () => data<Profile>('GET', '/v1/users/me', auth),
      update: (fields: ProfileFields) => data<Profile>('PATCH', '/v1/users/me', { ...auth, body: fields }),
      /** `verify` is a code sent to the new phone with `sms.send`. */
      changePhone: (body: PhoneChangeBody) =>
        data<{ phone: string }>('PUT', '/v1/users/me/phone', { body, auth: true, reauth: true }),
      changeEmail: (body: EmailChangeBody) =>
        data<{ email: string; email_verified: false }>('PUT', '/v1/users/me/email', { body, auth: true, reauth: true }),
      resendActivation: () => data<object>('POST', '/v1/users/me/activation', auth),
      /** The activation mail's link: `ACTIVATION_URL?code=…`. */
      activate: (code: string) =>
        data<{ username: string; email_verified: true }>(
          'GET',
          `/v1/users/activation?code=${encodeURIComponent(code)}`,
        ),
      events: async () => (await data<{ events: SecurityEvent[] }>('GET', '/v1/users/me/events', auth)).events,
      /** Deletes the account for good; then this client is signed out. */
      async delete(proof: DeletionProof = {}): Promise<void> {
        await data<object>('DELETE', '/v1/users/me', { body: proof, auth: true, reauth: true });
        await session.forget();
      },
    },
    sessions: {
      list: async () => (await data<{ sessions: Session[] }>('GET', '/v1/users/me/sessions', auth)).sessions,
      revoke: (id: string) => data<object>('DELETE', `/v1/users/me/sessions/${encodeURIComponent(id)}`, auth),
      /** Signs out everywhere else. */
      revokeOthers: () => data<object>('DELETE', '/v1/users/me/sessions/all', auth),
    },
    weibo,
    wechat: {
      /** `wx.login` → `/v1/users/wechat/login`; `userinfo` fills a new account's profile. */
      signIn: async (userinfo?: WechatUserInfo) =>
        signedIn(
          data<WechatTokens>('POST', '/v1/users/wechat/login', { body: { code: await wechatCode(), userinfo } }),
        ),
      /** Step-up proof with a fresh `wx.login` code of this account's own WeChat identity. */
      reauth: async () => reauth.prove({ wechat_code: await wechatCode() }),
    },
  };
}

export type AuthClient = ReturnType<typeof createAuthClient>;
