import { Inject, Injectable } from '@nestjs/common';
import { fail, type AppError } from '../common/errors/index.js';
import type { CaptchaSettings } from '../config/abuse-settings.js';
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
    throw await this.required();
  }

  /**
   * For callers that count in their own script (SMS codes: one round trip, docs/abuse.md): the counters, the
   * mode and thresholds, and whether the request carries a valid captcha. A given captcha is checked (and
   * spent) before it is known to be due: clients send one only after a 428 asked for it.
   */
  async counting(phone: string, ip: string, captcha?: string): Promise<CaptchaCounting> {
    const { mode, afterPerIp, afterPerPhone } = this.config.captcha;
    const solved = mode !== 'off' && Boolean(captcha) && (await this.verifier.verify(captcha!));
    return {
      keys: [`limit:${ipKey(ip)}`, `limit:${phoneKey(phone)}`],
      args: [mode, solved ? 1 : 0, afterPerIp, afterPerPhone],
    };
  }

  /** 428 `captcha_required` with a fresh challenge. */
  async required(): Promise<AppError> {
    return fail('captcha_required', { challenge: await this.verifier.challenge() });
  }

  private async due(phone: string, ip: string): Promise<boolean> {
    const { mode, afterPerIp, afterPerPhone } = this.config.captcha;
    if (mode !== 'adaptive') return mode === 'always';
    // Counted before deciding, so parallel requests cannot all slip under the threshold.
    const [perIp, perPhone] = await Promise.all([
      this.limiter.hit(ipKey(ip), afterPerIp, CAPTCHA_IP_WINDOW),
      this.limiter.hit(phoneKey(phone), afterPerPhone, CAPTCHA_PHONE_WINDOW),
    ]);
    return !perIp.allowed || !perPhone.allowed;
  }
}

/**
 * What a script needs to apply the policy itself: `keys` the per-IP-bucket (an hour) and per-phone (a day)
 * counters; `args` the mode, 1 when a valid captcha came, and the two thresholds.
 */
export interface CaptchaCounting {
  keys: [string, string];
  args: [CaptchaSettings['mode'], 0 | 1, number, number];
}

export const CAPTCHA_IP_WINDOW = 3600;
export const CAPTCHA_PHONE_WINDOW = 86400;
const ipKey = (ip: string) => `captcha:ip:${ipBucket(ip)}`;
const phoneKey = (phone: string) => `captcha:phone:${phone}`;
