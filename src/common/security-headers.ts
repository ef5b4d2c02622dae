import helmet from 'helmet';

/**
 * helmet's response headers, computed once at start (they are the same for every answer), so they cost
 * nothing per request; @fastify/helmet recomputed them on every request, about a third of a cheap route's
 * time (README, Performance). No Content-Security-Policy: a JSON API, and the docs and dashboard UIs need
 * inline scripts.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: () => undefined,
  };
  helmet({ contentSecurityPolicy: false })({} as never, response as never, () => undefined);
  return headers;
}
