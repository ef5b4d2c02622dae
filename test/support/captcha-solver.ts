/**
 * What a client does with a 428 `captcha_required` (docs/captcha.md): solve the ALTCHA v2 challenge in
 * `error.challenge` and send base64 of `{challenge, solution}` as `captcha`. Written independently of the
 * server's code with node:crypto: counters from 0, the password being the nonce bytes followed by the counter
 * as a big-endian uint32, PBKDF2-HMAC-SHA-256, until the derived key starts with `keyPrefix`.
 */
import { pbkdf2Sync } from 'node:crypto';

export interface AltchaChallenge {
  parameters: { algorithm: string; nonce: string; salt: string; cost: number; keyLength: number; keyPrefix: string };
  signature: string;
}

export function solveCaptcha(challenge: AltchaChallenge, maxCounter = 100_000): string {
  const { algorithm, nonce, salt, cost, keyLength, keyPrefix } = challenge.parameters;
  if (algorithm !== 'PBKDF2/SHA-256') throw new Error(`unexpected captcha algorithm ${algorithm}`);
  const password = Buffer.alloc(nonce.length / 2 + 4);
  Buffer.from(nonce, 'hex').copy(password);
  for (let counter = 0; counter <= maxCounter; counter++) {
    password.writeUInt32BE(counter, nonce.length / 2);
    const derivedKey = pbkdf2Sync(password, Buffer.from(salt, 'hex'), cost, keyLength, 'sha256').toString('hex');
    if (derivedKey.startsWith(keyPrefix))
      return Buffer.from(JSON.stringify({ challenge, solution: { counter, derivedKey } })).toString('base64');
  }
  throw new Error('no counter solves the captcha challenge');
}
