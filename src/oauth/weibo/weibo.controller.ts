import { Controller, Get, Query, UseGuards, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { TokensView } from '../../auth/auth.responses.js';
import { CurrentUser, OptionalJwtAuthGuard, type AuthUser } from '../../auth/jwt-auth.guard.js';
import { Sensitive } from '../../auth/reauth.guard.js';
import { limited } from '../../common/errors/index.js';
import { ApiErrors, ApiOk, ApiOkOneOf, ApiOp, SIGNED_IN_ERRORS } from '../../common/openapi/api-docs.js';
import { ReqMeta, type RequestMeta } from '../../common/request-context.js';
import { AppConfig } from '../../config/config.js';
import { ipBucket } from '../../limits/ip-bucket.js';
import { RateLimiter } from '../../limits/rate-limiter.js';
import { WeiboLoginService } from './weibo-login.service.js';
import { BindOfferView, OAuthUrlView } from './weibo.responses.js';
import { WeiboStrategy, type WeiboSignIn } from './weibo.strategy.js';

/** `request.user` as the Weibo strategy left it. */
const WeiboCallback = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest & { user: WeiboSignIn }>().user,
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
  @Sensitive('signed-in')
  @UseGuards(OptionalJwtAuthGuard)
  @ApiBearerAuth()
  @ApiQuery({ name: 'code_challenge', required: true, description: 'base64url(SHA-256(code_verifier)), RFC 7636' })
  @ApiOp(
    'getWeiboAuthorizationUrl',
    'The Weibo authorize URL with a fresh single-use state; with a Bearer token the callback links Weibo to that user',
  )
  @ApiOk(OAuthUrlView)
  @ApiErrors(
    'invalid_parameters',
    ...SIGNED_IN_ERRORS,
    'reauth_required',
    'oauth_state_limit',
    'provider_not_configured',
  )
  async authorization(
    @CurrentUser() user: AuthUser | undefined,
    @Query('code_challenge') challenge: string | undefined,
    @ReqMeta() meta: RequestMeta,
  ) {
    // Each call stores a state in Redis for 10 minutes: bounded per client so it cannot be used to fill Redis.
    const perIp = await this.limiter.hit(`weibo-state:${ipBucket(meta.ip)}`, this.config.weibo.statesPerIp, 600);
    if (!perIp.allowed) throw limited('oauth_state_limit', perIp.retryAfter);
    return { oauth_url: await this.strategy.authorizationUrl(user?.id ?? null, challenge) };
  }

  @Get('users')
  @UseGuards(OptionalJwtAuthGuard, AuthGuard('weibo'))
  @ApiBearerAuth()
  @ApiQuery({ name: 'code', required: true, description: 'from Weibo, as on the callback page' })
  @ApiQuery({ name: 'state', required: true, description: 'from Weibo, as on the callback page' })
  @ApiQuery({ name: 'code_verifier', required: true, description: 'the verifier whose challenge started this login' })
  @ApiOp(
    'weiboCallback',
    "Weibo callback: code 200 with tokens for a bound uid, code 201 with a bind_ticket for a new one; a linking state needs its user's Bearer token",
  )
  @ApiOkOneOf(
    [
      { code: 200, type: TokensView },
      { code: 201, type: BindOfferView },
    ],
    'code 200: signed in (tokens); code 201: a new Weibo account, bind it with the ticket',
  )
  @ApiErrors(
    'invalid_parameters',
    ...SIGNED_IN_ERRORS,
    'weibo_state_invalid',
    'weibo_code_missing',
    'weibo_code_invalid',
    'weibo_access_denied',
    'weibo_link_user_mismatch',
    'identity_bound_to_another_account',
    'account_already_has_identity',
    'provider_unavailable',
    'provider_misconfigured',
    'provider_error',
    'provider_token_mismatch',
    'provider_not_configured',
  )
  callback(@WeiboCallback() result: WeiboSignIn, @ReqMeta() meta: RequestMeta) {
    return this.login.handleCallback(result.profile, result.linkUserId, meta);
  }
}
