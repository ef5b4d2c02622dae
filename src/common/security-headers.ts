import helmet from 'helmet';

/**
 * helmet's response headers, computed once at start (they are the same for every answer), so they cost
 * nothing per request; @fastify/helmet recomputed them on every request, about a third of a cheap route's
 * time (README, Performance). No Content-Security-Policy here: a JSON API, and the docs and dashboard UIs need
 * inline scripts; the SPA's pages get `spaContentSecurityPolicy` (src/web/serve-web.ts).
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

/**
 * The SPA's pages: scripts and styles only from files on this origin (web/*.html have no inline script or
 * style), API calls to this origin, avatars from any https host, never framed (docs/security.md).
 */
export const spaContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
