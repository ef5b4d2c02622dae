/**
 * The one shape every SMS gateway has (docs/providers/*.md): the worker and the processors only see this.
 * A gateway never throws for a provider's answer; it classifies it.
 */
export type SmsNotice = 'phone_changed' | 'password_changed' | 'password_reset';

export interface CodeSms {
  /** Our request id: Ronglian's `reqId`, Alibaba's `OutId`, Tencent's `SessionContext`. */
  requestId: string;
  /** `+86…` */
  phone: string;
  code: string;
  ttlMinutes: number;
}

export interface NoticeSms {
  requestId: string;
  phone: string;
  notice: SmsNotice;
}

/**
 * - `retry`: provably not sent (never reached the provider, or refused before processing): safe to send again.
 * - `give_up`: refused for good (limits, signature, template, credentials): sending again cannot help.
 * - `unknown`: the provider may or may not have sent it, and nothing would stop a second copy: never resend.
 */
export type SmsFailureKind = 'retry' | 'give_up' | 'unknown';

export type SmsSendResult =
  | { ok: true; messageId: string }
  | {
      ok: false;
      kind: SmsFailureKind;
      /** e.g. `aliyun_isv.BUSINESS_LIMIT_CONTROL`, `network_timeout` */ reason: string;
    };

export interface SmsProvider {
  readonly name: 'ronglian' | 'aliyun' | 'tencent' | 'log';
  /** Ronglian refuses a repeated `reqId`, so an ambiguous attempt may simply be retried. */
  readonly deduplicates: boolean;
  sendCode(sms: CodeSms): Promise<SmsSendResult>;
  /** Only called while the driver's notice template is set (`noticeTemplate()` in sms-notices.ts). */
  sendNotice(sms: NoticeSms): Promise<SmsSendResult>;
}

export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

export const sent = (messageId: string): SmsSendResult => ({ ok: true, messageId });
export const failed = (kind: SmsFailureKind, reason: string): SmsSendResult => ({ ok: false, kind, reason });

/** The notice template's one variable (docs/providers/*.md, "Notice template"). */
export const NOTICE_ACTION: Record<SmsNotice, string> = {
  phone_changed: '更换了手机号',
  password_changed: '修改了密码',
  password_reset: '重置了密码',
};
