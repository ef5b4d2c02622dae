/** The page of the activation mail's link: `ACTIVATION_URL?code=…`. */
import { auth } from './auth';
import { $, reasonText, say } from './ui';

const status = $('#status');
const code = new URLSearchParams(location.search).get('code');
// The code is single use: keep it out of the history and of any Referer.
history.replaceState(null, '', location.pathname);
if (await auth.isSignedIn())
  Object.assign($<HTMLAnchorElement>('#next'), { href: 'profile.html', textContent: '前往个人中心' });

if (!code) say(status, '链接缺少激活码，请从邮件中重新打开', 'error');
else {
  try {
    const { username } = await auth.account.activate(code);
    say(status, `${username}，你的邮箱已激活`, 'ok');
  } catch (err) {
    say(status, reasonText(err), 'error');
  }
}
