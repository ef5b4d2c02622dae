import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createChallenge, randomInt, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { AppConfig } from '../config/config.js';
import { CAPTCHA_MAX_CHARS, type CaptchaVerifier } from './captcha-verifier.js';
import { SpentCaptchas } from './spent-captchas.store.js';

export const ALTCHA_ALGORITHM = 'PBKDF2/SHA-256';
export const CHALLENGE_TTL_SECONDS = 300;
/** The solver tries counters from 0 up to the secret one: on average 1,500 key derivations (docs/captcha.md). */
export const COUNTER_RANGE = [1000, 2000] as const;

/**
 * ALTCHA proof of work, v2 format, in its deterministic mode: the server picks the counter, so every client
 * does the same work, and signs the derived key, so checking a solution is two HMACs and never a key
 * derivation (docs/captcha.md). Solutions are single use (SpentCaptchas).
 */
@Injectable()
export class AltchaVerifier implements CaptchaVerifier {
  private readonly secret: string;
  private readonly keySecret: string;

  constructor(
    private readonly config: AppConfig,
    private readonly spent: SpentCaptchas,
  ) {
    this.secret = config.captcha.secret;
    this.keySecret = createHmac('sha256', this.secret).update('altcha key signature').digest('hex');
  }

  challenge(): Promise<Challenge> {
    return createChallenge({
      algorithm: ALTCHA_ALGORITHM,
      cost: this.config.captcha.cost,
      counter: randomInt(COUNTER_RANGE[1], COUNTER_RANGE[0]),
      deriveKey,
      expiresAt: nowSeconds() + CHALLENGE_TTL_SECONDS,
      hmacSignatureSecret: this.secret,
      hmacKeySignatureSecret: this.keySecret,
    });
  }

  /** The widget's payload: base64 of `{challenge, solution: {counter, derivedKey}}`. */
  async verify(payload: string): Promise<boolean> {
    const decoded = decode(payload);
    // Ours always carry a signed key signature and expiry; without them verification would derive a key.
    if (!decoded?.challenge.parameters.keySignature || typeof decoded.challenge.parameters.expiresAt !== 'number')
      return false;
    const { challenge, solution } = decoded;
    const result = await verifySolution({
      challenge,
      solution,
      deriveKey,
      hmacSignatureSecret: this.secret,
      hmacKeySignatureSecret: this.keySecret,
    }).catch(() => null);
    if (!result?.verified) return false;
    return this.spent.spend(challenge.parameters.nonce, challenge.parameters.expiresAt! - nowSeconds());
  }
}

function decode(payload: string): { challenge: Challenge; solution: Solution } | null {
  if (typeof payload !== 'string' || payload.length > CAPTCHA_MAX_CHARS) return null;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as unknown;
    const { challenge, solution } = (value ?? {}) as { challenge?: Challenge; solution?: Solution };
    const parameters = challenge?.parameters;
    if (!parameters || typeof parameters !== 'object' || typeof challenge.signature !== 'string') return null;
    if (typeof parameters.nonce !== 'string' || typeof solution?.derivedKey !== 'string') return null;
    return { challenge, solution };
  } catch {
    return null;
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
