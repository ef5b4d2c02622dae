import { Injectable, Logger, Optional } from '@nestjs/common';
import { ProviderError } from '../../common/errors/index.js';
import { AppConfig } from '../../config/config.js';
import { Metrics } from '../../observability/metrics.js';

export interface WeiboToken {
  accessToken: string;
  uid: string;
  expiresIn: number | null;
}

export interface WeiboUserInfo {
  screenName: string | null;
  avatar: string | null;
}

type Body = Record<string, unknown>;

const logger = new Logger('WeiboClient');

/** Weibo sends numbers or strings for the same field (docs/providers/weibo.md, general rules): accept both. */
export const str = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
export const num = (value: unknown): number | null => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** Maps a Weibo error (body or callback query) to ours; see docs/providers/weibo.md, how we map errors. */
export function weiboError(code: number | null, error: string | null, where: string): ProviderError {
  if (code === 21325 || error === 'invalid_grant') return new ProviderError('weibo', 'code_invalid');
  if (code === 21330 || error === 'access_denied') return new ProviderError('weibo', 'access_denied');
  if (code === 21322 || code === 21324 || error === 'redirect_uri_mismatch' || error === 'invalid_client') {
    logger.error(
      `WEIBO CONFIGURATION IS WRONG: ${where} answered ${code ?? ''} ${error ?? ''}; check WEIBO_CLIENT_ID, WEIBO_CLIENT_SECRET and WEIBO_REDIRECT_URI`,
    );
    return new ProviderError('weibo', 'misconfigured');
  }
  if (code === 21331 || error === 'temporarily_unavailable' || (code !== null && code >= 10001 && code <= 10024)) {
    logger.warn(`Weibo ${where} busy or failing: ${code ?? ''} ${error ?? ''}`);
    return new ProviderError('weibo', 'unavailable');
  }
  logger.warn(`Weibo ${where} refused: ${code ?? ''} ${error ?? ''}`);
  return new ProviderError('weibo', 'refused');
}

/** Errors are in the body whatever the status and Content-Type (docs/providers/weibo.md, general rules). */
export function readAnswer(status: number, text: string, where: string): Body {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    logger.warn(`Weibo ${where} answered ${status} without JSON`);
    throw new ProviderError('weibo', 'unavailable');
  }
  const answer = body as Body;
  const code = num(answer.error_code);
  if (code !== null || str(answer.error) !== null) throw weiboError(code, str(answer.error), where);
  if (status >= 500) throw new ProviderError('weibo', 'unavailable');
  if (status >= 400) throw weiboError(null, null, where);
  return answer;
}

/** The one gateway for Weibo HTTP calls: timeouts, lenient parsing, our error codes. */
@Injectable()
export class WeiboClient {
  constructor(
    private readonly config: AppConfig,
    @Optional() private readonly metrics: Metrics = new Metrics(),
  ) {}

  /** Form POST, never retried: after a lost answer Weibo may already have consumed the code (docs/providers/weibo.md, retries and timeouts). */
  async exchangeCode(code: string): Promise<WeiboToken> {
    const { clientId, clientSecret, redirectUri } = this.config.weibo;
    const form = {
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    };
    const body = await this.call('POST', '/oauth2/access_token', form);
    const accessToken = str(body.access_token);
    const uid = str(body.uid);
    if (!accessToken || !uid) throw new ProviderError('weibo', 'unavailable');
    return { accessToken, uid, expiresIn: num(body.expires_in) };
  }

  /** The token must be ours (appkey) and for this uid, as Weibo's docs require (docs/providers/weibo.md, token info). */
  async verifyToken(accessToken: string, uid: string): Promise<{ expiresIn: number | null }> {
    const body = await this.retryOnce(() => this.call('POST', '/oauth2/get_token_info', { access_token: accessToken }));
    if (str(body.appkey) !== this.config.weibo.clientId || str(body.uid) !== uid) {
      logger.error(`Weibo get_token_info mismatch: appkey ${str(body.appkey)}, uid ${str(body.uid)} (expected ${uid})`);
      throw new ProviderError('weibo', 'token_mismatch');
    }
    return { expiresIn: num(body.expire_in) };
  }

  async showUser(accessToken: string, uid: string): Promise<WeiboUserInfo> {
    const query = new URLSearchParams({ access_token: accessToken, uid });
    const headers = { authorization: `OAuth2 ${accessToken}` };
    const body = await this.retryOnce(() => this.call('GET', `/2/users/show.json?${query}`, undefined, headers));
    return { screenName: str(body.screen_name), avatar: str(body.avatar_large) ?? str(body.profile_image_url) };
  }

  async revoke(accessToken: string): Promise<boolean> {
    const body = await this.call('POST', '/oauth2/revokeoauth2', { access_token: accessToken });
    return str(body.result) === 'true';
  }

  private async retryOnce<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (err instanceof ProviderError && err.failure === 'unavailable') return request();
      throw err;
    }
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Body> {
    if (!this.config.weibo.clientId) throw new ProviderError('weibo', 'not_configured');
    const where = path.split('?')[0];
    return this.metrics.timeUpstream('weibo', where, () => this.send(method, path, where, form, headers));
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    where: string,
    form: Record<string, string> | undefined,
    headers: Record<string, string>,
  ): Promise<Body> {
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${this.config.weibo.apiBase.replace(/\/$/, '')}${path}`, {
        method,
        headers: { accept: 'application/json', ...headers },
        body: form ? new URLSearchParams(form) : undefined,
        signal: AbortSignal.timeout(this.config.weibo.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      logger.warn(`Weibo ${where} unreachable: ${(err as Error).name} ${(err as Error).message}`);
      throw new ProviderError('weibo', 'unavailable');
    }
    return readAnswer(status, text, where);
  }
}
