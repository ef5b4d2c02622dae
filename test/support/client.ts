/** What e2e specs use to talk to the running stack: the API, the fakes, PostgreSQL and Redis. */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { RedisTopology } from '../../src/config/config.js';
import { createRedis } from '../../src/infra/redis-factory.js';
import type { Stack } from './stack.js';

export const stack = JSON.parse(readFileSync(process.env.E2E_STACK_FILE ?? '', 'utf8')) as Omit<Stack, 'children'>;

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  ip?: string;
  headers?: Record<string, string>;
  raw?: string;
  /** A `reauth_token`, sent as `X-Reauth-Token`. */
  reauth?: string;
}

let ipCounter = randomInt(1, 200);
/** A fresh client address (the test API trusts one proxy hop), so per-IP limits of one test don't leak into another. */
export const newIp = () => `10.${randomInt(0, 255)}.${ipCounter++ % 255}.${randomInt(1, 254)}`;
export const newPhone = () => `1${randomInt(3, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
export const newUsername = () => `u_${randomInt(0, 36 ** 6).toString(36)}${randomInt(0, 1000)}`;

export function call<T = any>(
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<Answer<T>> {
  return callApi<T>(stack.api, method, path, body, opts);
}

/** `call` against another API process (one a spec started with its own settings). */
export async function callApi<T = any>(
  api: string,
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'x-forwarded-for': opts.ip ?? newIp(), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.reauth) headers['x-reauth-token'] = opts.reauth;
  if (body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${api}${path}`, {
    method,
    headers,
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  recordAnswer({ method, path, status: response.status, body: parsed });
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** One answer of the API, as the contract spec checks it against docs/openapi.json. */
export interface RecordedAnswer {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** Every answer of this e2e run, one JSON line each (named after the run's stack file, so runs never mix). */
export const answersFile = () =>
  `${process.env.E2E_STACK_FILE}-${statSync(process.env.E2E_STACK_FILE ?? '').mtimeMs}.answers.jsonl`;

function recordAnswer(answer: RecordedAnswer): void {
  appendFileSync(answersFile(), `${JSON.stringify(answer)}\n`);
}

export async function fakeCall<T = any>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

export async function until<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RonglianMessage {
  to: string;
  templateId: string;
  datas: string[];
  reqId: string;
}

export const ronglian = {
  messages: async (phone: string) =>
    (await fakeCall<{ messages: RonglianMessage[] }>(stack.fakes.ronglian, 'GET', `/_fake/messages?to=${phone}`))
      .messages,
  faults: (mode: string, times: number, statusCode?: string, delayMs?: number) =>
    fakeCall(stack.fakes.ronglian, 'POST', '/_fake/faults', { mode, times, statusCode, delayMs }),
  stats: () => fakeCall<{ requests: number; accepted: number }>(stack.fakes.ronglian, 'GET', '/_fake/stats'),
  reset: () => fakeCall(stack.fakes.ronglian, 'POST', '/_fake/reset'),
};

/** Requests a code through the API and reads it from the fake Ronglian, as a user reads their phone. */
export async function requestCode(phone: string, ip?: string): Promise<string> {
  const before = (await ronglian.messages(phone)).length;
  let answer = await call('POST', '/v1/users/sms/code', { phone }, { ip });
  for (let i = 0; i < 3 && answer.status === 429 && answer.body.code === 10111; i++) {
    // The phone's resend cooldown (SMS_COOLDOWN, short in tests) is still running: wait it out once.
    await new Promise((r) => setTimeout(r, Number(answer.headers.get('retry-after')) * 1000 + 50));
    answer = await call('POST', '/v1/users/sms/code', { phone }, { ip });
  }
  if (answer.status !== 200) throw new Error(`code request failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  const messages = await until(async () => {
    const all = await ronglian.messages(phone);
    return all.length > before && all;
  }, `an SMS to ${phone}`);
  return messages[messages.length - 1].datas[0];
}

export async function register(overrides: Partial<Record<'username' | 'password' | 'phone' | 'email', string>> = {}) {
  const phone = overrides.phone ?? newPhone();
  const username = overrides.username ?? newUsername();
  const body = {
    username,
    password: overrides.password ?? 'correct horse battery',
    phone,
    email: overrides.email ?? `${username}@example.com`,
    verify: await requestCode(phone),
  };
  const answer = await call('POST', '/v1/users', body);
  return { ...body, answer };
}

let pool: pg.Pool | undefined;
/** Direct SQL on the service's database, to check what really reached PostgreSQL (null when embedded). */
export async function sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  if (!stack.databaseUrl) throw new Error('no direct database access in the embedded run');
  pool ??= new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  return (await pool.query(text, params)).rows as T[];
}

let redisClient: Redis | undefined;
/** The service's Redis; on a Cluster or Sentinel run (E2E_REDIS) reached the way the service reaches it. */
export const redis = () => (redisClient ??= topologyClient() ?? new Redis(stack.redisUrl));
const topologyClient = () => {
  const topology = (stack as { redisTopology?: RedisTopology }).redisTopology;
  return topology ? (createRedis(topology) as Redis) : undefined;
};

export async function closeClients(): Promise<void> {
  await pool?.end();
  pool = undefined;
  redisClient?.disconnect();
  redisClient = undefined;
}

/** The browser's PKCE-style pair for a Weibo login (RFC 7636 S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A step-up `reauth_token` for the session of `token`, proved by the password. */
export async function reauthToken(token: string, password: string): Promise<string> {
  const answer = await call('POST', '/v1/users/me/reauth', { password }, { token });
  if (answer.status !== 200) throw new Error(`reauth failed: ${JSON.stringify(answer.body)}`);
  return answer.body.data.reauth_token as string;
}
