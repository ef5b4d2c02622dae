import { ApiError, accessToken, api, signOut } from './api';
import { reasonText } from './messages';
import { $, maskPhone, say } from './ui';
import { goToWeibo } from './weibo';

interface Identity {
  provider: string;
  uid: string;
  screen_name: string | null;
  bound_at: string;
}

interface Profile {
  username: string;
  phone: string | null;
  email: string | null;
  email_verified: boolean;
  created_at: string;
  nickname?: string | null;
  avatar?: string | null;
  identities: Identity[];
}

const notice = $('#notice');
const PROVIDERS: Record<string, string> = { weibo: '微博', wechat: '微信小程序' };
const date = (iso: string) => new Date(iso).toLocaleString('zh-CN', { hour12: false });
const fail = (err: unknown) => say(notice, err instanceof ApiError ? reasonText(err.info) : '出错了，请重试', 'error');

function identityRow(provider: string, identity?: Identity): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.provider = provider;
  const text = document.createElement('div');
  text.textContent = `${PROVIDERS[provider] ?? provider}：${identity ? (identity.screen_name ?? identity.uid) : '未绑定'}`;
  if (identity) {
    const small = document.createElement('small');
    small.textContent = `UID ${identity.uid} · 绑定于 ${date(identity.bound_at)}`;
    text.append(small);
  }
  li.append(text);
  if (provider !== 'weibo') return li;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = identity ? 'small danger' : 'small';
  button.textContent = identity ? '解除绑定' : '绑定微博';
  button.addEventListener('click', () => (identity ? unlink(button) : goToWeibo(true).catch(fail)));
  li.append(button);
  return li;
}

async function unlink(button: HTMLButtonElement): Promise<void> {
  if (!confirm('确定解除与微博账号的绑定吗？')) return;
  button.disabled = true;
  try {
    await api('DELETE', '/v1/users/me/identities/weibo', undefined, { auth: true });
    await render();
    say(notice, '已解除微博绑定', 'ok');
  } catch (err) {
    button.disabled = false;
    fail(err);
  }
}

function show(p: Profile): void {
  $('#username').textContent = p.username;
  $('#nickname').textContent = p.nickname ?? '';
  const avatar = $<HTMLImageElement>('#avatar');
  avatar.hidden = !/^https?:\/\//.test(p.avatar ?? '');
  if (!avatar.hidden) avatar.src = p.avatar!;
  $('#phone').textContent = maskPhone(p.phone);
  $('#email').textContent = p.email ?? '未填写';
  const state = $('#email-state');
  state.hidden = !p.email;
  state.textContent = p.email_verified ? '已验证' : '未验证';
  state.className = `badge ${p.email_verified ? 'yes' : 'no'}`;
  $('#resend').hidden = !p.email || p.email_verified;
  $('#created').textContent = date(p.created_at);
  const weibo = p.identities.find((i) => i.provider === 'weibo');
  const others = p.identities.filter((i) => i.provider !== 'weibo');
  $('#identities').replaceChildren(identityRow('weibo', weibo), ...others.map((i) => identityRow(i.provider, i)));
  $('#details').hidden = false;
}

async function render(): Promise<void> {
  show((await api<Profile>('GET', '/v1/users/me', undefined, { auth: true })).data);
}

$('#resend').addEventListener('click', async (event) => {
  const button = event.currentTarget as HTMLButtonElement;
  button.disabled = true;
  try {
    await api('POST', '/v1/users/me/activation', undefined, { auth: true });
    say(notice, '激活邮件已发送，请查收', 'ok');
  } catch (err) {
    fail(err);
  } finally {
    button.disabled = false;
  }
});

$('#logout').addEventListener('click', async () => {
  await signOut();
  location.assign('index.html');
});

async function main(): Promise<void> {
  if (!(await accessToken())) return location.replace('index.html');
  try {
    await render();
    const params = new URLSearchParams(location.search);
    const hello = params.has('welcome') ? '注册成功，欢迎！' : params.has('linked') ? '微博已绑定' : '';
    say(notice, hello, 'ok');
    if (params.size) history.replaceState(null, '', location.pathname);
  } catch (err) {
    if (err instanceof ApiError && err.info.status === 401) return location.replace('index.html');
    fail(err);
  }
}

void main();
