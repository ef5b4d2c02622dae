/** Clients for the e2e specs: each a "device" with its own address (the test API trusts one proxy hop). */
import { newIp, ronglian, stack, until } from '../../../test/support/client.js';
import {
  createAuthClient,
  fetchRequest,
  memoryStorage,
  type AuthClientOptions,
  type KeyValueStorage,
  type LockFn,
  type RequestFn,
} from '../src/index.js';

export function device(ip = newIp()): RequestFn {
  const send = fetchRequest();
  return (req) => send({ ...req, headers: { ...req.headers, 'x-forwarded-for': ip } });
}

export function newClient(options: Partial<AuthClientOptions> = {}) {
  return createAuthClient({ baseUrl: stack.api, request: device(), storage: memoryStorage(), ...options });
}

/** What Web Locks give two tabs: one holder at a time per name. */
export function mutex(): LockFn {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(_name: string, fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function smsCount(phone: string): Promise<number> {
  return (await ronglian.messages(phone)).length;
}

/** The code of the SMS that arrives after `before` messages, read from the fake Ronglian. */
export async function nextCode(phone: string, before: number): Promise<string> {
  const all = await until(async () => {
    const messages = await ronglian.messages(phone);
    return messages.length > before && messages;
  }, `an SMS to ${phone}`);
  return all[all.length - 1].datas[0];
}

export type Storage = KeyValueStorage;
