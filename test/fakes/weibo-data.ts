import type { ServerResponse } from 'node:http';
import { sendJson } from './http.js';

export interface WeiboUser {
  uid: string;
  screen_name: string;
  gender?: 'm' | 'f' | 'n';
  /** Defaults to an SVG served by the fake itself at /_fake/avatar/<uid>. */
  avatar?: string;
}

export const DEFAULT_WEIBO_USERS: WeiboUser[] = [
  { uid: '1000000001', screen_name: '微博测试甲', gender: 'f' },
  { uid: '1000000002', screen_name: '微博测试乙', gender: 'm' },
  { uid: '1000000003', screen_name: 'weibo_tester_c', gender: 'n' },
];

// Names from docs/providers/weibo.md, error codes.
const ERROR_NAMES: Record<number, string> = {
  10001: 'system error!',
  10002: 'service unavailable!',
  10003: 'remote service error!',
  10006: 'source paramter (appkey) is missing',
  10009: 'too many pending tasks, system is busy!',
  10016: 'miss required parameter (uid), see doc for more info.',
  10022: 'IP requests out of rate limit!',
  10023: 'User requests out of rate limit!',
  10024: 'User requests for (users/show) out of rate limit!',
  20003: 'User does not exists!',
  21322: 'redirect_uri_mismatch',
  21323: 'invalid_request',
  21324: 'invalid_client',
  21325: 'invalid_grant',
  21326: 'unauthorized_client',
  21327: 'expired_token',
  21328: 'unsupported_grant_type',
  21329: 'unsupported_response_type',
  21330: 'access_denied',
  21331: 'temporarily_unavailable',
  21332: 'invalid_access_token',
};

// 401 for invalid_client (1.2, observed), 403 for denial and rate limits (1.5); 400 otherwise.
function httpStatus(code: number): number {
  if (code === 21324 || code === 21332) return 401;
  if (code === 21330 || (code >= 10022 && code <= 10024)) return 403;
  return 400;
}

/** `/oauth2/*` error body: {error, error_code, request, error_uri, error_description?} (docs/providers/weibo.md, token exchange). */
export function oauthError(res: ServerResponse, path: string, code: number, description?: string): void {
  const body = { error: ERROR_NAMES[code] ?? 'fake_error', error_code: code, request: path, error_uri: path };
  sendJson(res, httpStatus(code), description ? { ...body, error_description: description } : body);
}

/** `/2/*` API error body: no error_uri, no error_description (docs/providers/weibo.md, user profile). */
export function apiError(res: ServerResponse, path: string, code: number): void {
  sendJson(res, httpStatus(code), { error: ERROR_NAMES[code] ?? 'fake_error', error_code: code, request: path });
}

export function avatarUrl(user: WeiboUser, base: string, size: number): string {
  return user.avatar ?? `${base}/_fake/avatar/${encodeURIComponent(user.uid)}?size=${size}`;
}

/** users/show body, shaped like the allauth fixture in docs/providers/weibo.md, user profile. */
export function showBody(user: WeiboUser, base: string): Record<string, unknown> {
  return {
    id: Number(user.uid),
    idstr: user.uid,
    screen_name: user.screen_name,
    name: user.screen_name,
    province: '11',
    city: '1',
    location: '北京 东城区',
    description: '',
    url: '',
    profile_image_url: avatarUrl(user, base, 50),
    avatar_large: avatarUrl(user, base, 180),
    avatar_hd: avatarUrl(user, base, 1024),
    profile_url: `u/${user.uid}`,
    domain: '',
    weihao: '',
    gender: user.gender ?? 'n',
    followers_count: 6,
    friends_count: 0,
    statuses_count: 0,
    favourites_count: 0,
    created_at: 'Tue Feb 19 19:43:39 +0800 2013',
    following: false,
    allow_all_act_msg: false,
    geo_enabled: true,
    verified: false,
    verified_type: -1,
    verified_reason: '',
    follow_me: false,
    online_status: 0,
    bi_followers_count: 0,
    lang: 'zh-cn',
    remark: '',
    allow_all_comment: true,
  };
}

export function escapeHtml(text: string): string {
  const map: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (ch) => map[ch]);
}

export function avatarSvg(user: WeiboUser, size: number): string {
  const hue = (Number(user.uid.slice(-3)) * 47) % 360;
  const initial = escapeHtml(Array.from(user.screen_name)[0] ?? '?');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">` +
    `<rect width="100" height="100" fill="hsl(${hue},60%,55%)"/>` +
    `<text x="50" y="66" font-size="48" text-anchor="middle" fill="#fff">${initial}</text></svg>`
  );
}
