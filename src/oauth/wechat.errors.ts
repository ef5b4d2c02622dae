import { AppError, fail } from '../common/errors/index.js';

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
      return fail('wechat_code_invalid');
    case 'blocked':
      return fail('wechat_login_blocked');
    case 'rate_limited':
      return fail('provider_unavailable', { retryAfter: RATE_LIMIT_RETRY_AFTER_SECONDS });
    case 'misconfigured':
      return fail('provider_misconfigured');
    default:
      return fail('provider_unavailable');
  }
}
