import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  FaultQueue,
  badRequest,
  jsonBody,
  notFound,
  optString,
  sendJson,
  startHttp,
  times,
  type FakeRequest,
  type RunningFake,
} from './http.js';

export const WECHAT_DEFAULTS = { appid: 'wxfakeappid00000001', secret: 'fake_wechat_secret' } as const;

export interface WechatFakeOptions {
  port?: number;
  /** appid -> secret */
  apps?: Record<string, string>;
  codeTtlMs?: number;
  /** Response Content-Type; WeChat's is not reliably JSON (docs/providers/wechat.md, the endpoint). */
  contentType?: string;
}

interface CodeGrant {
  appid: string;
  openid: string;
  unionid?: string;
  expiresAt: number;
  used: boolean;
}

type WechatFault = { mode: 'error'; errcode: number } | { mode: 'hang' };

// errmsg texts from docs/providers/wechat.md, error codes.
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'code blocked',
  41008: 'missing code',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
};

class WechatState {
  codes = new Map<string, CodeGrant>();
  faults = new FaultQueue<WechatFault>();
  stats = { requests: 0, success: 0, errors: 0 };

  reset(): void {
    this.codes.clear();
    this.faults.clear();
    this.stats = { requests: 0, success: 0, errors: 0 };
  }
}

interface Ctx {
  state: WechatState;
  apps: Record<string, string>;
  codeTtlMs: number;
  contentType: string;
}

export async function startWechatFake(options: WechatFakeOptions = {}): Promise<RunningFake> {
  const ctx: Ctx = {
    state: new WechatState(),
    apps: options.apps ?? { [WECHAT_DEFAULTS.appid]: WECHAT_DEFAULTS.secret },
    codeTtlMs: options.codeTtlMs ?? 5 * 60_000,
    contentType: options.contentType ?? 'text/plain',
  };
  return startHttp(options.port ?? 0, (req, res) => {
    switch (`${req.method} ${req.path}`) {
      case 'GET /sns/jscode2session':
        return jscode2session(req, res, ctx);
      case 'POST /_fake/codes':
        return fakeCode(req, res, ctx);
      case 'POST /_fake/faults':
        return fakeFault(req, res, ctx.state);
      case 'GET /_fake/stats':
        return sendJson(res, 200, ctx.state.stats);
      case 'POST /_fake/reset':
        ctx.state.reset();
        return sendJson(res, 200, { ok: true });
      default:
        return notFound(res, req);
    }
  });
}

/** Looks like the observed "rid: 680a9de1-5392a330-75f1ca8d" suffix (docs/providers/wechat.md, the endpoint). */
function rid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16)}`;
}

// Always HTTP 200, errors included (docs/providers/wechat.md, the endpoint).
function wxError(res: ServerResponse, ctx: Ctx, errcode: number): void {
  ctx.state.stats.errors += 1;
  const errmsg = `${ERRMSG[errcode] ?? 'fake error'}, rid: ${rid()}`;
  sendJson(res, 200, { errcode, errmsg }, ctx.contentType);
}

function jscode2session(req: FakeRequest, res: ServerResponse, ctx: Ctx): void {
  ctx.state.stats.requests += 1;
  const q = req.query;
  const appid = q.get('appid') ?? '';
  const secret = ctx.apps[appid];
  if (secret === undefined) return wxError(res, ctx, 40013);
  if (q.get('secret') !== secret) return wxError(res, ctx, 40125);
  const grantType = q.get('grant_type');
  if (grantType && grantType !== 'authorization_code') return wxError(res, ctx, 40002);
  const code = q.get('js_code');
  if (!code) return wxError(res, ctx, 41008);
  const grant = ctx.state.codes.get(code);
  if (!grant || grant.appid !== appid || grant.expiresAt <= Date.now()) return wxError(res, ctx, 40029);
  if (grant.used) return wxError(res, ctx, 40163);
  const fault = ctx.state.faults.take();
  if (fault?.mode === 'error') return wxError(res, ctx, fault.errcode);
  grant.used = true;
  // A hang after consuming the code models a lost response: WeChat may already have used it (3.4).
  if (fault?.mode === 'hang') return;
  ctx.state.stats.success += 1;
  const body = { openid: grant.openid, session_key: randomBytes(16).toString('base64') };
  sendJson(res, 200, grant.unionid ? { ...body, unionid: grant.unionid } : body, ctx.contentType);
}

function fakeCode(req: FakeRequest, res: ServerResponse, { state, apps, codeTtlMs }: Ctx): void {
  const body = jsonBody(req);
  const appid = optString(body.appid) ?? Object.keys(apps)[0];
  if (apps[appid] === undefined) return badRequest(res, `unknown appid ${appid}`);
  const unionid = optString(body.unionid);
  const openid = optString(body.openid) ?? makeOpenid(appid, unionid);
  const code = randomBytes(24).toString('base64url');
  state.codes.set(code, { appid, openid, unionid, expiresAt: Date.now() + codeTtlMs, used: false });
  sendJson(res, 200, { code, openid });
}

/** 'o' + 27 chars; stable per (appid, unionid) so the same person keeps one openid per app (3.3). */
function makeOpenid(appid: string, unionid?: string): string {
  const seed = unionid ? createHash('sha256').update(`${appid}|${unionid}`).digest() : randomBytes(32);
  return `o${seed.toString('base64url').slice(0, 27)}`;
}

function fakeFault(req: FakeRequest, res: ServerResponse, state: WechatState): void {
  const body = jsonBody(req);
  if (body.mode === 'hang') state.faults.add({ mode: 'hang' }, times(body.times));
  else if (typeof body.errcode === 'number')
    state.faults.add({ mode: 'error', errcode: body.errcode }, times(body.times));
  else return badRequest(res, 'give {errcode: number} or {mode: "hang"}');
  sendJson(res, 200, { ok: true, pending: state.faults.pending() });
}
