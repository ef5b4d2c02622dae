import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUrl, Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { GENDERS } from './user.entity.js';

/** Code points, as PostgreSQL's varchar(n) counts them (class-validator's Length does not count U+FE0F). */
export const charCount = (value: string) => [...value].length;

// NUL is refused by PostgreSQL text; other control characters have no place in a display name.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const NAME_CONTROL = /[\u0000-\u001f\u007f]/;

/** At most `max` code points, none of them a control character (`\n` allowed when `multiline`). */
export const IsText = (min: number, max: number, multiline = false, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isText',
      validator: {
        validate: (value) =>
          typeof value === 'string' &&
          charCount(value) >= min &&
          charCount(value) <= max &&
          !(multiline ? CONTROL : NAME_CONTROL).test(value),
        defaultMessage: () => `must be ${min}–${max} characters without control characters`,
      },
    },
    options,
  );

export const LATEST_BIRTHDAY_ZONE_MS = 14 * 3600_000;

/**
 * A real calendar date from 1900-01-01 to today. "Today" is the latest date anywhere (UTC+14), so a user
 * born today is accepted whatever their time zone.
 */
export function isBirthday(value: unknown, now = Date.now()): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  const latest = new Date(now + LATEST_BIRTHDAY_ZONE_MS).toISOString().slice(0, 10);
  return value >= '1900-01-01' && value <= latest;
}

const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** `null` clears a field, so every profile field is optional and nullable. */
export const IsNickname = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: '小明',
      type: 'string', // `string | null` reflects as Object: OpenAPI would say object
      nullable: true,
      description: '1–32 characters, no control characters (trimmed)',
      minLength: 1,
      maxLength: 32,
    }),
    trimmed(),
    IsOptional(),
    IsText(1, 32),
  );

export const IsAvatarUrl = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'https://cdn.example.com/a/1.png',
      type: 'string',
      nullable: true,
      description: 'http(s) URL, ≤ 512 characters',
      format: 'uri',
      minLength: 1,
      maxLength: 512,
    }),
    trimmed(),
    IsOptional(),
    IsText(1, 512, false, { message: 'must be an http(s) URL of at most 512 characters' }),
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true },
      { message: 'must be an http(s) URL of at most 512 characters' },
    ),
  );

export const IsGender = () =>
  applyDecorators(
    ApiPropertyOptional({ enum: GENDERS, nullable: true }),
    IsOptional(),
    IsIn(GENDERS, { message: `must be one of ${GENDERS.join(', ')}` }),
  );

export const IsBirthday = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: '1990-05-17',
      type: 'string',
      nullable: true,
      description: 'YYYY-MM-DD, from 1900-01-01 to today',
      format: 'date',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    }),
    IsOptional(),
    IsString(),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' }),
    ValidateBy({
      name: 'isBirthday',
      validator: {
        validate: (value) => isBirthday(value),
        defaultMessage: () => 'must be a real date from 1900-01-01 to today',
      },
    }),
  );

export const IsSignature = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: '好好学习，天天向上',
      type: 'string',
      nullable: true,
      description: 'at most 140 characters, no control characters but line breaks',
      maxLength: 140,
    }),
    IsOptional(),
    IsText(0, 140, true),
  );
