import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isObject } from './http.js';

// statusMsg texts from the public code tables behind docs/providers/ronglian.md, "Error codes" (wire wording UNVERIFIED).
const STATUS_MSG: Record<string, string> = {
  '111101': '请求包头Authorization参数为空',
  '111102': '请求包头Authorization参数Base64解码失败',
  '111103': '请求包头Authorization参数解码后格式有误',
  '111104': '请求包头Authorization参数解码后账户ID为空',
  '111105': '请求包头Authorization参数解码后时间戳为空',
  '111106': '请求包头Authorization参数解码后时间戳过期',
  '111107': '请求包头Authorization参数中账户ID跟请求地址中的账户ID不一致',
  '111108': '请求地址Sig参数为空',
  '111109': '请求地址Sig校验失败',
  '111113': '请求包头Authorization参数中时间戳格式有误，请参考yyyyMMddHHmmss',
  '111141': '主账户不存在',
  '111169': '应用ID为空',
  '111181': '应用不存在',
  '112306': '【短信】接收模板短信的手机号码为空',
  '112307': '【短信】模板短信模板ID为空',
  '112310': '【短信】应用未上线，模板短信接收号码外呼受限',
  '160000': '【短信】系统错误',
  '160030': '【短信】请求包体为空',
  '160031': '【短信】参数解析失败',
  '160038': '【短信】短信验证码发送过频繁',
  '160040': '【短信】验证码超出同模板同号码天发送上限',
  '160042': '【短信】号码格式有误',
  '160045': '【短信】群发号码重复',
  '160048': '【短信】号码数超200限制',
  '160054': '【短信】请求重复',
  '160055': '【短信】请求reqId超长',
  '160057': '【短信】短信模板ID要求为数字',
  '160065': '【短信】子扩展不符合要求',
};

export function statusMsg(code: string): string {
  return STATUS_MSG[code] ?? '【短信】模拟错误';
}

const CST_OFFSET_MS = 8 * 3600_000;
const TS_WINDOW_MS = 24 * 3600_000;

/** yyyyMMddHHmmss in Asia/Shanghai (UTC+8, no DST), docs/providers/ronglian.md "Signature". */
export function shanghaiStamp(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
}

function parseShanghaiStamp(ts: string): number | undefined {
  const part = (from: number, to: number): number => Number(ts.slice(from, to));
  const utc = Date.UTC(part(0, 4), part(4, 6) - 1, part(6, 8), part(8, 10), part(10, 12), part(12, 14));
  const ms = utc - CST_OFFSET_MS;
  // Round-trip rejects impossible dates such as month 13 or Feb 30.
  return shanghaiStamp(ms) === ts ? ms : undefined;
}

export interface AuthInput {
  sid: string;
  sig: string | null;
  headers: IncomingHttpHeaders;
  accounts: Record<string, string>;
  now: number;
}

/** Authorization and sig checks (docs/providers/ronglian.md, "Signature"); returns a statusCode on failure. */
export function checkAuth({ sid, sig, headers, accounts, now }: AuthInput): string | undefined {
  const auth = headers.authorization;
  if (!auth) return '111101';
  // The Go SDK sends URL-safe base64; Buffer decodes both alphabets.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(auth)) return '111102';
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return '111103';
  const account = decoded.slice(0, colon);
  const ts = decoded.slice(colon + 1);
  if (!account) return '111104';
  if (!ts) return '111105';
  if (account !== sid) return '111107';
  const tsMs = /^\d{14}$/.test(ts) ? parseShanghaiStamp(ts) : undefined;
  if (tsMs === undefined) return '111113';
  if (Math.abs(now - tsMs) > TS_WINDOW_MS) return '111106';
  const token = accounts[sid];
  if (token === undefined) return '111141';
  if (!sig) return '111108';
  const expected = createHash('md5')
    .update(sid + token + ts)
    .digest('hex');
  return sig.toLowerCase() === expected ? undefined : '111109';
}

export interface SendBody {
  numbers: string[];
  appId: string;
  templateId: string;
  datas: string[];
  reqId?: string;
}

/** Body rules (docs/providers/ronglian.md, "Request"); returns a statusCode on failure. */
export function parseSendBody(text: string, appIds: ReadonlySet<string>): SendBody | string {
  if (!text.trim()) return '160030';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return '160031';
  }
  if (!isObject(body)) return '160031';
  const to = asText(body.to);
  const appId = asText(body.appId);
  const templateId = asText(body.templateId);
  const reqId = asText(body.reqId);
  const subAppend = asText(body.subAppend);
  if (!to) return '112306';
  if (!appId) return '111169';
  if (!appIds.has(appId)) return '111181';
  if (!templateId) return '112307';
  if (!/^\d+$/.test(templateId)) return '160057';
  if (body.datas !== undefined && !Array.isArray(body.datas)) return '160031';
  if (reqId && reqId.length > 32) return '160055';
  if (subAppend && !/^\d{1,4}$/.test(subAppend)) return '160065';
  const numbers = parseNumbers(to);
  if (typeof numbers === 'string') return numbers;
  const datas = Array.isArray(body.datas) ? body.datas.map((d) => String(d)) : [];
  return { numbers, appId, templateId, datas, reqId };
}

function parseNumbers(to: string): string[] | string {
  const numbers = to.split(',').map((n) => n.trim());
  if (numbers.length > 200) return '160048';
  if (numbers.some((n) => !/^\+?\d{5,20}$/.test(n))) return '160042';
  if (new Set(numbers).size !== numbers.length) return '160045';
  return numbers;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  return typeof value === 'number' ? String(value) : undefined;
}
