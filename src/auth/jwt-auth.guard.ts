import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { SessionRevocations } from './session-revocations.js';
import type { AccessClaims } from './tokens.service.js';
import { fail } from '../common/errors/index.js';

export interface AuthUser {
  id: string;
  sessionId: string;
}

type AuthedRequest = FastifyRequest & { authUser?: AuthUser };

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Verifies an access token: a valid signature, and a session that has not ended (docs/security.md). */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly revocations: SessionRevocations,
  ) {}

  async verify(token: string): Promise<AuthUser> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token);
    } catch {
      throw fail('invalid_token');
    }
    if (await this.revocations.isRevoked(claims.sid)) throw fail('session_revoked');
    return { id: claims.sub, sessionId: claims.sid };
  }
}

/** Requires a valid access token (`Authorization: Bearer <jwt>`). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearer(request);
    if (!token) throw fail('missing_token');
    request.authUser = await this.tokens.verify(token);
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
    if (token) request.authUser = await this.tokens.verify(token);
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.switchToHttp().getRequest<AuthedRequest>().authUser,
);
