import { classifyAliyun } from './aliyun-sms.errors.js';
import { classifyHttpError } from './provider-http.js';
import { classifyTencent } from './tencent-sms.errors.js';

describe('classifyAliyun (docs/providers/aliyun.md, "Error codes")', () => {
  it.each([
    ['Throttling.User', 'retry'],
    ['Throttling.Api', 'retry'],
    ['ServiceUnavailable', 'retry'],
    ['isp.SYSTEM_ERROR', 'retry'],
    ['InternalError', 'unknown'],
    ['SignatureNonceUsed', 'unknown'],
    ['isv.BUSINESS_LIMIT_CONTROL', 'give_up'],
    ['isv.DAY_LIMIT_CONTROL', 'give_up'],
    ['isv.MONTH_LIMIT_CONTROL', 'give_up'],
    ['isv.SMS_SIGNATURE_ILLEGAL', 'give_up'],
    ['isv.SMS_TEMPLATE_ILLEGAL', 'give_up'],
    ['isv.MOBILE_NUMBER_ILLEGAL', 'give_up'],
    ['isv.AMOUNT_NOT_ENOUGH', 'give_up'],
    ['SignatureDoesNotMatch', 'give_up'],
    ['InvalidAccessKeyId.NotFound', 'give_up'],
    ['InvalidTimeStamp.Expired', 'give_up'],
  ])('%s is %s', (code, kind) => {
    expect(classifyAliyun(code)).toBe(kind);
  });
});

describe('classifyTencent (docs/providers/tencent.md, "Error codes")', () => {
  it.each([
    ['RequestLimitExceeded', 'retry'],
    ['RequestLimitExceeded.IPLimitExceeded', 'retry'],
    ['InternalError', 'unknown'],
    ['InternalError.Timeout', 'unknown'],
    ['InternalError.SendAndRecvFail', 'unknown'],
    ['LimitExceeded.PhoneNumberThirtySecondLimit', 'give_up'],
    ['LimitExceeded.PhoneNumberOneHourLimit', 'give_up'],
    ['LimitExceeded.PhoneNumberDailyLimit', 'give_up'],
    ['LimitExceeded.AppDailyLimit', 'give_up'],
    ['FailedOperation.SignatureIncorrectOrUnapproved', 'give_up'],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'give_up'],
    ['FailedOperation.PhoneNumberInBlacklist', 'give_up'],
    ['FailedOperation.InsufficientBalanceInSmsPackage', 'give_up'],
    ['AuthFailure.SignatureFailure', 'give_up'],
    ['AuthFailure.SecretIdNotFound', 'give_up'],
    ['AuthFailure.SignatureExpire', 'give_up'],
  ])('%s is %s', (code, kind) => {
    expect(classifyTencent(code)).toBe(kind);
  });
});

describe('classifyHttpError', () => {
  const fetchError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])(
    'a request that never connected (%s) was not sent',
    (code) => {
      expect(classifyHttpError(fetchError(code)).kind).toBe('not_sent');
    },
  );

  it('a timeout, a reset or a closed socket may follow a processed request', () => {
    expect(classifyHttpError(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toEqual({
      kind: 'ambiguous',
      reason: 'network_timeout',
    });
    expect(classifyHttpError(fetchError('ECONNRESET')).kind).toBe('ambiguous');
    expect(classifyHttpError(fetchError('UND_ERR_SOCKET')).kind).toBe('ambiguous');
  });

  it("reads undici's own error codes as well as fetch's wrapped ones", () => {
    const direct = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyHttpError(direct('ECONNREFUSED'))).toEqual({ kind: 'not_sent', reason: 'network_ECONNREFUSED' });
    expect(classifyHttpError(direct('UND_ERR_SOCKET'))).toEqual({
      kind: 'ambiguous',
      reason: 'network_UND_ERR_SOCKET',
    });
  });
});
