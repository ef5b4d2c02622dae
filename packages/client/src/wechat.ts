import type { AuthClientOptions } from './client.js';
import type { HttpResponse, KeyValueStorage, RequestFn } from './http.js';

/**
 * The part of the mini-program API the client uses. `wx` (native), `uni` (uni-app) and `Taro` (Taro) all
 * have it: pass whichever your framework gives.
 */
export interface MiniProgramApi {
  request(options: {
    url: string;
    method: string;
    header: Record<string, string>;
    data?: string;
    dataType?: string;
    success(res: { statusCode: number; header?: Record<string, string>; data: unknown }): void;
    fail(err: { errMsg: string }): void;
  }): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: string): void;
  removeStorageSync(key: string): void;
  login(options: { success(res: { code: string }): void; fail(err: { errMsg: string }): void }): unknown;
}

export function miniProgramRequest(api: MiniProgramApi): RequestFn {
  return ({ method, url, headers, body }) =>
    new Promise((resolve, reject) => {
      api.request({
        url,
        method,
        header: headers,
        data: body,
        dataType: 'json',
        success: (res) => resolve(toResponse(res)),
        fail: (err) => reject(new Error(err.errMsg)),
      });
    });
}

function toResponse(res: { statusCode: number; header?: Record<string, string>; data: unknown }): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.header ?? {})) headers[name.toLowerCase()] = String(value);
  let body = res.data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = null;
    }
  }
  return { status: res.statusCode, headers, body: body ?? null };
}

export function miniProgramStorage(api: MiniProgramApi): KeyValueStorage {
  return {
    get: (key) => {
      const value = api.getStorageSync(key);
      return typeof value === 'string' && value !== '' ? value : null; // '' is wx's "no such key"
    },
    set: (key, value) => api.setStorageSync(key, value),
    remove: (key) => api.removeStorageSync(key),
  };
}

/** A fresh `wx.login` code (valid 5 minutes, single use). */
export function miniProgramLogin(api: MiniProgramApi): () => Promise<string> {
  return () =>
    new Promise((resolve, reject) => {
      api.login({ success: (res) => resolve(res.code), fail: (err) => reject(new Error(err.errMsg)) });
    });
}

/** Everything a mini-program needs: `createAuthClient({ baseUrl, ...miniProgram(wx) })`. */
export function miniProgram(api: MiniProgramApi): Pick<AuthClientOptions, 'request' | 'storage' | 'wechatCode'> {
  return { request: miniProgramRequest(api), storage: miniProgramStorage(api), wechatCode: miniProgramLogin(api) };
}
