import { Controller, Get, Injectable, UseGuards, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, OptionalJwtAuthGuard, type AuthUser } from '../auth/jwt-auth.guard.js';
import { ReqMeta, type RequestMeta } from '../common/request-context.js';
import { AppConfig } from '../config/config.js';
import { ipBucket } from '../limits/ip-bucket.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { OAuthStateStore, type OAuthState, type StateFailure } from './oauth-state.store.js';
import { WeiboLoginService } from './weibo-login.service.js';
import { num, str, weiboError } from './weibo.client.js';
import { WeiboStrategy, type WeiboProfile } from './weibo.strategy.js';
import { fail, invalid, limited } from '../common/errors/index.js';

interface WeiboCallbackResult {
  profile: WeiboProfile;
  linkUserId: string | null;
}

type CallbackQuery = Record<string, unknown>;

/**
 * Runs passport's Weibo strategy on the SPA's callback call, turning every failure into the contract's
 * error instead of passport's generic 401. Denials and missing codes are answered here: passport would
 * otherwise start a new authorization.
 */
@Injectable()
export class WeiboCallbackGuard extends AuthGuard('weibo') {
  constructor(private readonly states: OAuthStateStore) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const query = (context.switchToHttp().getRequest<FastifyRequest>().query ?? {}) as CallbackQuery;
    const code = query.code;
    if (typeof code === 'string' && code.length > 256) throw invalid({ code: 'must be at most 256 characters' });
    if (query.error !== undefined || typeof code !== 'string' || code === '') {
      await this.states.consume(query.state); // the state stays single use even on a denial (contract 1.1)
      if (query.error === undefined) throw fail('weibo_code_missing');
      throw weiboError(num(query.error_code), str(query.error), 'authorize');
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T = WeiboCallbackResult>(err: unknown, profile: unknown, info: unknown): T {
    if (err) throw (err as { oauthError?: unknown }).oauthError ?? err; // passport wraps exchange errors
    if (!profile) {
      throw (info as StateFailure | undefined)?.reason === 'link_user_mismatch'
        ? fail('weibo_link_user_mismatch')
        : fail('weibo_state_invalid');
    }
    const state = (info as { state?: OAuthState } | undefined)?.state;
    return { profile: profile as WeiboProfile, linkUserId: state?.userId ?? null } as T;
  }
}

const WeiboCallback = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) =>
    ctx.switchToHttp().getRequest<FastifyRequest & { user: WeiboCallbackResult }>().user,
);

@ApiTags('weibo')
@Controller('v1/users/weibo')
export class WeiboController {
  constructor(
    private readonly strategy: WeiboStrategy,
    private readonly login: WeiboLoginService,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  @Get('authorization')
  @UseGuards(OptionalJwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'The Weibo authorize URL with a fresh single-use state; with a Bearer token the callback links Weibo to that user',
  })
  async authorization(@CurrentUser() user: AuthUser | undefined, @ReqMeta() meta: RequestMeta) {
    // Each call stores a state in Redis for 10 minutes: bounded per client so it cannot be used to fill Redis.
    const perIp = await this.limiter.hit(`weibo-state:${ipBucket(meta.ip)}`, this.config.weibo.statesPerIp, 600);
    if (!perIp.allowed) throw limited('oauth_state_limit', perIp.retryAfter);
    return { oauth_url: await this.strategy.authorizationUrl(user?.id ?? null) };
  }

  @Get('users')
  @UseGuards(OptionalJwtAuthGuard, WeiboCallbackGuard)
  @ApiBearerAuth()
  @ApiQuery({ name: 'code', required: true, description: 'from Weibo, as on the callback page' })
  @ApiQuery({ name: 'state', required: true, description: 'from Weibo, as on the callback page' })
  @ApiOperation({
    summary:
      "Weibo callback: code 200 with tokens for a bound uid, code 201 with a bind_ticket for a new one; a linking state needs its user's Bearer token",
  })
  callback(@WeiboCallback() result: WeiboCallbackResult, @ReqMeta() meta: RequestMeta) {
    return this.login.handleCallback(result.profile, result.linkUserId, meta);
  }
}
