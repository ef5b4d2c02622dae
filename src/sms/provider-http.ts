import type * as Undici from 'undici';

/**
 * One HTTP attempt to an SMS provider, sorted by what we can prove about it (docs/providers/aliyun.md,
 * "Idempotency"): `not_sent` when the request cannot have reached the provider (no connection was made),
 * `ambiguous` when it may have been processed and the answer was lost (timeout, reset), else the answer.
 */
export type HttpAttempt =
  | { kind: 'answer'; status: number; text: string }
  | { kind: 'not_sent'; reason: string }
  | { kind: 'ambiguous'; reason: string };

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body?: string;
}

// Failures that happen before a connection exists: DNS, refused, unroutable, TLS handshake.
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * undici's `request` (the library behind Node's `fetch`) without fetch's WHATWG Request, Headers and streams,
 * which were most of the worker's CPU per job (docs/performance.md). The timeout covers the whole exchange.
 */
export async function attempt(request: HttpRequest, timeoutMs: number): Promise<HttpAttempt> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  let answered = false;
  try {
    const { method, headers, body } = request;
    const { request: send } = await loadUndici();
    const response = await send(request.url, { method, headers, body, signal: timeout.signal });
    answered = true;
    return { kind: 'answer', status: response.statusCode, text: await response.body.text() };
  } catch (err) {
    if (timeout.signal.aborted) return { kind: 'ambiguous', reason: 'network_timeout' };
    // Headers came back: the provider had the request, whatever broke while its body was read.
    return answered ? { kind: 'ambiguous', reason: 'network_body' } : classifyHttpError(err);
  } finally {
    clearTimeout(timer);
  }
}

// Loaded on first use, outside the bundles (scripts/bundle.mjs): the API process sends no SMS itself (the worker
// does), and undici's half a megabyte of code held ~6 MB of the API's idle RSS (docs/performance.md).
let undici: Promise<typeof Undici> | undefined;
const loadUndici = () => (undici ??= import('undici'));

/** undici's errors carry the code themselves; `fetch` wraps them (`cause`). */
export function classifyHttpError(err: unknown): HttpAttempt {
  const error = err as { name?: string; code?: string; cause?: { code?: string } };
  const code = error.code ?? error.cause?.code;
  if (code && NEVER_CONNECTED.has(code)) return { kind: 'not_sent', reason: `network_${code}` };
  if (error.name === 'TimeoutError') return { kind: 'ambiguous', reason: 'network_timeout' };
  return { kind: 'ambiguous', reason: `network_${code ?? error.name ?? 'error'}` };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
