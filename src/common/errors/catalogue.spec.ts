import { AppError } from './app-error.js';
import { CATALOGUE, languageOf, type ErrorReason } from './catalogue.js';

describe('error catalogue', () => {
  const reasons = Object.keys(CATALOGUE) as ErrorReason[];

  it('gives every reason a snake_case name, an HTTP error status, a business code and both languages', () => {
    for (const reason of reasons) {
      const { status, code, message } = CATALOGUE[reason];
      expect(reason).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(status >= 400 && status < 600).toBe(true);
      expect(code >= 10100 && code <= 10199).toBe(true);
      expect(message['zh-CN'].length).toBeGreaterThan(0);
      expect(message.en.length).toBeGreaterThan(0);
    }
  });

  it('builds errors from the table', () => {
    const error = new AppError('sms_too_frequent', { retryAfter: 30 });
    expect(error).toMatchObject({ status: 429, code: 10111, reason: 'sms_too_frequent', extra: { retryAfter: 30 } });
  });

  it('answers in Chinese unless English comes first in Accept-Language', () => {
    expect(languageOf(undefined)).toBe('zh-CN');
    expect(languageOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(languageOf('en-US,en;q=0.9')).toBe('en');
    expect(languageOf('fr')).toBe('zh-CN');
  });
});
