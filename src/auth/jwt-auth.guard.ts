import { Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { fail } from '../common/errors/index.js';
import { ProfileCache, type Profile } from '../users/profile-cache.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { SessionRevocations } from './session-revocations.js';

export interface AuthUser {
  id: string;
  sessionId: string;
}

type AuthedRequest = FastifyRequest & { authUser?: AuthUser; cachedProfile?: Profile };

const WITH_CACHED_PROFILE = 'with-cached-profile';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Verifies an access token: a valid signature, and a session that has not ended (docs/security.md). */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: SessionRevocations,
  ) {}

  /**
   * `alongside` is a read the route needs anyway (its cached profile): issued in the same tick as the
   * revocation check, Redis gets both in one round trip (ioredis auto-pipelining; docs/performance.md).
   */
  async verify<T>(token: string, alongside?: (userId: string) => Promise<T>): Promise<[AuthUser, T | undefined]> {
    const claims = this.verifier.verify(token);
    if (!claims) throw fail('invalid_token');
    const [revoked, read] = await Promise.all([this.revocations.isRevoked(claims.sid), alongside?.(claims.sub)]);
    if (revoked) throw fail('session_revoked');
    return [{ id: claims.sub, sessionId: claims.sid }, read];
  }
}

/** Requires a valid access token (`Authorization: Bearer <jwt>`). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly reflector: Reflector,
    private readonly profiles: ProfileCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearer(request);
    if (!token) throw fail('missing_token');
    const withProfile = this.reflector.get<boolean>(WITH_CACHED_PROFILE, context.getHandler());
    [request.authUser, request.cachedProfile] = await this.tokens.verify(
      token,
      withProfile ? (userId) => this.profiles.get(userId) : undefined,
    );
    return true;
  }
}

/** Accepts requests without a token; a token that is present must be valid. */
@Injectable()
export class OptionalJwtAuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearer(request);
    if (token) [request.authUser] = await this.tokens.verify(token);
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.switchToHttp().getRequest<AuthedRequest>().authUser,
);

/** The route answers from the cached profile: the guard reads it together with the session check. */
export const WithCachedProfile = () => SetMetadata(WITH_CACHED_PROFILE, true);

/** The profile the guard found in the cache, if any (routes marked `WithCachedProfile`). */
export const CachedProfile = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Profile | undefined =>
    ctx.switchToHttp().getRequest<AuthedRequest>().cachedProfile,
);
