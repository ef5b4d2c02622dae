import type { SmsFailureKind } from './sms-provider.js';

/**
 * Tencent error codes, whether in `Response.Error` or in a number's `SendStatusSet` entry (docs/providers/tencent.md,
 * "Error codes"). Only the API rate limit is refused before processing; every `InternalError*` (even `.Timeout`)
 * may follow a message that went out, and Tencent has nothing that would stop a second one.
 */
export function classifyTencent(code: string): SmsFailureKind {
  if (code.startsWith('RequestLimitExceeded')) return 'retry';
  if (code.startsWith('InternalError')) return 'unknown';
  return 'give_up';
}
