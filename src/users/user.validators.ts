import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { normalizePhone } from './phone.js';

// Not a mainland mobile number: `account` would read it as a phone at sign-in.
const USERNAME = /^(?!(?:86)?1[3-9]\d{9}$)[A-Za-z0-9_]{3,20}$/;
const SMS_CODE = /^\d{6}$/;
/** What `normalizePhone` accepts, for the OpenAPI document (phone.ts decides; a spec keeps them in step). */
export const PHONE_INPUT = /^[\s-]*(?:\+?[\s-]*8[\s-]*6[\s-]*)?1[\s-]*[3-9](?:[\s-]*\d){9}[\s-]*$/;

/** Field rules shared by every DTO that takes them, so registration, binding and changes agree. */
export const IsUsername = () =>
  applyDecorators(
    ApiProperty({
      example: 'xiaoming_88',
      description: '3–20 letters, digits or underscore; not a phone number',
      pattern: USERNAME.source,
    }),
    IsString(),
    Matches(USERNAME, {
      message: 'must be 3–20 letters, digits or underscore, and not a phone number',
    }),
  );

export const IsPassword = () =>
  applyDecorators(
    ApiProperty({ example: 'correct horse battery', description: '8–128 characters', minLength: 8, maxLength: 128 }),
    IsString(),
    Length(8, 128, { message: 'must be 8–128 characters' }),
  );

/** Accepts 138…, +86138…, 86 138…; the DTO receives `+86…` or the raw value, which then fails validation. */
export const IsMainlandPhone = () =>
  applyDecorators(
    ApiProperty({
      example: '13800138000',
      description: 'mainland China mobile number; +86, 86, spaces and dashes are allowed',
      pattern: PHONE_INPUT.source,
    }),
    Transform(({ value }) => normalizePhone(value) ?? value),
    IsString(),
    Matches(/^\+861[3-9]\d{9}$/, { message: 'must be a mainland China mobile number' }),
  );

export const IsEmailAddress = () =>
  applyDecorators(
    ApiProperty({ example: 'xiaoming@example.com', format: 'email', maxLength: 254 }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsString(),
    MaxLength(254),
    IsEmail({}, { message: 'must be an email address' }),
  );

export const IsSmsCode = () =>
  applyDecorators(
    ApiProperty({ example: '123456', description: 'the 6-digit SMS code', pattern: SMS_CODE.source }),
    IsString(),
    Matches(SMS_CODE, { message: 'must be the 6-digit code' }),
  );
