import type { Identity, Profile } from '@nest-auth-cn/client';
import { auth } from './auth';
import { $, maskPhone, on, onSubmit, reasonText, requireSignIn, say, when } from './ui';

const notice = $('#notice');
const PROVIDERS: Record<string, string> = { weibo: '微博', wechat: '微信小程序' };
const fail = (err: unknown) => say(notice, reasonText(err), 'error');

function identityRow(provider: string, identity?: Identity): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.provider = provider;
  const text = document.createElement('div');
  text.textContent = `${PROVIDERS[provider] ?? provider}：${identity ? (identity.screen_name ?? identity.uid) : '未绑定'}`;
  if (identity) {
    const small = document.createElement('small');
    small.textContent = `UID ${identity.uid} · 绑定于 ${when(identity.bound_at)}`;
    text.append(small);
  }
  li.append(text);
  if (provider !== 'weibo') return li;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = identity ? 'small danger' : 'small';
  button.textContent = identity ? '解除绑定' : '绑定微博';
  on(button, 'click', () => (identity ? unlink(button) : linkWeibo()));
  li.append(button);
  return li;
}

async function linkWeibo(): Promise<void> {
  try {
    location.assign(await auth.weibo.start({ link: true })); // asks for proof first (reauth dialog)
  } catch (err) {
    fail(err);
  }
}

async function unlink(button: HTMLButtonElement): Promise<void> {
  if (!confirm('确定解除与微博账号的绑定吗？')) return;
  button.disabled = true;
  try {
    await auth.weibo.unlink();
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
  $('#created').textContent = when(p.created_at);
  const weibo = p.identities.find((i) => i.provider === 'weibo');
  const others = p.identities.filter((i) => i.provider !== 'weibo');
  $('#identities').replaceChildren(identityRow('weibo', weibo), ...others.map((i) => identityRow(i.provider, i)));
  const form = $<HTMLFormElement>('#profile-form');
  for (const name of ['nickname', 'avatar', 'gender', 'birthday', 'signature'] as const) {
    $<HTMLInputElement>(`[name="${name}"]`, form).value = p[name] ?? '';
  }
  $('#details').hidden = false;
}

async function render(): Promise<void> {
  show(await auth.account.me());
}

onSubmit($<HTMLFormElement>('#profile-form'), async (v) => {
  const blankIsNull = (s: string) => (s === '' ? null : s);
  show(
    await auth.account.update({
      nickname: blankIsNull(v.nickname),
      avatar: blankIsNull(v.avatar),
      gender: (blankIsNull(v.gender) as Profile['gender']) ?? null,
      birthday: blankIsNull(v.birthday),
      signature: blankIsNull(v.signature),
    }),
  );
  say($('#profile-form .msg'), '资料已保存', 'ok');
});

on($('#resend'), 'click', async (event) => {
  const button = event.currentTarget as HTMLButtonElement;
  button.disabled = true;
  try {
    await auth.account.resendActivation();
    say(notice, '激活邮件已发送，请查收', 'ok');
  } catch (err) {
    fail(err);
  } finally {
    button.disabled = false;
  }
});

on($('#logout'), 'click', async () => {
  await auth.signOut();
  location.assign('index.html');
});

await requireSignIn();
try {
  await render();
  const params = new URLSearchParams(location.search);
  const hello = params.has('welcome') ? '注册成功，欢迎！' : params.has('linked') ? '微博已绑定' : '';
  say(notice, hello, 'ok');
  if (params.size) history.replaceState(null, '', location.pathname);
} catch (err) {
  fail(err);
}
