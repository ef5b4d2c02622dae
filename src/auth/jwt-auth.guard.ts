import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
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

async function verify(jwt: JwtService, token: string): Promise<AuthUser> {
  try {
    const claims = await jwt.verifyAsync<AccessClaims>(token);
    return { id: claims.sub, sessionId: claims.sid };
  } catch {
    throw fail('invalid_token');
  }
}

/** Requires a valid access token (`Authorization: Bearer <jwt>`). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearer(request);
    if (!token) throw fail('missing_token');
    request.authUser = await verify(this.jwt, token);
    return true;
  }
}

/** Accepts requests without a token; a token that is present must be valid. */
@Injectable()
export class OptionalJwtAuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearer(request);
    if (token) request.authUser = await verify(this.jwt, token);
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.switchToHttp().getRequest<AuthedRequest>().authUser,
);
