import { ApiError, api, saveTokens, signedIn, type Tokens } from './api';
import { reasonText } from './messages';
import { $, onSubmit, say, smsButton, tabs } from './ui';
import { goToWeibo } from './weibo';

if (signedIn()) location.replace('profile.html');

const done = (tokens: Tokens) => {
  saveTokens(tokens);
  location.assign('profile.html');
};

tabs($('#login'));
const passwordForm = $<HTMLFormElement>('#password-form');
onSubmit(passwordForm, async (v) => done((await api<Tokens>('POST', '/v1/tokens', v)).data));

const smsForm = $<HTMLFormElement>('#sms-form');
smsButton(smsForm);
onSubmit(smsForm, async (v) => done((await api<Tokens>('POST', '/v1/tokens/sms', v)).data));

$('#weibo-login').addEventListener('click', () =>
  goToWeibo(false).catch((err) =>
    say($('#weibo-msg'), err instanceof ApiError ? reasonText(err.info) : '出错了', 'error'),
  ),
);
