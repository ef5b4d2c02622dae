import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ProfileUpdateDto } from './account.dto.js';
import { charCount, isBirthday } from './profile.validators.js';

const badFields = async (body: object) =>
  (await validate(plainToInstance(ProfileUpdateDto, body), { whitelist: true, forbidNonWhitelisted: true })).map(
    (e) => e.property,
  );

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

describe('profile fields', () => {
  it('counts code points as PostgreSQL does, variation selectors included', () => {
    expect(charCount('🐼🐼')).toBe(2);
    expect(charCount('❤️')).toBe(2);
  });

  it('accepts a full valid profile, and null to clear any field', async () => {
    const full = {
      nickname: ' 小明 ',
      avatar: 'http://cdn.example.com/a.png',
      gender: 'unknown',
      birthday: '1990-05-17',
      signature: 'a\nb',
    };
    expect(await badFields(full)).toEqual([]);
    expect(plainToInstance(ProfileUpdateDto, full).nickname).toBe('小明');
    expect(await badFields({ nickname: null, avatar: null, gender: null, birthday: null, signature: null })).toEqual(
      [],
    );
  });

  it.each([
    [{ nickname: '' }, 'nickname'],
    [{ nickname: '❤️'.repeat(17) }, 'nickname'],
    [{ nickname: 'tab\there' }, 'nickname'],
    [{ avatar: 'data:image/png;base64,AAAA' }, 'avatar'],
    [{ avatar: '//cdn.example.com/a.png' }, 'avatar'],
    [{ gender: 'Male' }, 'gender'],
    [{ birthday: '1990-05-17T00:00:00Z' }, 'birthday'],
    [{ signature: 'nul\u0000' }, 'signature'],
    [{ signature: ['x'] }, 'signature'],
  ])('refuses %j', async (body, field) => {
    expect(await badFields(body)).toEqual([field]);
  });
});
