/** The platform seams: one HTTP call, a key-value store, an optional cross-tab lock. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** JSON text, or undefined for no body. */
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The parsed JSON body, or null when the body is not JSON. */
  body: unknown;
}

/** Sends one request; rejects only when no answer arrived (network down, timeout). */
export type RequestFn = (req: HttpRequest) => Promise<HttpResponse>;

/** Where the refresh token (and the Weibo hand-off) is kept. May be synchronous or not. */
export interface KeyValueStorage {
  get(key: string): string | null | Promise<string | null>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/** Runs `fn` while holding a lock named `name` across every tab of this origin. */
export type LockFn = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** An in-memory store: tokens last as long as the page. */
export function memoryStorage(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}
