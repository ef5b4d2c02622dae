import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { AccountDeletionDto, PasswordChangeDto, PasswordResetDto, PhoneChangeDto } from './account.dto.js';

const badFields = async <T extends object>(cls: ClassConstructor<T>, body: object) =>
  (await validate(plainToInstance(cls, body) as object, { whitelist: true, forbidNonWhitelisted: true })).map(
    (e) => e.property,
  );

describe('account DTOs', () => {
  it('take the optional proofs as absent, never as null', async () => {
    expect(await badFields(AccountDeletionDto, {})).toEqual([]);
    expect(await badFields(AccountDeletionDto, { password: null })).toEqual(['password']);
    expect(await badFields(AccountDeletionDto, { verify: null })).toEqual(['verify']);
    expect(await badFields(PasswordChangeDto, { password: 'long enough', old_password: null })).toEqual([
      'old_password',
    ]);
    expect(await badFields(PasswordChangeDto, { password: 'long enough' })).toEqual([]);
  });

  it('apply the registration rules to the new password, phone and code', async () => {
    expect(await badFields(PasswordResetDto, { phone: '138 0013 8000', verify: '123456', password: 'short' })).toEqual([
      'password',
    ]);
    expect(await badFields(PhoneChangeDto, { phone: '+1 415 555 0100', verify: '12345' })).toEqual(['phone', 'verify']);
    expect(plainToInstance(PhoneChangeDto, { phone: '138-0013-8000' }).phone).toBe('+8613800138000');
  });
});
