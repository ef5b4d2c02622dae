import { api } from './api';

/** Set while a "link Weibo" round trip is under way, so the callback page sends this user's Bearer. */
export const LINK_FLAG = 'nest-auth.weibo-link';
/**
 * The state this tab sent to Weibo. The callback page forwards only that state: a callback URL carrying
 * someone else's state (login CSRF: an attacker's own Weibo code and state sent to a victim) is refused here,
 * since the API alone cannot tell which browser a valid state was issued to (RFC 6749 §10.12).
 */
export const STATE_KEY = 'nest-auth.weibo-state';

/** The PKCE-style verifier (RFC 7636): only this tab can finish the login it started. */
export const VERIFIER_KEY = 'nest-auth.weibo-verifier';

async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const base64url = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

/** Goes to Weibo's authorize page; `link` = bind Weibo to the signed-in user instead of signing in. */
export async function goToWeibo(link: boolean): Promise<void> {
  const { verifier, challenge } = await pkce();
  const path = `/v1/users/weibo/authorization?code_challenge=${challenge}`;
  const { data } = await api<{ oauth_url: string }>('GET', path, undefined, { auth: link });
  // sessionStorage: per tab and it survives the round trip to Weibo.
  sessionStorage.setItem(STATE_KEY, new URL(data.oauth_url).searchParams.get('state') ?? '');
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  if (link) sessionStorage.setItem(LINK_FLAG, '1');
  else sessionStorage.removeItem(LINK_FLAG);
  location.assign(data.oauth_url);
}
