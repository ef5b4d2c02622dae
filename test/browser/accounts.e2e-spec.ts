/** Register, sign in both ways, sign out, silent refresh and email activation, clicked through in Chromium. */
import { call, fakeCall, newPhone, newUsername, requestCode, stack, until } from '../support/client.js';
import {
  describeBrowser,
  fillForm,
  nextSmsCode,
  pageShot,
  sendCode,
  smsCount,
  storedRefreshToken,
  useBrowser,
  web,
  zh,
} from './browser.js';

const PASSWORD = 'correct horse battery';
const user = { phone: newPhone(), username: newUsername(), email: '' };
user.email = `${user.username}@example.com`;

const mailsTo = async (to: string, count: number) =>
  until(async () => {
    const { mails } = await fakeCall<{ mails: Array<{ text: string }> }>(
      stack.fakes.smtpHttp,
      'GET',
      `/_fake/mails?to=${encodeURIComponent(to)}`,
    );
    return mails.length >= count && mails;
  }, `${count} mail(s) to ${to}`);

describeBrowser('accounts in the browser', () => {
  const b = useBrowser('accounts');

  async function signInByPassword(account: string) {
    await b.page.goto(web(''));
    await fillForm(b.page, '#password-form', { account, password: PASSWORD });
    await b.page.click('#password-form button[type="submit"]');
    await b.page.waitForURL('**/profile.html');
    await b.page.locator('#username', { hasText: user.username }).waitFor();
  }

  it('registers with an SMS code read from the fake Ronglian, with inline errors and a countdown that honours Retry-After', async () => {
    const { page } = b;
    await page.goto(web('register.html'));
    await page.click('#register-form button[type="submit"]');
    // The envelope's `fields` land under their inputs, in Chinese.
    await page.locator('[data-err="username"]', { hasText: '3–20 位' }).waitFor();
    await page.locator('[data-err="phone"]', { hasText: '手机号' }).waitFor();
    await page.locator('#register-form .msg', { hasText: zh('invalid_parameters') }).waitFor();

    // A code was just sent to this phone elsewhere: the API answers 429 10111 with Retry-After.
    await requestCode(user.phone);
    await page.fill('#phone', user.phone);
    const before = await smsCount(user.phone);
    await page.click('.send-code');
    await page.locator('[data-err="phone"]', { hasText: zh('sms_too_frequent') }).waitFor();
    await page.locator('.send-code:disabled', { hasText: /\d+ 秒后重发/ }).waitFor();
    await page.locator('.send-code:enabled', { hasText: '重新发送' }).waitFor({ timeout: 5000 });
    await page.click('.send-code');
    await page.locator('.send-code:disabled', { hasText: /\d+ 秒后重发/ }).waitFor();
    const code = await nextSmsCode(user.phone, before);

    await fillForm(page, '#register-form', {
      verify: code === '000000' ? '111111' : '000000',
      username: user.username,
      password: PASSWORD,
      email: user.email,
    });
    await page.click('#register-form button[type="submit"]');
    await page.locator('[data-err="verify"]', { hasText: zh('sms_code_invalid') }).waitFor();
    await pageShot(page, 'register');
    await page.fill('#verify', code);
    await page.click('#register-form button[type="submit"]');

    await page.waitForURL('**/profile.html');
    await page.locator('#notice', { hasText: '注册成功' }).waitFor();
    expect(await page.textContent('#username')).toBe(user.username);
    expect(await page.textContent('#phone')).toBe(`${user.phone.slice(0, 3)}****${user.phone.slice(7)}`);
    expect(await page.textContent('#email')).toBe(user.email);
    expect(await page.textContent('#email-state')).toBe('未验证');
    expect(await page.isVisible('#resend')).toBe(true);
    expect(await page.textContent('#identities')).toContain('微博：未绑定');
  });

  it('signs in by password (wrong, then by phone: an unverified email signs nothing in), reloads signed in, and signs out revoking the session', async () => {
    const { page } = b;
    await page.goto(web(''));
    await fillForm(page, '#password-form', { account: user.username, password: 'not the password' });
    await page.click('#password-form button[type="submit"]');
    await page.locator('#password-form .msg', { hasText: zh('invalid_credentials') }).waitFor();
    await pageShot(page, 'login');

    await signInByPassword(user.phone);
    await page.reload(); // the access token lived in memory only; the stored refresh token gets a new one
    await page.locator('#username', { hasText: user.username }).waitFor();
    const refreshToken = await storedRefreshToken(page);
    expect(refreshToken).toEqual(expect.any(String));

    await page.click('#logout');
    await page.waitForURL('**/index.html');
    expect(await storedRefreshToken(page)).toBeNull();
    expect((await call('POST', '/v1/tokens/refresh', { refresh_token: refreshToken })).status).toBe(401);
    await page.goto(web('profile.html'));
    await page.waitForURL('**/index.html'); // signed out: the profile sends you to sign in
  });

  it('signs in by SMS code', async () => {
    const { page } = b;
    await page.goto(web(''));
    await page.click('[data-tab="sms"]');
    await page.fill('#sms-phone', user.phone);
    const code = await sendCode(page, '#sms-form', user.phone);
    await page.locator('#sms-form .send-code:disabled', { hasText: /\d+ 秒后重发/ }).waitFor();
    await page.fill('#sms-verify', code);
    await page.click('#sms-form button[type="submit"]');
    await page.waitForURL('**/profile.html');
    await page.locator('#username', { hasText: user.username }).waitFor();
  });

  it('refreshes the access token once on a 401 and carries on', async () => {
    const { page } = b;
    await signInByPassword(user.username);
    let refreshes = 0;
    page.on('request', (r) => void (r.url().endsWith('/v1/tokens/refresh') && refreshes++));
    let refused = false;
    await page.route('**/v1/users/me', async (route) => {
      if (refused) return route.continue();
      refused = true; // the access token "expired" between two requests
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ code: 10117, error: { reason: 'invalid_token', message: 'expired' } }),
      });
    });
    const before = await storedRefreshToken(page);
    await page.reload();
    await page.locator('#username', { hasText: user.username }).waitFor();
    expect(refused).toBe(true);
    expect(refreshes).toBe(2); // one for the new page (memory only), one after the 401
    expect(await storedRefreshToken(page)).not.toBe(before);
  });

  it('activates the email from the fake SMTP sink\'s mail link, after "resend activation"', async () => {
    const { page } = b;
    await mailsTo(user.email, 1);
    await signInByPassword(user.username);
    await page.click('#resend');
    await page.locator('#notice', { hasText: '激活邮件已发送' }).waitFor();
    const mails = await mailsTo(user.email, 2);
    const link = /https?:\/\/\S+/.exec(mails[mails.length - 1].text)![0];
    expect(link.startsWith(`${stack.api}/active.html?code=`)).toBe(true);

    await page.goto(link);
    await page.locator('#status', { hasText: `${user.username}，你的邮箱已激活` }).waitFor();
    await pageShot(page, 'active');
    expect(page.url()).toBe(web('active.html')); // the code left the address bar
    await page.goto(link); // single use
    await page.locator('#status', { hasText: zh('activation_code_invalid') }).waitFor();
    await page.click('#next');
    await page.waitForURL('**/profile.html');
    await page.locator('#email-state', { hasText: '已验证' }).waitFor();
    expect(await page.isVisible('#resend')).toBe(false);
  });
});
