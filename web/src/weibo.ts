import { api } from './api';

/** Set while a "link Weibo" round trip is under way, so the callback page sends this user's Bearer. */
export const LINK_FLAG = 'nest-auth.weibo-link';

/** Goes to Weibo's authorize page; `link` = bind Weibo to the signed-in user instead of signing in. */
export async function goToWeibo(link: boolean): Promise<void> {
  const { data } = await api<{ oauth_url: string }>('GET', '/v1/users/weibo/authorization', undefined, { auth: link });
  // sessionStorage: per tab and it survives the round trip to Weibo; it holds only a flag, no secret.
  if (link) sessionStorage.setItem(LINK_FLAG, '1');
  else sessionStorage.removeItem(LINK_FLAG);
  location.assign(data.oauth_url);
}
