/** Sign-in sessions (sign out one, or every other) and the account's recent security events. */
import type { SecurityEvent, Session } from '@nest-auth-cn/client';
import { auth } from './auth';
import { $, on, reasonText, requireSignIn, say, when } from './ui';

const notice = $('#notice');

const EVENTS: Record<string, string> = {
  registered: '注册账号',
  signed_in: '登录',
  sign_in_failed: '登录失败',
  refresh_reuse_detected: '检测到登录凭证被重复使用，相关会话已退出',
  identity_bound: '绑定第三方账号',
  identity_unbound: '解除第三方账号绑定',
  email_verified: '验证邮箱',
  password_reset: '重置密码',
  password_changed: '修改密码',
  phone_changed: '更换手机号',
  email_changed: '更换邮箱',
  session_revoked: '退出登录设备',
  account_deleted: '注销账号',
};

/** "Chrome 120 · Windows" from a user agent, enough to recognise a device. */
function device(ua: string | null): string {
  if (!ua) return '未知设备';
  const browser = /MicroMessenger/.test(ua)
    ? '微信'
    : (/(Edg|Chrome|Firefox|Version)\/(\d+)/.exec(ua)?.slice(1).join(' ').replace('Version', 'Safari') ?? '浏览器');
  const os = /Windows|Android|iPhone|iPad|Mac OS X|Linux/.exec(ua)?.[0].replace('Mac OS X', 'macOS') ?? '';
  return os ? `${browser} · ${os}` : browser;
}

function sessionRow(s: Session): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.session = s.id;
  const text = document.createElement('div');
  text.textContent = device(s.user_agent) + (s.current ? '（本机）' : '');
  const small = document.createElement('small');
  small.textContent = `${s.ip ?? '未知 IP'} · 最近使用 ${when(s.last_used_at)} · 登录于 ${when(s.created_at)}`;
  text.append(small);
  li.append(text);
  if (!s.current) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'small danger';
    button.textContent = '退出';
    on(button, 'click', () => act(button, () => auth.sessions.revoke(s.id), '已退出该设备'));
    li.append(button);
  }
  return li;
}

function eventRow(e: SecurityEvent): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.type = e.type;
  li.textContent = EVENTS[e.type] ?? e.type;
  const small = document.createElement('small');
  small.textContent = `${when(e.at)} · ${e.ip ?? '未知 IP'} · ${device(e.user_agent)}`;
  li.append(small);
  return li;
}

async function act(button: HTMLButtonElement, action: () => Promise<unknown>, done: string): Promise<void> {
  button.disabled = true;
  try {
    await action();
    await render();
    say(notice, done, 'ok');
  } catch (err) {
    button.disabled = false;
    say(notice, reasonText(err), 'error');
  }
}

async function render(): Promise<void> {
  const [sessions, events] = await Promise.all([auth.sessions.list(), auth.account.events()]);
  $('#sessions').replaceChildren(...sessions.map(sessionRow));
  $('#revoke-all').hidden = sessions.length < 2;
  $('#events').replaceChildren(...events.map(eventRow));
}

$('#revoke-all').addEventListener('click', (event) => {
  if (!confirm('确定退出除本机以外的所有设备吗？')) return;
  void act(event.currentTarget as HTMLButtonElement, () => auth.sessions.revokeOthers(), '其他设备均已退出');
});

await requireSignIn();
try {
  await render();
  say(notice, '', 'info');
} catch (err) {
  say(notice, reasonText(err), 'error');
}
