import { Injectable, Logger, Optional } from '@nestjs/common';
import { ProviderError } from '../../common/errors/index.js';
import { AppConfig } from '../../config/config.js';
import { Metrics } from '../../observability/metrics.js';
import { classifyWechat, wechatError } from './wechat-errcodes.js';

/** What jscode2session tells us about the user; `sessionKey` must never leave the server (docs/providers/wechat.md, the endpoint). */
export interface WechatSession {
  openid: string;
  unionid?: string;
  sessionKey: string;
}

type Body = Record<string, unknown>;

/** The one gateway to `sns/jscode2session`. Throws `ProviderError`s; the error envelope maps them. */
@Injectable()
export class WechatClient {
  private readonly logger = new Logger('WechatClient');

  constructor(
    private readonly config: AppConfig,
    @Optional() private readonly metrics: Metrics = new Metrics(),
  ) {}

  /** Exchanges a `wx.login` code once. Never retried: WeChat may already have consumed the code (docs/providers/wechat.md, retries and timeouts). */
  exchange(code: string): Promise<WechatSession> {
    return this.metrics.timeUpstream('wechat', '/sns/jscode2session', () => this.exchangeOnce(code));
  }

  private async exchangeOnce(code: string): Promise<WechatSession> {
    if (!this.config.wechat.appId || !this.config.wechat.secret) throw new ProviderError('wechat', 'not_configured');
    const body = await this.fetchBody(code);
    const errcode = body.errcode === undefined || body.errcode === null ? 0 : Number(body.errcode);
    if (errcode !== 0) throw this.fail(errcode);
    const { openid, unionid, session_key: sessionKey } = body;
    if (!isText(openid) || !isText(sessionKey)) {
      this.logger.warn('jscode2session answered without openid or session_key');
      throw new ProviderError('wechat', 'unavailable');
    }
    return isText(unionid) ? { openid, unionid, sessionKey } : { openid, sessionKey };
  }

  private async fetchBody(code: string): Promise<Body> {
    const { apiBase, appId, secret, timeoutMs } = this.config.wechat;
    const query = new URLSearchParams({ appid: appId, secret, js_code: code, grant_type: 'authorization_code' });
    let text: string;
    try {
      const response = await fetch(`${apiBase}/sns/jscode2session?${query}`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      // The URL carries the secret and the code: log only the kind of failure.
      this.logger.warn(`jscode2session unreachable (${(err as Error).name})`);
      throw new ProviderError('wechat', 'unavailable');
    }
    return parseBody(text) ?? this.notJson();
  }

  private notJson(): never {
    this.logger.warn('jscode2session answered with something other than a JSON object');
    throw new ProviderError('wechat', 'unavailable');
  }

  private fail(errcode: number) {
    const outcome = classifyWechat(errcode);
    if (outcome === 'misconfigured') {
      this.logger.error(
        `WeChat refused our app credentials (errcode ${errcode}): check WECHAT_APPID and WECHAT_SECRET`,
      );
    } else if (outcome === 'quota' || outcome === 'unknown') {
      this.logger.error(`jscode2session failed with errcode ${errcode}`);
    }
    return wechatError(outcome);
  }
}

/** WeChat's Content-Type is not reliably JSON (docs/providers/wechat.md, the endpoint): parse the text whatever the header says. */
function parseBody(text: string): Body | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined;
  } catch {
    return undefined;
  }
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
