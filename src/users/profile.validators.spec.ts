import { charCount, isBirthday } from './profile.validators.js';

describe('isBirthday', () => {
  const now = Date.parse('2025-06-15T12:00:00Z');

  it.each(['1900-01-01', '2000-02-29', '2025-06-15', '2025-06-16'])('accepts %s', (date) => {
    expect(isBirthday(date, now)).toBe(true);
  });

  it.each([
    '1899-12-31',
    '2023-02-29',
    '2023-02-30',
    '2025-13-01',
    '2025-06-17',
    '2025-6-1',
    '17/05/1990',
    '',
    19900517,
    null,
  ])('refuses %p', (date) => expect(isBirthday(date, now)).toBe(false));

  it('takes "today" as the latest date on Earth (UTC+14), not the server\'s', () => {
    expect(isBirthday('2025-06-16', Date.parse('2025-06-15T10:00:00Z'))).toBe(true);
    expect(isBirthday('2025-06-16', Date.parse('2025-06-15T09:59:59Z'))).toBe(false);
  });
});

describe('charCount', () => {
  it('counts code points as PostgreSQL does, variation selectors included', () => {
    expect(charCount('🐼🐼')).toBe(2);
    expect(charCount('❤️')).toBe(2);
  });
});
