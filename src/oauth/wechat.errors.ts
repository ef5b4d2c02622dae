import { AppError, Errors } from '../common/app-error.js';

/** Client-facing errors of the WeChat login (codes 10140–10141; provider failures keep 10113). */
export const wechatErrors = {
  codeInvalid: () =>
    new AppError(
      400,
      10140,
      'wechat_code_invalid',
      'The WeChat login code is invalid, expired or already used; call wx.login again',
    ),
  loginBlocked: () => new AppError(403, 10141, 'wechat_login_blocked', 'WeChat refused the login of this user'),
  unavailable: (retryAfter?: number) => Errors.providerUnavailable('WeChat', retryAfter),
  misconfigured: () => Errors.providerMisconfigured('WeChat'),
  notConfigured: () =>
    new AppError(503, 10113, 'provider_not_configured', 'WeChat login is not configured on this server'),
};

export type WechatOutcome =
  'code_invalid' | 'blocked' | 'busy' | 'rate_limited' | 'misconfigured' | 'quota' | 'unknown';

// Contract §3.1 and §3.4. 41008 (missing code) cannot come from us (the DTO requires it) but means the same.
const OUTCOMES: Record<number, WechatOutcome> = {
  40029: 'code_invalid',
  40163: 'code_invalid',
  42003: 'code_invalid',
  41008: 'code_invalid',
  40226: 'blocked',
  [-1]: 'busy',
  45011: 'rate_limited',
  45009: 'quota',
  40013: 'misconfigured',
  40125: 'misconfigured',
  40002: 'misconfigured',
  41002: 'misconfigured',
  41004: 'misconfigured',
};

export function classifyWechat(errcode: number): WechatOutcome {
  return OUTCOMES[errcode] ?? 'unknown';
}

/** 45011 asks to "retry next minute" (§3.1). */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

export function wechatError(outcome: WechatOutcome): AppError {
  switch (outcome) {
    case 'code_invalid':
      return wechatErrors.codeInvalid();
    case 'blocked':
      return wechatErrors.loginBlocked();
    case 'rate_limited':
      return wechatErrors.unavailable(RATE_LIMIT_RETRY_AFTER_SECONDS);
    case 'misconfigured':
      return wechatErrors.misconfigured();
    default:
      return wechatErrors.unavailable();
  }
}
