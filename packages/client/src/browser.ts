import type { AuthClientOptions } from './client.js';
import type { HttpResponse, KeyValueStorage, LockFn, RequestFn } from './http.js';

/** `fetch` as the client's RequestFn. */
export function fetchRequest(fetchFn: typeof fetch = (...args) => fetch(...args)): RequestFn {
  return async ({ method, url, headers, body }) => {
    const res = await fetchFn(url, { method, headers, body });
    const text = await res.text();
    const out: HttpResponse = { status: res.status, headers: {}, body: null };
    res.headers.forEach((value, name) => (out.headers[name.toLowerCase()] = value));
    try {
      out.body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: body stays null */
    }
    return out;
  };
}

/** `localStorage` or `sessionStorage` as a KeyValueStorage. */
export function webStorage(store: Storage): KeyValueStorage {
  return {
    get: (key) => store.getItem(key),
    set: (key, value) => store.setItem(key, value),
    remove: (key) => store.removeItem(key),
  };
}

/** The Web Locks API (every current browser): one refresh at a time across this origin's tabs. */
export const webLock: LockFn = (name, fn) => {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? locks.request(name, fn) : fn();
};

/**
 * Everything a browser needs: fetch, the refresh token in localStorage (shared by the tabs, kept across
 * reloads), the Weibo hand-off in sessionStorage (this tab only) and Web Locks.
 */
export function browser(): Pick<AuthClientOptions, 'request' | 'storage' | 'flowStorage' | 'lock'> {
  return {
    request: fetchRequest(),
    storage: webStorage(localStorage),
    flowStorage: webStorage(sessionStorage),
    lock: webLock,
  };
}
