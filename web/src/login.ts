import { auth } from './auth';
import { $, on, onSubmit, reasonText, say, smsButton, tabs } from './ui';

if (await auth.isSignedIn()) location.replace('profile.html');
if (new URLSearchParams(location.search).has('expired')) say($('#weibo-msg'), '登录已失效，请重新登录', 'info');

const done = () => location.assign('profile.html');

tabs($('#login'));
onSubmit($<HTMLFormElement>('#password-form'), async (v) => {
  await auth.signIn.password({ account: v.account, password: v.password });
  done();
});

const smsForm = $<HTMLFormElement>('#sms-form');
smsButton(smsForm);
onSubmit(smsForm, async (v) => {
  await auth.signIn.sms({ phone: v.phone, verify: v.verify });
  done();
});

on($('#weibo-login'), 'click', async () => {
  try {
    location.assign(await auth.weibo.start());
  } catch (err) {
    say($('#weibo-msg'), reasonText(err), 'error');
  }
});
