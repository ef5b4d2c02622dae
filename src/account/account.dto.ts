import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, ValidateIf } from 'class-validator';
import { IsAvatarUrl, IsBirthday, IsGender, IsNickname, IsSignature } from '../users/profile.validators.js';
import type { Gender } from '../users/user.entity.js';
import { IsEmailAddress, IsMainlandPhone, IsPassword, IsSmsCode } from '../users/user.validators.js';

/** Optional, but `null` is a wrong type here (unlike the profile fields, where it clears one). */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

export class PasswordResetDto {
  @IsMainlandPhone() phone: string;
  @IsSmsCode() verify: string;
  @IsPassword() password: string;
}

export class PasswordChangeDto {
  @ApiPropertyOptional({
    description: 'the current password; omitted only by an account that has none yet',
    minLength: 1,
    maxLength: 128,
  })
  @IfPresent()
  @IsString()
  @Length(1, 128)
  old_password?: string;

  @IsPassword() password: string;
}

export class PhoneChangeDto {
  @IsMainlandPhone() phone: string;
  /** The code sent to the new phone. */
  @IsSmsCode() verify: string;
}

export class EmailChangeDto {
  @IsEmailAddress() email: string;
}

/** Absent fields stay as they are; `null` clears one. */
export class ProfileUpdateDto {
  @IsNickname() nickname?: string | null;
  @IsAvatarUrl() avatar?: string | null;
  @IsGender() gender?: Gender | null;
  @IsBirthday() birthday?: string | null;
  @IsSignature() signature?: string | null;
}

/** One proof: the password, or an SMS code sent to the account's phone. */
export class AccountDeletionDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 128 })
  @IfPresent()
  @IsString()
  @Length(1, 128)
  password?: string;

  @ApiPropertyOptional({ description: "an SMS code sent to the account's phone" })
  @IfPresent()
  @IsSmsCode()
  verify?: string;
}

/** Exactly one proof of the owner (docs/security.md "Step-up re-authentication"). */
export class ReauthDto {
  @ApiPropertyOptional({ description: "the account's password", minLength: 1, maxLength: 128 })
  @IfPresent()
  @IsString()
  @Length(1, 128)
  password?: string;

  @ApiPropertyOptional({ description: "a code sent to the account's current phone by POST /v1/users/me/reauth/sms" })
  @IfPresent()
  @IsSmsCode()
  verify?: string;

  @ApiPropertyOptional({
    description: "a fresh wx.login code of this account's own WeChat identity",
    minLength: 1,
    maxLength: 256,
  })
  @IfPresent()
  @IsString()
  @Length(1, 256)
  wechat_code?: string;
}
