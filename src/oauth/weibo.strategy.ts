import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import OAuth2Strategy from 'passport-oauth2';
import { AppConfig } from '../config/config.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { WeiboClient, type WeiboToken, type WeiboUserInfo } from './weibo.client.js';
import { fail } from '../common/errors/index.js';

/** What the rest of the app knows about a Weibo sign-in. */
export interface WeiboProfile {
  uid: string;
  screen_name: string | null;
  avatar: string | null;
  accessToken: string;
  /** Seconds the access token still lives, when Weibo says. */
  expiresIn: number | null;
}

export function normaliseProfile(
  token: WeiboToken,
  info: { expiresIn: number | null },
  user: WeiboUserInfo,
): WeiboProfile {
  return {
    uid: token.uid,
    screen_name: user.screenName,
    avatar: user.avatar,
    accessToken: token.accessToken,
    expiresIn: info.expiresIn ?? token.expiresIn,
  };
}

type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, params?: WeiboToken) => void;

/** passport-oauth2 for Weibo: state in Redis, code exchange and checks through WeiboClient. */
@Injectable()
export class WeiboStrategy extends PassportStrategy(OAuth2Strategy, 'weibo', true) {
  constructor(
    private readonly config: AppConfig,
    private readonly states: OAuthStateStore,
    private readonly client: WeiboClient,
  ) {
    const weibo = config.weibo;
    super({
      authorizationURL: weibo.authorizeUrl,
      tokenURL: `${weibo.apiBase}/oauth2/access_token`,
      // passport refuses an empty id at start; calls are refused later instead (provider_not_configured).
      clientID: weibo.clientId || 'unconfigured',
      clientSecret: weibo.clientSecret,
      callbackURL: weibo.redirectUri,
      store: states as unknown as OAuth2Strategy.StateStore,
      // users/show needs the uid, which userProfile() never sees (stack notes): validate() loads it.
      skipUserProfile: true,
    });
    // node-oauth has no timeout and treats every failure alike; the exchange goes through our gateway.
    const oauth2 = this._oauth2 as unknown as {
      getOAuthAccessToken: (code: string, params: unknown, done: TokenCallback) => void;
    };
    oauth2.getOAuthAccessToken = (code, _params, done) =>
      void client.exchangeCode(code).then((token) => done(null, token.accessToken, undefined, token), done);
  }

  /** Called by passport after the exchange; `params` is the token answer, with Weibo's uid. */
  async validate(
    accessToken: string,
    _refreshToken: string | undefined,
    params: WeiboToken,
    _profile: unknown,
  ): Promise<WeiboProfile> {
    // Both only read; the profile is used only if get_token_info vouches for the token (appkey and uid).
    const [info, user] = await Promise.all([
      this.client.verifyToken(accessToken, params.uid),
      this.client.showUser(accessToken, params.uid),
    ]);
    return normaliseProfile({ ...params, accessToken }, info, user);
  }

  /** The Weibo authorize URL with a fresh single-use state (remembering `userId` when linking). */
  async authorizationUrl(userId: string | null): Promise<string> {
    const { clientId, redirectUri, authorizeUrl } = this.config.weibo;
    if (!clientId) throw fail('provider_not_configured');
    const url = new URL(authorizeUrl);
    const state = await this.states.issue(userId);
    for (const [name, value] of Object.entries({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      state,
    })) {
      url.searchParams.set(name, value);
    }
    return url.toString();
  }
}
