/** Runs an API + worker with one SMS driver against its fake, and talks to both, for sms-providers*.e2e-spec.ts. */
import { smsFakeEnv } from '../fakes/main.js';
import { fakeCall, newIp, redis, stack, until, type Answer } from '../support/client.js';
import { startApiAndWorker } from '../support/stack.js';

export type Driver = 'ronglian' | 'aliyun' | 'tencent';
export const DRIVERS: Driver[] = ['ronglian', 'aliyun', 'tencent'];

/** One delivered SMS as any of the three fakes recorded it. */
export interface Delivered {
  code: string;
  ref: string;
  template: string;
}

interface RawMessage {
  datas?: string[];
  reqId?: string;
  templateId?: string;
  params?: Record<string, string>;
  ref?: string;
  template?: string;
}

export interface DriverStack {
  driver: Driver;
  queuePrefix: string;
  call<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  messages(phone: string): Promise<Delivered[]>;
  fault(mode: string, times?: number, extra?: Record<string, unknown>): Promise<unknown>;
  reset(): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startDriverStack(driver: Driver): Promise<DriverStack> {
  const queuePrefix = `${stack.env.QUEUE_PREFIX}${driver}`;
  const env = {
    ...stack.env,
    ...smsFakeEnv(driver, stack.fakes),
    QUEUE_PREFIX: queuePrefix,
    // Long enough that a busy machine never turns a normal answer into a lost one (unknown for Tencent).
    RONGLIAN_TIMEOUT_MS: '3000',
    ALIYUN_SMS_TIMEOUT_MS: '3000',
    TENCENT_SMS_TIMEOUT_MS: '3000',
    // Longer than any delivery attempt, so a spec can see that an unknown send keeps its cooldown.
    SMS_COOLDOWN: '30',
  };
  const { api, stop } = await startApiAndWorker(env, driver);
  const fake = stack.fakes[driver];
  return {
    driver,
    queuePrefix,
    call: (method, path, body) => callApi(api, method, path, body),
    messages: async (phone) => {
      const { messages } = await fakeCall<{ messages: RawMessage[] }>(fake, 'GET', `/_fake/messages?to=${phone}`);
      return messages.map(normalise);
    },
    fault: (mode, times = 1, extra = {}) => fakeCall(fake, 'POST', '/_fake/faults', { mode, times, ...extra }),
    reset: () => fakeCall(fake, 'POST', '/_fake/reset'),
    stop,
  };
}

function normalise(m: RawMessage): Delivered {
  if (m.datas) return { code: m.datas[0], ref: m.reqId ?? '', template: m.templateId ?? '' };
  return { code: m.params?.code ?? m.params?.['1'] ?? '', ref: m.ref ?? '', template: m.template ?? '' };
}

async function callApi<T>(api: string, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'x-forwarded-for': newIp() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Waits until the request leaves `queued`, and returns its status body. */
export function settled(target: DriverStack, requestId: string): Promise<{ status: string; reason?: string }> {
  return until(async () => {
    const answer = await target.call('GET', `/v1/users/sms/code/${requestId}`);
    return answer.body.data?.status !== 'queued' && answer.body.data;
  }, `request ${requestId} to settle`);
}

/** Asks for a code (skipping the resend cooldown, not the caps) and reads it from the fake, as a user reads their phone. */
export async function codeFor(target: DriverStack, phone: string): Promise<{ code: string; requestId: string }> {
  const before = (await target.messages(phone)).length;
  await redis().del(`sms:{+86${phone}}:cooldown`);
  const answer = await target.call('POST', '/v1/users/sms/code', { phone });
  if (answer.status !== 200) throw new Error(`code request failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  const messages = await until(async () => {
    const all = await target.messages(phone);
    return all.length > before && all;
  }, `an SMS to ${phone}`);
  return { code: messages[messages.length - 1].code, requestId: answer.body.data.request_id };
}
