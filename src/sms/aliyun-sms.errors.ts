import type { SmsFailureKind } from './sms-provider.js';

/**
 * Alibaba `Code` values other than `OK` (docs/providers/aliyun.md, "Error codes"). Only refusals that happen
 * before processing are retried (with a new signature); `InternalError` and `SignatureNonceUsed` say the
 * request may have been processed, so they are `unknown`. Everything else (frequency limits, signature,
 * template, credentials, balance) is given up.
 */
const RETRY = new Set(['ServiceUnavailable', 'isp.SYSTEM_ERROR']);
const UNKNOWN = new Set(['InternalError', 'SignatureNonceUsed']);

export function classifyAliyun(code: string): SmsFailureKind {
  if (RETRY.has(code) || code.startsWith('Throttling')) return 'retry';
  if (UNKNOWN.has(code)) return 'unknown';
  return 'give_up';
}
