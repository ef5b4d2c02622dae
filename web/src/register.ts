import { auth } from './auth';
import { $, onSubmit, smsButton } from './ui';

const form = $<HTMLFormElement>('#register-form');
smsButton(form);
onSubmit(form, async (v) => {
  await auth.register({ username: v.username, password: v.password, phone: v.phone, email: v.email, verify: v.verify });
  location.assign('profile.html?welcome=1');
});
