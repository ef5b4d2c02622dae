import { Module } from '@nestjs/common';
import { AltchaVerifier } from './altcha.verifier.js';
import { CAPTCHA_VERIFIER } from './captcha-verifier.js';
import { CaptchaPolicy } from './captcha.policy.js';
import { SpentCaptchas } from './spent-captchas.store.js';

/** Captcha before SMS codes (docs/captcha.md): the policy and the provider behind `CAPTCHA_VERIFIER`. */
@Module({
  providers: [SpentCaptchas, { provide: CAPTCHA_VERIFIER, useClass: AltchaVerifier }, CaptchaPolicy],
  exports: [CaptchaPolicy, CAPTCHA_VERIFIER],
})
export class CaptchaModule {}
