import {
  Injectable,
  SetMetadata,
  applyDecorators,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { fail } from '../common/errors/index.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './jwt-auth.guard.js';
import { ReauthTokens } from './reauth-tokens.js';

/**
 * When a route needs the owner's fresh proof (`X-Reauth-Token`):
 * `always`; `signed-in` only when the caller sent an access token; `no-password` only for an account that has
 * no password yet (with one, the old password is the proof); `optional` never refuses, the route reads
 * `reauthenticated` (docs/security.md "Step-up re-authentication").
 */
export type ReauthRule = 'always' | 'signed-in' | 'no-password' | 'optional';

const RULE = 'reauth-rule';
export const REAUTH_HEADER = 'x-reauth-token';

type Request = FastifyRequest & { authUser?: AuthUser; reauthenticated?: boolean };

@Injectable()
export class ReauthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ReauthTokens,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<ReauthRule>(RULE, context.getHandler());
    const request = context.switchToHttp().getRequest<Request>();
    const user = request.authUser;
    request.reauthenticated = Boolean(user) && (await this.tokens.isValid(request.headers[REAUTH_HEADER], user!));
    if (request.reauthenticated || !(await this.required(rule, user))) return true;
    throw fail('reauth_required');
  }

  private async required(rule: ReauthRule, user: AuthUser | undefined): Promise<boolean> {
    if (rule === 'optional' || !user) return rule === 'always';
    if (rule === 'no-password') return !(await this.users.require(user.id)).passwordHash;
    return true;
  }
}

/**
 * Marks a route as sensitive. Its guard must run after the access-token guard, which sets the user: put this
 * above a route's own `@UseGuards` (decorators apply bottom-up), or use it under a class-level guard.
 */
export const Sensitive = (rule: ReauthRule = 'always') =>
  applyDecorators(
    SetMetadata(RULE, rule),
    UseGuards(ReauthGuard),
    ApiHeader({
      name: 'X-Reauth-Token',
      required: rule === 'always',
      description: 'from POST /v1/users/me/reauth; without a valid one: 403 reauth_required',
    }),
  );

/** Whether the request carried a valid `X-Reauth-Token` (for `optional` routes). */
export const isReauthenticated = (request: { reauthenticated?: boolean }): boolean => request.reauthenticated === true;
