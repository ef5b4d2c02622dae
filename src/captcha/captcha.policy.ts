import { Inject, Injectable } from '@nestjs/common';
import { fail } from '../common/errors/index.js';
import { AppConfig } from '../config/config.js';
import { ipBucket } from '../limits/ip-bucket.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { CAPTCHA_VERIFIER, type CaptchaVerifier } from './captcha-verifier.js';

/**
 * When an SMS code request must carry a solved captcha (`CAPTCHA_MODE`): never (`off`), every time
 * (`always`), or once its IP bucket has asked more than CAPTCHA_AFTER_PER_IP times this hour or its phone
 * more than CAPTCHA_AFTER_PER_PHONE times today (`adaptive`, docs/captcha.md).
 */
@Injectable()
export class CaptchaPolicy {
  constructor(
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    @Inject(CAPTCHA_VERIFIER) private readonly verifier: CaptchaVerifier,
  ) {}

  /**
   * Counts this request, then passes, or throws 428 `captcha_required` with a fresh `error.challenge` when a
   * captcha is due and `captcha` is missing, wrong, expired or already used.
   */
  async guard(phone: string, ip: string, captcha?: string): Promise<void> {
    if (!(await this.due(phone, ip))) return;
    if (captcha && (await this.verifier.verify(captcha))) return;
    throw fail('captcha_required', { challenge: await this.verifier.challenge() });
  }

  private async due(phone: string, ip: string): Promise<boolean> {
    const { mode, afterPerIp, afterPerPhone } = this.config.captcha;
    if (mode !== 'adaptive') return mode === 'always';
    // Counted before deciding, so parallel requests cannot all slip under the threshold.
    const [perIp, perPhone] = await Promise.all([
      this.limiter.hit(`captcha:ip:${ipBucket(ip)}`, afterPerIp, 3600),
      this.limiter.hit(`captcha:phone:${phone}`, afterPerPhone, 86400),
    ]);
    return !perIp.allowed || !perPhone.allowed;
  }
}
