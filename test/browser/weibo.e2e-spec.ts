/** Weibo sign-in through the fake's authorize page: both bind choices, unlink, and link while signed in. */
import { randomInt } from 'node:crypto';
import { newPhone, newUsername, register, sql } from '../support/client.js';
import {
  authorizeAs,
  describeBrowser,
  fillForm,
  pageShot,
  sendCode,
  useBrowser,
  web,
  weiboUser,
  zh,
} from './browser.js';

const PASSWORD = 'correct horse battery';
const newUid = () => String(randomInt(3_000_000_000, 3_900_000_000));
const boundTo = async (uid: string) =>
  (
    await sql(
      `SELECT u.username FROM identities i JOIN users u ON u.id = i.user_id WHERE i.provider = 'weibo' AND i.provider_uid = $1`,
      [uid],
    )
  )[0]?.username;

describeBrowser('Weibo in the browser', () => {
  const b = useBrowser('weibo');
  const existing = { uid: newUid(), username: '' };

  /** From the sign-in page, through the fake Weibo, to the bind choice of a first-time Weibo user. */
  async function firstWeiboLogin(uid: string, screenName: string) {
    await weiboUser(uid, screenName);
    await b.page.goto(web(''));
    await b.page.click('#weibo-login');
    await authorizeAs(b.page, uid);
    await b.page.locator('#bind').waitFor();
    expect(await b.page.textContent('#weibo-name')).toBe(screenName);
  }

  it('first Weibo login → creates a new account with an SMS code', async () => {
    const { page } = b;
    const uid = newUid();
    const phone = newPhone();
    const username = newUsername();
    await firstWeiboLogin(uid, '浏览器测试新用户');
    await pageShot(page, 'weibo-callback');
    await page.fill('#phone', phone);
    const code = await sendCode(page, '#new-form', phone);
    await fillForm(page, '#new-form', { verify: code, username, password: PASSWORD, email: `${username}@example.com` });
    await page.click('#new-form button[type="submit"]');
    await page.waitForURL('**/profile.html');
    await page.locator('#username', { hasText: username }).waitFor();
    await page.locator('[data-provider="weibo"]', { hasText: '浏览器测试新用户' }).waitFor();
    expect(await boundTo(uid)).toBe(username);
  });

  it('first Weibo login → binds an existing account by password', async () => {
    const { page } = b;
    const account = await register({ password: PASSWORD });
    expect(account.answer.status).toBe(201);
    existing.username = account.username;
    await firstWeiboLogin(existing.uid, '浏览器测试老用户');
    await page.click('[data-tab="existing"]');
    await fillForm(page, '#existing-form', { account: account.phone, password: 'wrong password!' });
    await page.click('#existing-form button[type="submit"]');
    await page.locator('#existing-form .msg', { hasText: zh('invalid_credentials') }).waitFor();
    await page.fill('#bind-password', PASSWORD);
    await page.click('#existing-form button[type="submit"]');
    await page.waitForURL('**/profile.html');
    await page.locator('[data-provider="weibo"]', { hasText: '浏览器测试老用户' }).waitFor();
    expect(await boundTo(existing.uid)).toBe(existing.username);

    // Next time the same Weibo user signs straight in (code 200).
    await page.click('#logout');
    await page.waitForURL('**/index.html');
    await page.click('#weibo-login');
    await authorizeAs(page, existing.uid);
    await page.waitForURL('**/profile.html');
    await page.locator('#username', { hasText: existing.username }).waitFor();
  });

  it('unlinks Weibo on the profile, then links it again while signed in', async () => {
    const { page } = b;
    await page.goto(web(''));
    await fillForm(page, '#password-form', { account: existing.username, password: PASSWORD });
    await page.click('#password-form button[type="submit"]');
    await page.locator('[data-provider="weibo"]', { hasText: '浏览器测试老用户' }).waitFor();

    // The unlink is confirmed, then the reauth dialog asks for the password (a sensitive change needs a fresh proof).
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('[data-provider="weibo"] button', { noWaitAfter: true });
    await page.locator('dialog#reauth').waitFor();
    await page.fill('#reauth-password', PASSWORD);
    await page.click('#reauth-form button[type="submit"]');
    await page.locator('#notice', { hasText: '已解除微博绑定' }).waitFor();
    await page.locator('[data-provider="weibo"]', { hasText: '微博：未绑定' }).waitFor();
    expect(await boundTo(existing.uid)).toBeUndefined();

    // "绑定微博" (the proof just given still holds): the callback must carry this user's Bearer token, or the
    // API refuses the link (403 10129).
    await page.click('[data-provider="weibo"] button');
    await authorizeAs(page, existing.uid);
    await page.waitForURL('**/profile.html');
    await page.locator('#notice', { hasText: '微博已绑定' }).waitFor();
    await page.locator('[data-provider="weibo"]', { hasText: '浏览器测试老用户' }).waitFor();
    expect(await boundTo(existing.uid)).toBe(existing.username);
  });
});
