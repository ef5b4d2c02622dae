import { Injectable } from '@nestjs/common';
import { limited } from '../../common/errors/index.js';
import { AppConfig } from '../../config/config.js';
import { ipBucket } from '../../limits/ip-bucket.js';
import { RateLimiter } from '../../limits/rate-limiter.js';
import { WechatClient, type WechatSession } from './wechat.client.js';

/**
 * `jscode2session` behind the per-IP cap (WECHAT_LOGIN_IP_HOURLY_CAP), for every route that takes a `wx.login`
 * code (login and step-up): counted before WeChat is asked, so a flood of codes never spends the app's quota
 * (docs/abuse.md, "WeChat login per IP").
 */
@Injectable()
export class WechatSessions {
  constructor(
    private readonly client: WechatClient,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async exchange(code: string, ip: string): Promise<WechatSession> {
    const perIp = await this.limiter.hit(`wechat:login:ip:${ipBucket(ip)}`, this.config.wechatLoginIpHourlyCap, 3600);
    if (!perIp.allowed) throw limited('wechat_login_limit', perIp.retryAfter);
    return this.client.exchange(code);
  }
}
