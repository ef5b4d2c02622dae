import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/** `{"alg":"HS256","typ":"JWT"}`: the only header the service signs (@nestjs/jwt, HS256). */
export const HS256_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';

export interface VerifiedClaims {
  sub: string;
  sid: string;
}

/**
 * Checks the service's own access tokens on every authenticated request, stricter and cheaper than a general
 * JWT library: the header must be exactly the one the service signs (so no `alg` choice reaches the check,
 * RFC 8725 §3.1), the HMAC is compared in constant time, then `exp`, `nbf` and `iss` (RFC 7519 §4.1).
 * Returns null for any token that fails; docs/performance.md says what it saves.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly key: KeyObject,
    private readonly issuer: string,
  ) {}

  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): VerifiedClaims | null {
    const dot = token.indexOf('.');
    const last = token.lastIndexOf('.');
    if (token.indexOf('.', dot + 1) !== last || token.slice(0, dot) !== HS256_HEADER) return null;
    const expected = Buffer.from(createHmac('sha256', this.key).update(token.slice(0, last)).digest('base64url'));
    const given = Buffer.from(token.slice(last + 1));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const claims = parsePayload(token.slice(dot + 1, last));
    if (!claims || claims.iss !== this.issuer) return null;
    if (typeof claims.exp !== 'number' || nowSeconds >= claims.exp) return null;
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || nowSeconds < claims.nbf)) return null;
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return null;
    return { sub: claims.sub, sid: claims.sid };
  }
}

function parsePayload(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
