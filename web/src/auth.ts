/**
 * The SPA's one client of the API: @nest-auth-cn/client (packages/client) with the browser adapter. The
 * access token lives in memory only; the refresh token in localStorage; refreshes are single-flight across
 * tabs (Web Locks). See docs/guides/spa.md.
 */
import { browser, createAuthClient } from '@nest-auth-cn/client';
import { solveCaptcha } from './captcha';
import { askReauth } from './reauth';

export const auth = createAuthClient({
  baseUrl: '', // the API serves these pages on its own origin
  ...browser(),
  language: 'zh-CN',
  onCaptcha: (challenge) => solveCaptcha(challenge),
  onReauthRequired: () => askReauth(),
  // The session ended elsewhere (signed out, revoked, password changed): sign in again.
  onSignedOut: () => location.replace('index.html?expired=1'),
});
