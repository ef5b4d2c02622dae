import type { ServerResponse } from 'node:http';
import {
  badRequest,
  formParams,
  jsonBody,
  notFound,
  optString,
  redirect,
  sendHtml500,
  sendJson,
  sendText,
  startHttp,
  times,
  type FakeRequest,
  type RunningFake,
} from './http.js';
import { DEFAULT_WEIBO_USERS, apiError, avatarSvg, oauthError, showBody, type WeiboUser } from './weibo-data.js';
import { authorizePage } from './weibo-page.js';
import {
  TOKEN_TTL_S,
  WEIBO_FAULT_ENDPOINTS,
  WEIBO_FAULT_MODES,
  WeiboState,
  type WeiboEndpoint,
} from './weibo-state.js';

export const WEIBO_DEFAULTS = { clientId: '3456789012', clientSecret: 'fake_weibo_secret' } as const;

export interface WeiboApp {
  secret: string;
  redirectUris?: string[];
}

export interface WeiboFakeOptions {
  port?: number;
  /** client_id -> app */
  apps?: Record<string, WeiboApp>;
  users?: WeiboUser[];
  codeTtlMs?: number;
}

interface Ctx {
  state: WeiboState;
  apps: Record<string, WeiboApp>;
  codeTtlMs: number;
}

const PATHS = {
  access_token: '/oauth2/access_token',
  get_token_info: '/oauth2/get_token_info',
  revoke: '/oauth2/revokeoauth2',
} as const;

type Route = (req: FakeRequest, res: ServerResponse, ctx: Ctx) => void;

const ROUTES: Record<string, Route> = {
  'GET /oauth2/authorize': authorize,
  'POST /oauth2/authorize': authorize,
  'POST /oauth2/access_token': accessToken,
  'POST /oauth2/get_token_info': tokenInfo,
  'GET /2/users/show.json': usersShow,
  'GET /oauth2/revokeoauth2': revoke,
  'POST /oauth2/revokeoauth2': revoke,
  'POST /_fake/codes': fakeCode,
  'POST /_fake/faults': fakeFault,
  'GET /_fake/revoked': (_req, res, { state }) => sendJson(res, 200, { revoked: state.revoked }),
  'GET /_fake/stats': (_req, res, { state }) => sendJson(res, 200, state.stats),
  'POST /_fake/reset': (_req, res, { state }) => {
    state.reset();
    sendJson(res, 200, { ok: true });
  },
};

export async function startWeiboFake(options: WeiboFakeOptions = {}): Promise<RunningFake> {
  const ctx: Ctx = {
    state: new WeiboState(options.users ?? DEFAULT_WEIBO_USERS),
    apps: options.apps ?? { [WEIBO_DEFAULTS.clientId]: { secret: WEIBO_DEFAULTS.clientSecret } },
    codeTtlMs: options.codeTtlMs ?? 10 * 60_000,
  };
  return startHttp(options.port ?? 0, (req, res) => {
    const route = ROUTES[`${req.method} ${req.path}`];
    if (route) return route(req, res, ctx);
    if (req.method === 'GET' && req.path.startsWith('/_fake/avatar/')) return avatar(req, res, ctx);
    notFound(res, req);
  });
}

function baseUrl(req: FakeRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

function withQuery(url: string, params: Record<string, string | null>): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) if (value !== null) target.searchParams.set(key, value);
  return target.toString();
}

function authorize(req: FakeRequest, res: ServerResponse, { state, apps, codeTtlMs }: Ctx): void {
  const path = '/oauth2/authorize';
  state.stats.authorize += 1;
  const p = formParams(req);
  const clientId = p.get('client_id') ?? '';
  const app = apps[clientId];
  if (!app) return oauthError(res, path, 21324, `unknow client id:${clientId}`);
  const redirectUri = p.get('redirect_uri');
  if (!redirectUri || !URL.canParse(redirectUri)) return oauthError(res, path, 21323, 'miss redirect uri.');
  if (app.redirectUris && !app.redirectUris.includes(redirectUri)) return oauthError(res, path, 21322);
  const responseType = p.get('response_type');
  if (responseType && responseType !== 'code') return oauthError(res, path, 21329);
  const cbState = p.get('state');
  if (p.get('deny')) {
    // Denial shape is UNVERIFIED; this is the plausible one from docs/providers/weibo.md, authorize.
    const error = { error_uri: path, error: 'access_denied', error_description: 'user denied your request.' };
    return redirect(res, withQuery(redirectUri, { ...error, error_code: '21330', state: cbState }));
  }
  const uid = p.get('uid');
  if (!uid)
    return sendText(res, 200, authorizePage(p, [...state.users.values()], baseUrl(req)), 'text/html;charset=UTF-8');
  if (!/^\d+$/.test(uid)) return oauthError(res, path, 21323, 'uid must be digits.');
  state.upsertUser(uid, p.get('screen_name') ?? undefined);
  const code = state.mintCode({ clientId, uid, redirectUri }, codeTtlMs);
  redirect(res, withQuery(redirectUri, { code, state: cbState }));
}

/**
 * Applies a queued fault. For garbled/lost responses `act` runs first: the server did the work
 * but the client cannot know (why token exchange must not be blindly retried, docs/providers/weibo.md, retries and timeouts).
 */
function faulted(
  endpoint: Exclude<WeiboEndpoint, 'authorize'>,
  res: ServerResponse,
  ctx: Ctx,
  act?: () => void,
): boolean {
  const fault = ctx.state.takeFault(endpoint);
  if (!fault) return false;
  if (fault.mode === 'error') {
    if (endpoint === 'users_show') apiError(res, '/2/users/show.json', fault.errorCode);
    else oauthError(res, PATHS[endpoint], fault.errorCode);
    return true;
  }
  act?.();
  if (fault.mode === 'http500') sendHtml500(res);
  if (fault.mode === 'non_json') sendText(res, 200, '<html><body>系统繁忙，请稍后再试</body></html>', 'text/html');
  return true;
}

function accessToken(req: FakeRequest, res: ServerResponse, ctx: Ctx): void {
  const path = PATHS.access_token;
  ctx.state.stats.access_token += 1;
  const p = formParams(req);
  const clientId = p.get('client_id') ?? '';
  const app = ctx.apps[clientId];
  if (!app) return oauthError(res, path, 21324, `unknow client id:${clientId}`);
  if (p.get('client_secret') !== app.secret) return oauthError(res, path, 21324, 'client_secret error.');
  if (p.get('grant_type') !== 'authorization_code') return oauthError(res, path, 21328);
  const redirectUri = p.get('redirect_uri');
  if (!redirectUri) return oauthError(res, path, 21323, 'miss redirect uri.');
  const code = p.get('code') ?? '';
  if (!code) return oauthError(res, path, 21323, 'miss code.');
  const grant = ctx.state.findCode(code, clientId);
  if (!grant) return oauthError(res, path, 21325, `invalid authorization code:${code}`);
  const allowed = grant.redirectUri ? [grant.redirectUri] : app.redirectUris;
  if (allowed && !allowed.includes(redirectUri)) return oauthError(res, path, 21322);
  let token = '';
  // Codes are single use: consumed on the first successful exchange (docs/providers/weibo.md, general rules).
  const exchange = (): void => {
    ctx.state.codes.delete(code);
    token = ctx.state.issueToken(clientId, grant.uid);
  };
  if (faulted('access_token', res, ctx, exchange)) return;
  exchange();
  const remind = String(TOKEN_TTL_S);
  sendJson(res, 200, {
    access_token: token,
    remind_in: remind,
    expires_in: TOKEN_TTL_S,
    uid: grant.uid,
    isRealName: 'true',
  });
}

function tokenInfo(req: FakeRequest, res: ServerResponse, ctx: Ctx): void {
  ctx.state.stats.get_token_info += 1;
  const token = formParams(req).get('access_token') ?? '';
  const grant = ctx.state.tokens.get(token);
  if (!grant) return oauthError(res, PATHS.get_token_info, 21332, `invalid access_token:${token}`);
  if (faulted('get_token_info', res, ctx)) return;
  const now = Math.floor(Date.now() / 1000);
  const appkey = /^\d+$/.test(grant.clientId) ? Number(grant.clientId) : grant.clientId;
  const expire_in = grant.createdAt + TOKEN_TTL_S - now;
  sendJson(res, 200, { uid: Number(grant.uid), appkey, scope: null, create_at: grant.createdAt, expire_in });
}

function usersShow(req: FakeRequest, res: ServerResponse, ctx: Ctx): void {
  const path = '/2/users/show.json';
  ctx.state.stats.users_show += 1;
  const header = /^OAuth2\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const token = req.query.get('access_token') ?? header?.[1];
  // Without a token Weibo falls back to the `source` param and reports it missing (docs/providers/weibo.md, user profile).
  if (!token) return apiError(res, path, 10006);
  if (!ctx.state.tokens.has(token)) return apiError(res, path, 21332);
  const uid = req.query.get('uid');
  const name = req.query.get('screen_name');
  if (!uid && !name) return apiError(res, path, 10016);
  const users = [...ctx.state.users.values()];
  const user = uid ? ctx.state.users.get(uid) : users.find((u) => u.screen_name === name);
  if (!user) return apiError(res, path, 20003);
  if (faulted('users_show', res, ctx)) return;
  sendJson(res, 200, showBody(user, baseUrl(req)));
}

function revoke(req: FakeRequest, res: ServerResponse, ctx: Ctx): void {
  ctx.state.stats.revoke += 1;
  const token = formParams(req).get('access_token') ?? '';
  if (!ctx.state.tokens.has(token)) return oauthError(res, PATHS.revoke, 21332, `invalid access_token:${token}`);
  const act = (): void => ctx.state.revoke(token);
  if (faulted('revoke', res, ctx, act)) return;
  act();
  sendJson(res, 200, { result: 'true' });
}

function fakeCode(req: FakeRequest, res: ServerResponse, { state, apps, codeTtlMs }: Ctx): void {
  const body = jsonBody(req);
  const uid = optString(body.uid);
  if (!uid || !/^\d+$/.test(uid)) return badRequest(res, 'uid (digits) is required');
  const clientId = optString(body.client_id) ?? Object.keys(apps)[0];
  if (!apps[clientId]) return badRequest(res, `unknown client_id ${clientId}`);
  state.upsertUser(uid, optString(body.screen_name));
  const code = state.mintCode({ clientId, uid, redirectUri: optString(body.redirect_uri) }, codeTtlMs);
  sendJson(res, 200, { code });
}

function fakeFault(req: FakeRequest, res: ServerResponse, { state }: Ctx): void {
  const body = jsonBody(req);
  const endpoint = WEIBO_FAULT_ENDPOINTS.find((e) => e === (body.endpoint ?? 'any'));
  const mode = WEIBO_FAULT_MODES.find((m) => m === (body.mode ?? 'error'));
  if (!endpoint) return badRequest(res, `endpoint must be one of ${WEIBO_FAULT_ENDPOINTS.join(', ')}`);
  if (!mode) return badRequest(res, `mode must be one of ${WEIBO_FAULT_MODES.join(', ')}`);
  const errorCode = typeof body.error_code === 'number' ? body.error_code : 21331;
  state.faults.add({ endpoint, mode, errorCode }, times(body.times));
  sendJson(res, 200, { ok: true, pending: state.faults.pending() });
}

function avatar(req: FakeRequest, res: ServerResponse, { state }: Ctx): void {
  const user = state.users.get(decodeURIComponent(req.path.slice('/_fake/avatar/'.length)));
  if (!user) return notFound(res, req);
  const size = Math.min(Number(req.query.get('size')) || 180, 1024);
  sendText(res, 200, avatarSvg(user, size), 'image/svg+xml');
}
