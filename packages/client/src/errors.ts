import { MESSAGES, type ErrorReason, type Language, type MessageEntry } from './messages.js';

export type { ErrorReason, Language };

/** Reasons the client itself gives: no answer from the API, or a Weibo callback this tab did not start. */
const CLIENT_MESSAGES: Record<string, Pick<MessageEntry, Language>> = {
  network_error: { 'zh-CN': '网络连接失败，请检查网络后重试', en: 'Network error; check the connection and retry' },
  not_signed_in: { 'zh-CN': '请先登录', en: 'Sign in first' },
  weibo_flow_unknown: {
    'zh-CN': '这个微博登录不是从本页面发起的，请重新发起微博登录',
    en: 'This Weibo sign-in was not started here; start it again',
  },
};

/** An ALTCHA (v2) proof-of-work challenge, as sent with `428 captcha_required`. */
export interface CaptchaChallenge {
  parameters: Record<string, unknown> & { algorithm: string; keyPrefix: string };
  signature?: string;
}

export interface AuthErrorInfo {
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  /** The contract's business code (10100 and up), or the status when the answer had none. */
  code: number;
  /** The stable snake_case reason: an `ErrorReason` of the server's table, or one of the client's own. */
  reason: string;
  /** The server's text, in the language asked for with Accept-Language. */
  message: string;
  fields?: Record<string, string>;
  /** Seconds, from `Retry-After`. */
  retryAfter?: number;
  /** With `captcha_required`: the challenge to solve. */
  challenge?: CaptchaChallenge;
}

/** Every failure the client reports: an error answer of the API, or `network_error`. */
export class AuthError extends Error implements AuthErrorInfo {
  readonly status: number;
  readonly code: number;
  readonly reason: AuthErrorInfo['reason'];
  readonly fields?: Record<string, string>;
  readonly retryAfter?: number;
  readonly challenge?: CaptchaChallenge;

  constructor(info: AuthErrorInfo) {
    super(info.message);
    this.name = 'AuthError';
    this.status = info.status;
    this.code = info.code;
    this.reason = info.reason;
    this.fields = info.fields;
    this.retryAfter = info.retryAfter;
    this.challenge = info.challenge;
  }
}

/** The text for a reason from the one message table; the server's own text when the table has none. */
export function messageFor(err: Pick<AuthErrorInfo, 'reason' | 'message'>, language: Language = 'zh-CN'): string {
  const table: Record<string, Pick<MessageEntry, Language>> = MESSAGES;
  return (table[err.reason] ?? CLIENT_MESSAGES[err.reason])?.[language] ?? err.message;
}
