import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ProfileUpdateDto } from './account.dto.js';

const badFields = async (body: object) =>
  (await validate(plainToInstance(ProfileUpdateDto, body), { whitelist: true, forbidNonWhitelisted: true })).map(
    (e) => e.property,
  );

describe('ProfileUpdateDto', () => {
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
