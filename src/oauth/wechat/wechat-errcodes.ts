import { ProviderError } from '../../common/errors/index.js';

export type WechatOutcome =
  'code_invalid' | 'blocked' | 'busy' | 'rate_limited' | 'misconfigured' | 'quota' | 'unknown';

// docs/providers/wechat.md, how we map errors. 41008 (missing code) cannot come from us (the DTO requires it) but means the same.
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

/** 45011 asks to "retry next minute" (docs/providers/wechat.md, error codes). */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

export function wechatError(outcome: WechatOutcome): ProviderError {
  switch (outcome) {
    case 'code_invalid':
      return new ProviderError('wechat', 'code_invalid');
    case 'blocked':
      return new ProviderError('wechat', 'blocked');
    case 'rate_limited':
      return new ProviderError('wechat', 'unavailable', RATE_LIMIT_RETRY_AFTER_SECONDS);
    case 'misconfigured':
      return new ProviderError('wechat', 'misconfigured');
    default:
      return new ProviderError('wechat', 'unavailable');
  }
}
