/** Password, phone and email changes; the API asks for proof first where needed (the reauth dialog). */
import type { Profile } from '@nest-auth-cn/client';
import { auth } from './auth';
import { $, maskPhone, onSubmit, reasonText, requireSignIn, say, smsButton } from './ui';

const notice = $('#notice');

function show(p: Profile): void {
  $('#old-password-row').hidden = !p.has_password;
  $('#password-title').textContent = p.has_password ? '修改密码' : '设置密码';
  $('#current-phone').textContent = `当前：${maskPhone(p.phone)}`;
  $('#current-email').textContent = `当前：${p.email ?? '未填写'}`;
  $('#details').hidden = false;
}

const passwordForm = $<HTMLFormElement>('#password-form');
onSubmit(passwordForm, async (v) => {
  await auth.password.change(
    v.old_password ? { old_password: v.old_password, password: v.password } : { password: v.password },
  );
  passwordForm.reset();
  show(await auth.account.me());
  say($('.msg', passwordForm), '密码已修改，其他设备已退出登录', 'ok');
});

const phoneForm = $<HTMLFormElement>('#phone-form');
smsButton(phoneForm);
onSubmit(phoneForm, async (v) => {
  await auth.account.changePhone({ phone: v.phone, verify: v.verify });
  phoneForm.reset();
  show(await auth.account.me());
  say($('.msg', phoneForm), '手机号已更换', 'ok');
});

const emailForm = $<HTMLFormElement>('#email-form');
onSubmit(emailForm, async (v) => {
  const { email } = await auth.account.changeEmail({ email: v.email });
  emailForm.reset();
  show(await auth.account.me());
  say($('.msg', emailForm), `激活邮件已发送到 ${email}，请查收`, 'ok');
});

await requireSignIn();
try {
  show(await auth.account.me());
  say(notice, '', 'info');
} catch (err) {
  say(notice, reasonText(err), 'error');
}
