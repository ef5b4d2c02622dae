import { api, saveTokens, type Tokens } from './api';
import { $, onSubmit, smsButton } from './ui';

const form = $<HTMLFormElement>('#register-form');
smsButton(form);
onSubmit(form, async (v) => {
  saveTokens((await api<Tokens>('POST', '/v1/users', v)).data);
  location.assign('profile.html?welcome=1');
});
