import { classifySmtpError } from './mail.errors.js';

describe('classifySmtpError', () => {
  it.each([
    [{ code: 'EMESSAGE', responseCode: 451 }, true, 'smtp_451'],
    [{ code: 'EENVELOPE', responseCode: 452 }, true, 'smtp_452'],
    [{ code: 'EAUTH', responseCode: 454 }, true, 'smtp_454'],
    [{ code: 'EMESSAGE', responseCode: 503 }, true, 'smtp_503'],
    [{ code: 'EENVELOPE', responseCode: 550 }, false, 'smtp_550'],
    [{ code: 'EMESSAGE', responseCode: 552 }, false, 'smtp_552'],
    [{ code: 'EAUTH', responseCode: 535 }, false, 'smtp_535'],
  ])('classifies an SMTP reply %o as transient=%p', (err, transient, reason) => {
    expect(classifySmtpError(Object.assign(new Error('x'), err))).toMatchObject({ transient, reason });
  });

  it.each([
    [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'smtp_econnrefused'],
    [{ code: 'ECONNREFUSED' }, 'smtp_econnrefused'],
    [{ code: 'ECONNECTION' }, 'smtp_econnection'],
    [{ code: 'ETIMEDOUT' }, 'smtp_etimedout'],
    [{ code: 'EDNS', originalCode: 'EAI_AGAIN' }, 'smtp_eai_again'],
  ])('treats connection failures and timeouts %o as transient', (err, reason) => {
    expect(classifySmtpError(Object.assign(new Error('x'), err))).toMatchObject({ transient: true, reason });
  });

  it.each([[{ code: 'EAUTH' }], [{ code: 'EENVELOPE' }], [{ code: 'ECONFIG' }], [{}]])(
    'treats errors without a reply that are not connection failures (%o) as permanent',
    (err) => {
      expect(classifySmtpError(Object.assign(new Error('x'), err)).transient).toBe(false);
    },
  );
});
