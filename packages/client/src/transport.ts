import { AuthError, type AuthErrorInfo, type CaptchaChallenge, type Language } from './errors.js';
import type { HttpResponse, RequestFn } from './http.js';

/** The contract's success envelope; `code` is 200, or 201 for a Weibo user that is not bound yet. */
export interface Answer<T> {
  code: number;
  data: T;
}

export interface Call {
  method: string;
  path: string;
  body?: object;
  headers?: Record<string, string>;
}

interface ErrorBody {
  code?: unknown;
  error?: { reason?: string; message?: string; fields?: Record<string, string>; challenge?: CaptchaChallenge };
}

/** One HTTP exchange in the contract's envelope: the answer's `{code, data}`, or an AuthError. */
export async function exchange<T>(
  request: RequestFn,
  baseUrl: string,
  language: Language,
  call: Call,
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language, ...call.headers };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  let res: HttpResponse;
  try {
    res = await request({
      method: call.method,
      url: baseUrl + call.path,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
  } catch (cause) {
    throw Object.assign(new AuthError({ status: 0, code: 0, reason: 'network_error', message: String(cause) }), {
      cause,
    });
  }
  const body = (res.body ?? {}) as Partial<Answer<T>> & ErrorBody;
  if (res.status >= 200 && res.status < 300 && typeof body.code === 'number' && 'data' in body) {
    return body as Answer<T>;
  }
  throw new AuthError(errorInfo(res, body));
}

function errorInfo(res: HttpResponse, body: ErrorBody): AuthErrorInfo {
  const error = body.error ?? {};
  const retryAfter = Number(res.headers['retry-after']);
  return {
    status: res.status,
    code: typeof body.code === 'number' ? body.code : res.status,
    reason: error.reason ?? 'http_error',
    message: error.message ?? `HTTP ${res.status}`,
    fields: error.fields,
    retryAfter: retryAfter > 0 ? retryAfter : undefined,
    challenge: error.challenge,
  };
}
