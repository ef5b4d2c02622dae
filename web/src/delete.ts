/** Account deletion, confirmed with the password or an SMS code to the account's phone. */
import { auth } from './auth';
import { $, maskPhone, onSubmit, reasonText, requireSignIn, say, smsButton, tabs } from './ui';

const form = $<HTMLFormElement>('#delete-form');
tabs($('#delete-page'));

await requireSignIn();
try {
  const me = await auth.account.me();
  $('#who').textContent = me.username;
  $('#phone').textContent = maskPhone(me.phone);
  if (!me.has_password) $('[data-tab="sms"]').click();
  $('[data-tab="password"]').hidden = !me.has_password;
  $('[data-tab="sms"]').hidden = !me.phone;
  smsButton(form, () => auth.sms.send(me.phone ?? ''));
} catch (err) {
  say($('.msg', form), reasonText(err), 'error');
}

onSubmit(form, async (v) => {
  if (v.confirm !== 'yes') return say($('.msg', form), '请先勾选"我已了解注销后无法恢复"', 'error');
  const bySms = !$('[data-panel="sms"]').hidden;
  await auth.account.delete(bySms ? { verify: v.verify } : { password: v.password });
  location.replace('index.html?deleted=1');
});
