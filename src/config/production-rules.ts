/**
 * What production refuses to start with (docs/configuration.md, "Production refusals"): weak or shared
 * secrets, weak encryption keys and plain-http links sent to users. Each refusal names its variable.
 */
import type { Reader } from './env-reader.js';

export const PLACEHOLDER = /^(|change-?me.*|dev-.*|placeholder|secret|test)$/i;

/** Below this a secret is refused: 32 random base64 characters score about 4.6, a 64-digit hex string 3.9. */
export const MIN_BITS_PER_CHAR = 3.5;
export const MIN_SECRET_LENGTH = 32;
/** 32 random bytes have about 30 distinct values; a key with fewer than this is a pattern, not random. */
const MIN_DISTINCT_KEY_BYTES = 16;

/** Shannon entropy of the character distribution, in bits per character. */
export function bitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let bits = 0;
  for (const count of counts.values()) bits -= (count / n) * Math.log2(count / n);
  return bits;
}

/** Production: each secret long, not a placeholder, of enough entropy, and none reused under another name. */
export function checkSecrets(r: Reader, prod: boolean, secrets: Record<string, string>): void {
  if (!prod) return;
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(secrets)) {
    if (PLACEHOLDER.test(value) || value.length < MIN_SECRET_LENGTH)
      r.fail(name, `must be set to a random secret of at least ${MIN_SECRET_LENGTH} characters in production`);
    else if (bitsPerChar(value) < MIN_BITS_PER_CHAR)
      r.fail(
        name,
        `has too little entropy (under ${MIN_BITS_PER_CHAR} bits per character): use openssl rand -base64 32`,
      );
    const twin = seen.get(value);
    if (value && twin) r.fail(name, `must differ from ${twin}`);
    else seen.set(value, name);
  }
}

/** Production: no all-zero, repeated-byte or patterned AES key. */
export function checkKey(r: Reader, prod: boolean, name: string, version: string, key: Buffer): void {
  if (prod && new Set(key).size < MIN_DISTINCT_KEY_BYTES)
    r.fail(name, `key version ${version} is not random (all-zero, a repeated byte or a pattern)`);
}

/** Production: links that reach users' browsers must be https. */
export function requireHttps(r: Reader, prod: boolean, name: string, url: string): void {
  if (prod && !url.startsWith('https://')) r.fail(name, `must be an https URL in production (got "${url}")`);
}
