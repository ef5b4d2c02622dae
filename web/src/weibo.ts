import { api } from './api';

/** Set while a "link Weibo" round trip is under way, so the callback page sends this user's Bearer. */
export const LINK_FLAG = 'nest-auth.weibo-link';
/**
 * The state this tab sent to Weibo. The callback page forwards only that state: a callback URL carrying
 * someone else's state (login CSRF: an attacker's own Weibo code and state sent to a victim) is refused here,
 * since the API alone cannot tell which browser a valid state was issued to (RFC 6749 §10.12).
 */
export const STATE_KEY = 'nest-auth.weibo-state';

/** Goes to Weibo's authorize page; `link` = bind Weibo to the signed-in user instead of signing in. */
export async function goToWeibo(link: boolean): Promise<void> {
  const { data } = await api<{ oauth_url: string }>('GET', '/v1/users/weibo/authorization', undefined, { auth: link });
  // sessionStorage: per tab and it survives the round trip to Weibo; it holds only a flag, no secret.
  sessionStorage.setItem(STATE_KEY, new URL(data.oauth_url).searchParams.get('state') ?? '');
  if (link) sessionStorage.setItem(LINK_FLAG, '1');
  else sessionStorage.removeItem(LINK_FLAG);
  location.assign(data.oauth_url);
}
