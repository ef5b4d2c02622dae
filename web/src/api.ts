/**
 * The SPA's one door to the API (see shared/api-contract.md): fetch, the `{code, data}` / `{code, error}`
 * envelope, and the tokens.
 *
 * Tokens: the access token lives only in this module's memory, so a script injected later cannot lift it
 * from storage; the refresh token is in localStorage so a reload or another page of this multi-page app
 * can get a new access token (one refresh per page load). Refreshes run under a Web Lock and re-read the
 * stored token inside it: two tabs never present the same refresh token, which the API would treat as
 * reuse and answer by revoking the whole session.
 */
export interface Tokens {
  username: string;
  token: string;
  refresh_token: string;
  expires_in: number;
}

export interface Answer<T> {
  code: number;
  data: T;
}

export interface ApiErrorInfo {
  status: number;
  code: number;
  reason: string;
  message: string;
  fields?: Record<string, string>;
  retryAfter?: number;
}

export class ApiError extends Error {
  constructor(readonly info: ApiErrorInfo) {
    super(info.message);
  }
}

const REFRESH_KEY = 'nest-auth.refresh_token';
const EARLY_S = 60; // refresh this long before the access token expires
let access: string | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;

interface Options {
  auth?: boolean;
  retried?: boolean;
  reauthed?: boolean;
}

/** The step-up token of this page's session (docs/security.md), asked for when a route answers reauth_required. */
let reauth: string | null = null;

export async function api<T>(method: string, path: string, body?: unknown, opts: Options = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (opts.auth) {
    const token = await accessToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (reauth) headers['x-reauth-token'] = reauth;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError({ status: 0, code: 0, reason: 'network_error', message: 'network error' });
  }
  const json = await res.json().catch(() => null);
  if (res.ok && json && typeof json.code === 'number' && 'data' in json) return json as Answer<T>;
  // An expired access token: refresh once and try again.
  if (res.status === 401 && opts.auth && !opts.retried && json?.code === 10117 && (await refresh())) {
    return api<T>(method, path, body, { ...opts, retried: true });
  }
  const error = json?.error ?? {};
  if (
    res.status === 403 &&
    opts.auth &&
    !opts.reauthed &&
    error.reason === 'reauth_required' &&
    (await reauthenticate())
  ) {
    return api<T>(method, path, body, { ...opts, reauthed: true });
  }
  throw new ApiError({
    status: res.status,
    code: typeof json?.code === 'number' ? json.code : res.status,
    reason: error.reason ?? 'http_error',
    message: error.message ?? res.statusText,
    fields: error.fields,
    retryAfter: Number(res.headers.get('retry-after')) || undefined,
  });
}

/** Asks for the password and trades it for a reauth token; false when the user gives none. */
async function reauthenticate(): Promise<boolean> {
  const password = prompt('为了账号安全，请输入登录密码确认是本人操作');
  if (!password) return false;
  const { data } = await api<{ reauth_token: string }>('POST', '/v1/users/me/reauth', { password }, { auth: true });
  reauth = data.reauth_token;
  return true;
}

export const signedIn = (): boolean => Boolean(localStorage.getItem(REFRESH_KEY));

export function saveTokens(tokens: Tokens): void {
  access = tokens.token;
  localStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  clearTimeout(timer);
  timer = setTimeout(() => void refresh(), Math.max(tokens.expires_in - EARLY_S, 5) * 1000);
}

/** A valid access token, refreshing first when this page has none yet; null when signed out. */
export async function accessToken(): Promise<string | null> {
  if (!access && signedIn()) await refresh();
  return access;
}

/** Rotates the refresh token; false (and signed out) when the API refuses it. */
export function refresh(): Promise<boolean> {
  refreshing ??= withLock(rotate).finally(() => (refreshing = null));
  return refreshing;
}

async function rotate(): Promise<boolean> {
  const refreshToken = localStorage.getItem(REFRESH_KEY);
  if (!refreshToken) return false;
  try {
    saveTokens((await api<Tokens>('POST', '/v1/tokens/refresh', { refresh_token: refreshToken })).data);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.info.status === 401) forget();
    return false;
  }
}

function withLock<T>(fn: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request('nest-auth-refresh', fn) : fn();
}

function forget(): void {
  access = null;
  clearTimeout(timer);
  localStorage.removeItem(REFRESH_KEY);
}

/** Revokes this session on the server (best effort) and forgets both tokens. */
export async function signOut(): Promise<void> {
  const refreshToken = localStorage.getItem(REFRESH_KEY);
  forget();
  if (refreshToken) await api('POST', '/v1/tokens/revoke', { refresh_token: refreshToken }).catch(() => undefined);
}

// Signed out in another tab: drop the access token here too.
addEventListener('storage', (event) => {
  if (event.key === REFRESH_KEY && !event.newValue) {
    access = null;
    clearTimeout(timer);
  }
});
