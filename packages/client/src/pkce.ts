/**
 * The Weibo callback is bound to the browser that started it with an RFC 7636 S256 pair
 * (docs/guides/spa.md, "Weibo"): a random `code_verifier` kept by this tab, its SHA-256 sent at the start.
 */
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

function webCrypto(): Crypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (!crypto?.subtle) throw new Error('Weibo sign-in needs the Web Crypto API (crypto.subtle)');
  return crypto;
}

/** 64 random characters of the RFC 7636 alphabet (43–128 allowed), by rejection sampling so none is favoured. */
export function newVerifier(length = 64): string {
  const limit = 256 - (256 % UNRESERVED.length);
  let out = '';
  while (out.length < length) {
    for (const byte of webCrypto().getRandomValues(new Uint8Array(length))) {
      if (byte < limit && out.length < length) out += UNRESERVED[byte % UNRESERVED.length];
    }
  }
  return out;
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `base64url(SHA-256(verifier))`, RFC 7636 §4.2. */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await webCrypto().subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
