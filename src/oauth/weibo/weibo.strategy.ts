import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import type { AuthUser } from '../../auth/jwt-auth.guard.js';
import { fail, invalid } from '../../common/errors/index.js';
import { AppConfig } from '../../config/config.js';
import { OAuthStateStore, type OAuthState } from './oauth-state.store.js';
import { num, str, weiboError, WeiboClient } from './weibo.client.js';

/** What the rest of the app knows about a Weibo sign-in. */
export interface WeiboProfile {
  uid: string;
  screen_name: string | null;
  avatar: string | null;
  accessToken: string;
  /** Seconds the access token still lives, when Weibo says. */
  expiresIn: number | null;
}

/** The strategy's result, `request.user` of the callback route. */
export interface WeiboSignIn {
  profile: WeiboProfile;
  /** The signed-in user who started a link, or null for a sign-in. */
  linkUserId: string | null;
}

type CallbackRequest = FastifyRequest & { authUser?: AuthUser };

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
export const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The Weibo callback as one passport strategy (docs/providers/weibo.md): use up the state, check the browser's
 * verifier and the linking user, then exchange the code, verify the token and read the profile through
 * `WeiboClient`. Every failure is one of docs/errors.md, never passport's generic 401.
 */
@Injectable()
export class WeiboStrategy extends PassportStrategy(passport.Strategy, 'weibo') {
  constructor(
    private readonly config: AppConfig,
    private readonly states: OAuthStateStore,
    private readonly client: WeiboClient,
  ) {
    super();
  }

  /** passport's entry point; `validate` is not used by this strategy. */
  override authenticate(req: unknown): void {
    this.signIn(req as CallbackRequest).then(
      (result) => this.success(result),
      (err: unknown) => this.error(err as Error),
    );
  }

  validate(result: WeiboSignIn): WeiboSignIn {
    return result;
  }

  /** The Weibo authorize URL with a fresh single-use state remembering the linking user and the challenge. */
  async authorizationUrl(userId: string | null, challenge: string | undefined): Promise<string> {
    const { clientId, redirectUri, authorizeUrl, legacyCallback } = this.config.weibo;
    if (!clientId) throw fail('provider_not_configured');
    if (challenge === undefined ? !legacyCallback : !CHALLENGE.test(challenge)) {
      throw invalid({ code_challenge: 'must be base64url(SHA-256(code_verifier)), 43 characters' });
    }
    const url = new URL(authorizeUrl);
    const state = await this.states.issue(challenge ? { userId, challenge } : { userId });
    const params = { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', state };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  private async signIn(req: CallbackRequest): Promise<WeiboSignIn> {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const state = await this.states.consume(query.state); // used up whatever happens next
    if (typeof query.code === 'string' && query.code.length > 256) {
      throw invalid({ code: 'must be at most 256 characters' });
    }
    if (!state || !this.verifierMatches(state, query.code_verifier)) throw fail('weibo_state_invalid');
    if (state.userId && state.userId !== req.authUser?.id) throw fail('weibo_link_user_mismatch');
    if (query.error !== undefined) throw weiboError(num(query.error_code), str(query.error), 'authorize');
    if (typeof query.code !== 'string' || query.code === '') throw fail('weibo_code_missing');
    const token = await this.client.exchangeCode(query.code);
    // Both only read; the profile is used only if get_token_info vouches for the token (appkey and uid).
    const [info, user] = await Promise.all([
      this.client.verifyToken(token.accessToken, token.uid),
      this.client.showUser(token.accessToken, token.uid),
    ]);
    const profile = {
      uid: token.uid,
      screen_name: user.screenName,
      avatar: user.avatar,
      accessToken: token.accessToken,
      expiresIn: info.expiresIn ?? token.expiresIn,
    };
    return { profile, linkUserId: state.userId };
  }

  /** RFC 7636 S256; a state issued without a challenge (legacy callback) needs no verifier. */
  private verifierMatches(state: OAuthState, verifier: unknown): boolean {
    if (!state.challenge) return this.config.weibo.legacyCallback;
    if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) return false;
    return createHash('sha256').update(verifier).digest('base64url') === state.challenge;
  }
}
