import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { normalizePhone } from './phone.js';

/** Field rules shared by every DTO that takes them, so registration, binding and changes agree. */
export const IsUsername = () =>
  applyDecorators(
    ApiProperty({ example: 'xiaoming_88', description: '3–20 letters, digits or underscore' }),
    IsString(),
    // Not a mainland mobile number: `account` would read it as a phone at sign-in.
    Matches(/^(?!(?:86)?1[3-9]\d{9}$)[A-Za-z0-9_]{3,20}$/, {
      message: 'must be 3–20 letters, digits or underscore, and not a phone number',
    }),
  );

export const IsPassword = () =>
  applyDecorators(
    ApiProperty({ example: 'correct horse battery', description: '8–128 characters' }),
    IsString(),
    Length(8, 128, { message: 'must be 8–128 characters' }),
  );

/** Accepts 138…, +86138…, 86 138…; the DTO receives `+86…` or the raw value, which then fails validation. */
export const IsMainlandPhone = () =>
  applyDecorators(
    ApiProperty({ example: '13800138000', description: 'mainland China mobile number' }),
    Transform(({ value }) => normalizePhone(value) ?? value),
    IsString(),
    Matches(/^\+861[3-9]\d{9}$/, { message: 'must be a mainland China mobile number' }),
  );

export const IsEmailAddress = () =>
  applyDecorators(
    ApiProperty({ example: 'xiaoming@example.com' }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsString(),
    MaxLength(254),
    IsEmail({}, { message: 'must be an email address' }),
  );

export const IsSmsCode = () =>
  applyDecorators(
    ApiProperty({ example: '123456', description: 'the 6-digit SMS code' }),
    IsString(),
    Matches(/^\d{6}$/, { message: 'must be the 6-digit code' }),
  );
