/** The page of the activation mail's link: `ACTIVATION_URL?code=…`. */
import { ApiError, api, signedIn } from './api';
import { reasonText } from './messages';
import { $, say } from './ui';

const status = $('#status');
const code = new URLSearchParams(location.search).get('code');
// The code is single use: keep it out of the history and of any Referer.
history.replaceState(null, '', location.pathname);
if (signedIn()) Object.assign($<HTMLAnchorElement>('#next'), { href: 'profile.html', textContent: '前往个人中心' });

async function main(): Promise<void> {
  if (!code) return say(status, '链接缺少激活码，请从邮件中重新打开', 'error');
  try {
    const { data } = await api<{ username: string }>('GET', `/v1/users/activation?code=${encodeURIComponent(code)}`);
    say(status, `${data.username}，你的邮箱已激活`, 'ok');
  } catch (err) {
    say(status, err instanceof ApiError ? reasonText(err.info) : '激活失败，请重试', 'error');
  }
}

void main();
