/**
 * Weibo's redirect lands here with `?code&state` (or `?error…`). The query goes to the API as is; code 200
 * signs in (or finishes a link), code 201 offers the bind choice with a single-use bind_ticket.
 */
import { ApiError, api, saveTokens, signOut, type Tokens } from './api';
import { reasonText } from './messages';
import { $, onSubmit, say, smsButton, tabs } from './ui';
import { LINK_FLAG, STATE_KEY, VERIFIER_KEY } from './weibo';

interface BindOffer {
  bind_ticket: string;
  expires_in: number;
  profile: { uid: string; screen_name: string | null; avatar: string | null };
}

const status = $('#status');
const linking = sessionStorage.getItem(LINK_FLAG) === '1';
sessionStorage.removeItem(LINK_FLAG);
const query = location.search.slice(1);
const expectedState = sessionStorage.getItem(STATE_KEY);
sessionStorage.removeItem(STATE_KEY);
const verifier = sessionStorage.getItem(VERIFIER_KEY) ?? '';
sessionStorage.removeItem(VERIFIER_KEY);
const startedHere = Boolean(expectedState) && new URLSearchParams(query).get('state') === expectedState;
// The code and state are single use: keep them out of the history and of any Referer.
history.replaceState(null, '', location.pathname);

async function signedInWith(tokens: Tokens, message: string): Promise<void> {
  if (linking) await signOut(); // the link answer opens a new session: close the one that started it
  saveTokens(tokens);
  say(status, message, 'ok');
  location.assign(linking ? 'profile.html?linked=1' : 'profile.html');
}

function offerBind(offer: BindOffer): void {
  status.hidden = true;
  $('#bind').hidden = false;
  $('#weibo-name').textContent = offer.profile.screen_name ?? `微博用户 ${offer.profile.uid}`;
  if (offer.profile.avatar) $<HTMLImageElement>('#weibo-avatar').src = offer.profile.avatar;
  tabs($('#bind'));
  const newForm = $<HTMLFormElement>('#new-form');
  smsButton(newForm);
  onSubmit(newForm, async (v) => {
    const { data } = await api<Tokens>('POST', '/v1/users/weibo/users', { ...v, bind_ticket: offer.bind_ticket });
    await signedInWith(data, '账号已创建并绑定微博');
  });
  onSubmit($<HTMLFormElement>('#existing-form'), async (v) => {
    const { data } = await api<Tokens>('POST', '/v1/users/weibo/bind', { ...v, bind_ticket: offer.bind_ticket });
    await signedInWith(data, '微博已绑定');
  });
}

async function main(): Promise<void> {
  if (!startedHere) {
    say(status, '这个微博登录不是从本页面发起的，请重新点击"微博登录"', 'error');
    return;
  }
  try {
    const path = `/v1/users/weibo/users?${query}&code_verifier=${verifier}`;
    const answer = await api<Tokens | BindOffer>('GET', path, undefined, { auth: linking });
    if (answer.code === 201) offerBind(answer.data as BindOffer);
    else await signedInWith(answer.data as Tokens, linking ? '微博已绑定' : '登录成功，正在跳转…');
  } catch (err) {
    say(status, err instanceof ApiError ? reasonText(err.info) : '出错了，请重新登录', 'error');
  }
}

void main();
