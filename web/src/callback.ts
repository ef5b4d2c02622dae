/**
 * Weibo's redirect lands here with `?code&state` (or `?error…`). The client checks that this tab started the
 * flow, sends the query with the PKCE verifier; code 200 signs in (or finishes a link), code 201 offers the
 * bind choice with a single-use bind_ticket.
 */
import type { WeiboBindOffer } from '@nest-auth-cn/client';
import { auth } from './auth';
import { $, onSubmit, reasonText, say, smsButton, tabs } from './ui';

const status = $('#status');
const search = location.search;
// The code and state are single use: keep them out of the history and of any Referer.
history.replaceState(null, '', location.pathname);

function offerBind(offer: WeiboBindOffer): void {
  status.hidden = true;
  $('#bind').hidden = false;
  $('#weibo-name').textContent = offer.profile.screen_name ?? `微博用户 ${offer.profile.uid}`;
  if (offer.profile.avatar) $<HTMLImageElement>('#weibo-avatar').src = offer.profile.avatar;
  tabs($('#bind'));
  const newForm = $<HTMLFormElement>('#new-form');
  smsButton(newForm);
  onSubmit(newForm, async (v) => {
    const { username, password, phone, email, verify } = v;
    await auth.weibo.createAccount(offer.bind_ticket, { username, password, phone, email, verify });
    location.assign('profile.html');
  });
  onSubmit($<HTMLFormElement>('#existing-form'), async (v) => {
    await auth.weibo.bindExisting(offer.bind_ticket, v.account, v.password);
    location.assign('profile.html?linked=1');
  });
}

try {
  const result = await auth.weibo.finish(search);
  if (result.kind === 'bind') offerBind(result.offer);
  else {
    say(status, result.linked ? '微博已绑定' : '登录成功，正在跳转…', 'ok');
    location.assign(result.linked ? 'profile.html?linked=1' : 'profile.html');
  }
} catch (err) {
  say(status, reasonText(err), 'error');
}
