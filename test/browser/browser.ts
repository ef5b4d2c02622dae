/**
 * Headless Chromium for the browser specs: Debian's /usr/bin/chromium driven by playwright-core (its own
 * browser download is impossible here). One browser per spec file, a fresh context (storage, cookies) per
 * test, a phone-sized viewport, and a screenshot of each test's last page in test-artifacts/screenshots.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MESSAGES, type ErrorReason } from '../../packages/client/src/messages.js';
import { closeClients, fakeCall, newIp, ronglian, stack, until } from '../support/client.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-artifacts/screenshots';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's chromium when it is missing and we may (root with apt-get); false if that fails. */
function ensureChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  try {
    if (process.getuid?.() === 0) {
      execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei'], {
        stdio: 'ignore',
        timeout: 300_000,
      });
    }
  } catch {
    /* reported below */
  }
  if (existsSync(CHROMIUM)) return true;
  console.warn(
    `SKIPPED: the browser specs need ${CHROMIUM} (Debian's chromium), which is missing and could not be installed (apt-get install -y chromium).`,
  );
  return false;
}

const available = ensureChromium();
/** `describe`, or `describe.skip` (with the warning above) when there is no Chromium. */
export const describeBrowser = available ? describe : describe.skip;

export interface BrowserHandle {
  /** The current test's page (a fresh context each test). */
  readonly page: Page;
  readonly context: BrowserContext;
}

/** Call once at the top of a spec file: launches the browser and manages a context per test. */
export function useBrowser(spec: string): BrowserHandle {
  let browser: Browser | undefined;
  const handle = {} as { page: Page; context: BrowserContext };
  jest.setTimeout(30_000);
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // playwright gives every launch a fresh, empty profile directory of its own (--user-data-dir).
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 20_000 });
  }, 30_000);
  beforeEach(async () => {
    handle.context = await browser!.newContext({
      viewport: { width: 375, height: 740 },
      locale: 'zh-CN',
      // Each test is a different client for the API's per-IP limits (the test API trusts one proxy hop).
      extraHTTPHeaders: { 'x-forwarded-for': newIp() },
    });
    handle.context.setDefaultTimeout(10_000);
    handle.page = await handle.context.newPage();
    handle.page.on('pageerror', (err) => console.error(`[${spec}] page error: ${err.message}`));
  });
  afterEach(async () => {
    const name = (expect.getState().currentTestName ?? 'test')
      .replace(/[^\w]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80);
    await handle.page.screenshot({ path: `${SHOTS}/${spec}--${name}.png`, fullPage: true }).catch(() => undefined);
    await handle.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await closeClients();
  });
  return handle;
}

export const web = (path: string) => `${stack.api}/${path}`;

/** The next SMS code sent to `phone`, read from the fake Ronglian as a user reads their phone. */
export async function nextSmsCode(phone: string, before: number): Promise<string> {
  const messages = await until(async () => {
    const all = await ronglian.messages(phone);
    return all.length > before && all;
  }, `an SMS to ${phone}`);
  return messages[messages.length - 1].datas[0];
}

export const smsCount = async (phone: string) => (await ronglian.messages(phone)).length;

/** Clicks "发送验证码" in `form` and returns the code that arrives. */
export async function sendCode(page: Page, form: string, phone: string): Promise<string> {
  const before = await smsCount(phone);
  await page.click(`${form} .send-code`);
  return nextSmsCode(phone, before);
}

/** Adds a Weibo test user to the fake, so it is listed on the fake's authorize page. */
export async function weiboUser(uid: string, screenName: string): Promise<void> {
  await fakeCall(stack.fakes.weibo, 'POST', '/_fake/codes', { uid, screen_name: screenName });
}

/** On the fake Weibo's authorize page: picks the test user `uid` ("以此用户授权"). */
export async function authorizeAs(page: Page, uid: string): Promise<void> {
  await page.waitForURL(`${stack.fakes.weibo}/oauth2/authorize**`);
  await page.click(`button[name="uid"][value="${uid}"]`);
  await page.waitForURL(`${stack.api}/callback.html**`);
}

export async function fillForm(page: Page, form: string, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await page.fill(`${form} [name="${name}"]`, value);
}

export const REFRESH_KEY = 'nest-auth.refresh_token';
export const storedRefreshToken = (page: Page) =>
  page.evaluate<string | null>(`localStorage.getItem('${REFRESH_KEY}')`);

/** The Chinese text the pages show for a reason: the server's one table, as the SPA reads it. */
export const zh = (reason: ErrorReason) => MESSAGES[reason]['zh-CN'];

/**
 * A screenshot of a whole page for the docs: always in test-artifacts/screenshots/pages, and in
 * docs/screenshots when UPDATE_SCREENSHOTS=1 (so a test run leaves the working tree as it was).
 */
export async function pageShot(page: Page, name: string): Promise<void> {
  mkdirSync(`${SHOTS}/pages`, { recursive: true });
  const buffer = await page.screenshot({ path: `${SHOTS}/pages/${name}.png`, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync('docs/screenshots', { recursive: true });
    writeFileSync(`docs/screenshots/${name}.png`, buffer);
  }
}

/** Signs in on the sign-in page by password and waits for the profile. */
export async function signInAs(page: Page, account: string, password: string): Promise<void> {
  await page.goto(web(''));
  await fillForm(page, '#password-form', { account, password });
  await page.click('#password-form button[type="submit"]');
  await page.waitForURL('**/profile.html');
  await page.locator('#details').waitFor();
}
