/**
 * Every account flow of the SPA, clicked through in Chromium against the real API: forgot password, profile,
 * password/phone/email changes (with the reauth dialog when the API asks), sessions and the security-event
 * log, account deletion, and the ALTCHA dialog on 428 captcha_required. Each page is screenshotted (pageShot).
 */
import { createChallenge, pbkdf2 } from 'altcha/lib';
import type { Page } from 'playwright-core';
import { call, newPhone, register, sql } from '../support/client.js';
import {
  describeBrowser,
  fillForm,
  nextSmsCode,
  pageShot,
  sendCode,
  signInAs,
  smsCount,
  storedRefreshToken,
  useBrowser,
  web,
  zh,
} from './browser.js';

const PASSWORD = 'correct horse battery';

/** Server features of contract v1.1 not yet on this branch's server: their tests are skipped until they land. */
const PENDING_SERVER: ReadonlyArray<string> = ['captcha'];
const whenServer = (feature: string) => (PENDING_SERVER.includes(feature) ? it.skip : it);

const userRow = async (username: string) =>
  (await sql('SELECT * FROM users WHERE username = $1', [username]))[0] as Record<string, unknown> | undefined;

/** When the API asks for proof (403 reauth_required), the dialog opens: answer it with the password. */
async function proveIfAsked(page: Page, done: string): Promise<void> {
  const dialog = page.locator('dialog#reauth');
  const finished = page.locator(done);
  await Promise.race([dialog.waitFor(), finished.waitFor()]);
  if (await dialog.isVisible()) {
    await page.fill('#reauth-password', PASSWORD);
    await page.click('#reauth-form button[type="submit"]');
  }
  await finished.waitFor();
}

describeBrowser('account management in the browser', () => {
  const b = useBrowser('account');

  it('forgot password: a code to the phone, a new password; every session ends', async () => {
    const { page } = b;
    const user = await register({ password: PASSWORD });
    await new Promise((r) => setTimeout(r, 2100)); // the phone's resend cooldown (SMS_COOLDOWN=2 in e2e)
    await page.goto(web(''));
    await page.click('a[href="reset.html"]');
    await page.waitForURL('**/reset.html');
    await page.fill('#phone', user.phone);
    const code = await sendCode(page, '#reset-form', user.phone);
    await fillForm(page, '#reset-form', { verify: code, password: 'a fresh new passphrase' });
    await pageShot(page, 'reset');
    await page.click('#reset-form button[type="submit"]');
    await page.locator('#done', { hasText: '密码已重置' }).waitFor();
    expect(
      (await call('POST', '/v1/tokens/refresh', { refresh_token: user.answer.body.data.refresh_token })).status,
    ).toBe(401);
    await signInAs(page, user.username, 'a fresh new passphrase');
  });

  it('edits the profile: nickname, gender, birthday, signature', async () => {
    const { page } = b;
    const user = await register({ password: PASSWORD });
    await signInAs(page, user.username, PASSWORD);
    await fillForm(page, '#profile-form', { nickname: '小明', birthday: '1990-05-01', signature: '你好，世界' });
    await page.selectOption('#gender-input', 'male');
    await page.click('#profile-form button[type="submit"]');
    await page.locator('#profile-form .msg', { hasText: '资料已保存' }).waitFor();
    await page.locator('#nickname', { hasText: '小明' }).waitFor();
    await pageShot(page, 'profile');
    const row = await userRow(user.username);
    expect(row).toMatchObject({ nickname: '小明', gender: 'male', signature: '你好，世界' });
  });

  it('changes the password (other sessions end), the phone (code to the new phone) and the email', async () => {
    const { page } = b;
    const user = await register({ password: PASSWORD });
    await signInAs(page, user.username, PASSWORD);
    await page.click('a[href="security.html"]');
    await page.locator('#details').waitFor();
    await pageShot(page, 'security');

    const phone = newPhone();
    await page.fill('#phone', phone);
    const code = await sendCode(page, '#phone-form', phone);
    await page.fill('#verify', code);
    await page.click('#phone-form button[type="submit"]');
    await proveIfAsked(page, '#phone-form .msg.ok');
    expect((await userRow(user.username))?.phone).toContain(phone);

    const email = `new_${user.username}@example.com`;
    await page.fill('#email', email);
    await page.click('#email-form button[type="submit"]');
    await proveIfAsked(page, '#email-form .msg.ok');
    expect(await userRow(user.username)).toMatchObject({ email, email_verified: false });

    await fillForm(page, '#password-form', { old_password: 'not my password', password: 'another good passphrase' });
    await page.click('#password-form button[type="submit"]');
    await page.locator('#password-form .msg', { hasText: zh('invalid_credentials') }).waitFor();
    await fillForm(page, '#password-form', { old_password: PASSWORD, password: 'another good passphrase' });
    await page.click('#password-form button[type="submit"]');
    await page.locator('#password-form .msg', { hasText: '密码已修改' }).waitFor();
    const registration = user.answer.body.data.refresh_token;
    expect((await call('POST', '/v1/tokens/refresh', { refresh_token: registration })).status).toBe(401);
    await page.reload(); // this tab carries on with the new pair
    await page.locator('#details').waitFor();
  });

  whenServer('reauth')(
    'a phone change asks for proof first: the reauth dialog with an SMS code to the current phone',
    async () => {
      const { page } = b;
      const user = await register({ password: PASSWORD });
      await signInAs(page, user.username, PASSWORD);
      await page.goto(web('security.html'));
      await page.locator('#details').waitFor();
      await new Promise((r) => setTimeout(r, 2100)); // the registration code's resend cooldown (SMS_COOLDOWN=2)
      const phone = newPhone();
      await page.fill('#phone', phone);
      await page.fill('#verify', await sendCode(page, '#phone-form', phone));
      await page.click('#phone-form button[type="submit"]');
      await page.locator('dialog#reauth').waitFor();
      await page.click('#reauth [data-tab="sms"]');
      const before = await smsCount(user.phone);
      await page.click('#reauth .send-code');
      const code = await nextSmsCode(user.phone, before);
      await pageShot(page, 'reauth-dialog');
      await page.fill('#reauth-verify', code);
      await page.click('#reauth-form button[type="submit"]');
      await page.locator('#phone-form .msg.ok').waitFor();
      expect((await userRow(user.username))?.phone).toContain(phone);
    },
  );

  it('lists sessions with the security log; signs one out, then every other', async () => {
    const { page } = b;
    const user = await register({ password: PASSWORD });
    const phoneApp = await call(
      'POST',
      '/v1/tokens',
      { account: user.username, password: PASSWORD },
      {
        headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1' },
      },
    );
    await signInAs(page, user.username, PASSWORD);
    await page.click('a[href="sessions.html"]');
    await page.locator('#sessions li').nth(2).waitFor(); // registration, the phone, this browser
    await page.locator('#sessions li', { hasText: '（本机）' }).waitFor();
    await page.locator('#events li[data-type="registered"]').waitFor();
    await page.locator('#events li[data-type="signed_in"]').first().waitFor();
    await pageShot(page, 'sessions');

    await page.locator('#sessions li', { hasText: 'iPhone' }).locator('button').click();
    await page.locator('#notice', { hasText: '已退出该设备' }).waitFor();
    expect(await page.locator('#sessions li').count()).toBe(2);
    expect((await call('POST', '/v1/tokens/refresh', { refresh_token: phoneApp.body.data.refresh_token })).status).toBe(
      401,
    );

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#revoke-all', { noWaitAfter: true });
    await page.locator('#notice', { hasText: '其他设备均已退出' }).waitFor();
    expect(await page.locator('#sessions li').count()).toBe(1);
    await page.locator('#events li[data-type="session_revoked"]').first().waitFor();
    const registration = user.answer.body.data.refresh_token;
    expect((await call('POST', '/v1/tokens/refresh', { refresh_token: registration })).status).toBe(401);
  });

  it('deletes the account with the password; the username and phone are free again', async () => {
    const { page } = b;
    const user = await register({ password: PASSWORD });
    await signInAs(page, user.username, PASSWORD);
    await page.click('a[href="delete.html"]');
    await page.locator('#who', { hasText: user.username }).waitFor();
    await page.fill('#password', PASSWORD);
    await page.click('#delete-form button[type="submit"]');
    await page.locator('#delete-form .msg', { hasText: '请先勾选' }).waitFor();
    expect(await userRow(user.username)).toBeDefined();
    await page.check('[name="confirm"]');
    await pageShot(page, 'delete');
    await page.click('#delete-form button[type="submit"]');
    await page.waitForURL('**/index.html?deleted=1');
    expect(await userRow(user.username)).toBeUndefined();
    expect((await register({ username: user.username, phone: user.phone })).answer.status).toBe(201);
  });

  it('an email change asks for proof: the reauth dialog takes the password, the change goes again with X-Reauth-Token', async () => {
    const { page } = b;
    const user = await register({ password: PASSWORD });
    await signInAs(page, user.username, PASSWORD);
    const seen: Array<{ path: string; reauth?: string }> = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path === '/v1/users/me/email' || path === '/v1/users/me/reauth') {
        seen.push({ path, reauth: r.headers()['x-reauth-token'] });
      }
    });
    await page.goto(web('security.html'));
    await page.locator('#details').waitFor();
    const email = `dialog_${user.username}@example.com`;
    await page.fill('#email', email);
    await page.click('#email-form button[type="submit"]');
    await page.locator('dialog#reauth').waitFor();
    await page.fill('#reauth-password', 'not my password');
    await page.click('#reauth-form button[type="submit"]');
    await page.locator('#reauth-form .msg', { hasText: zh('invalid_credentials') }).waitFor();
    expect((await userRow(user.username))?.email).toBe(user.email); // nothing changed yet
    await page.fill('#reauth-password', PASSWORD);
    await pageShot(page, 'reauth-dialog');
    await page.click('#reauth-form button[type="submit"]');
    await page.locator('#email-form .msg.ok').waitFor();
    expect(seen).toEqual([
      { path: '/v1/users/me/email', reauth: undefined },
      { path: '/v1/users/me/reauth', reauth: undefined },
      { path: '/v1/users/me/reauth', reauth: undefined },
      { path: '/v1/users/me/email', reauth: expect.any(String) },
    ]);
    expect((await userRow(user.username))?.email).toBe(email);
  });

  it('on 401 session_revoked forgets the tokens and sends the user to sign in again', async () => {
    const { page } = b;
    const user = await register({ password: PASSWORD });
    await signInAs(page, user.username, PASSWORD);
    // The API of contract v1.1 refuses an ended session's access token at once with this answer.
    await page.route('**/v1/users/me/sessions', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ code: 10132, error: { reason: 'session_revoked', message: '会话已结束，请重新登录' } }),
      }),
    );
    await page.goto(web('sessions.html'));
    await page.waitForURL('**/index.html?expired=1');
    await page.locator('#weibo-msg', { hasText: '登录已失效' }).waitFor();
    expect(await storedRefreshToken(page)).toBeNull();
  });

  it('on 428 captcha_required shows the ALTCHA widget, solves the challenge and sends the code with `captcha`', async () => {
    const { page } = b;
    // The server's captcha is not asked for in this test setup: answer the first request with a real ALTCHA
    // v2 challenge, as the API does, and let the repeated one through.
    // The server's format: PBKDF2/SHA-256, the counter picked by the server and the derived key signed.
    const challenge = await createChallenge({
      algorithm: 'PBKDF2/SHA-256',
      cost: 100,
      counter: 40,
      deriveKey: pbkdf2.deriveKey,
      expiresAt: Math.floor(Date.now() / 1000) + 300,
      hmacSignatureSecret: 'test-only',
      hmacKeySignatureSecret: 'test-only-key',
    });
    const bodies: Array<Record<string, string>> = [];
    await page.route('**/v1/users/sms/code', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, string>;
      bodies.push(body);
      if (!body.captcha) {
        return route.fulfill({
          status: 428,
          contentType: 'application/json',
          body: JSON.stringify({
            code: 10133,
            error: { reason: 'captcha_required', message: '请先完成人机验证', challenge },
          }),
        });
      }
      const { captcha: _solved, ...rest } = body;
      return route.continue({ postData: JSON.stringify(rest) });
    });
    const phone = newPhone();
    await page.goto(web('register.html'));
    await page.fill('#phone', phone);
    await page.click('.send-code');
    await page.locator('dialog.captcha[open]').waitFor();
    await pageShot(page, 'captcha-dialog');
    await page.locator('#register-form .msg', { hasText: '验证码已发送' }).waitFor({ timeout: 20_000 });
    expect(bodies).toHaveLength(2);
    const payload = JSON.parse(Buffer.from(bodies[1].captcha, 'base64').toString('utf8'));
    expect(payload).toMatchObject({
      challenge: { parameters: { nonce: challenge.parameters.nonce } },
      solution: { counter: 40 },
    });
  });

  whenServer('captcha')(
    'the real API asks for the captcha after a few codes from one address, and takes the solved one',
    async () => {
      const { page } = b;
      await page.goto(web('register.html'));
      for (let i = 0; ; i++) {
        await page.fill('#phone', newPhone());
        await page.click('.send-code');
        const asked = page.locator('dialog.captcha[open]');
        const sent = page.locator('#register-form .msg', { hasText: '验证码已发送' });
        await Promise.race([asked.waitFor(), sent.waitFor()]);
        if (await asked.isVisible()) break;
        expect(i).toBeLessThan(5);
        await page.reload();
      }
      await page.locator('#register-form .msg', { hasText: '验证码已发送' }).waitFor({ timeout: 30_000 });
    },
  );
});
