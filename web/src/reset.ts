/** Forgot password: a code to the account's phone, then a new password. Every session of the account ends. */
import { auth } from './auth';
import { $, onSubmit, say, smsButton } from './ui';

const form = $<HTMLFormElement>('#reset-form');
smsButton(form);
onSubmit(form, async (v) => {
  await auth.password.reset({ phone: v.phone, verify: v.verify, password: v.password });
  await auth.signOut(); // this browser's session ended with the others
  form.hidden = true;
  say($('#done'), '密码已重置，所有设备都已退出登录，请用新密码登录', 'ok');
  $('#done-links').hidden = false;
});
