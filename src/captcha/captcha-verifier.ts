/**
 * One captcha provider. `challenge()` is what the client gets in `error.challenge` with a 428; `verify()`
 * checks the client's `captcha` field once: a solution that verified is never accepted again. ALTCHA
 * (self-hosted proof of work) is the one in use; Tencent 天御 or Aliyun 验证码 2.0 would be other
 * implementations whose `verify` calls their service (docs/captcha.md).
 */
export interface CaptchaVerifier {
  challenge(): Promise<object>;
  verify(payload: string): Promise<boolean>;
}

/** The longest `captcha` field a route accepts; a longer one is a 400 before any work. */
export const CAPTCHA_MAX_CHARS = 4096;

export const CAPTCHA_VERIFIER = Symbol('CAPTCHA_VERIFIER');
