import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsEmailAddress, IsMainlandPhone, IsPassword, IsSmsCode, IsUsername } from '../users/user.validators.js';

export class RegisterDto {
  @IsUsername() username: string;
  @IsPassword() password: string;
  @IsMainlandPhone() phone: string;
  @IsEmailAddress() email: string;
  @IsSmsCode() verify: string;
}

export class PasswordLoginDto {
  @ApiProperty({ description: 'username, phone or email', minLength: 1, maxLength: 254 })
  @IsString()
  @Length(1, 254)
  account: string;

  @ApiProperty({ minLength: 1, maxLength: 128 })
  @IsString()
  @Length(1, 128)
  password: string;
}

export class SmsLoginDto {
  @IsMainlandPhone() phone: string;
  @IsSmsCode() verify: string;
}

export class RefreshDto {
  @ApiProperty({ minLength: 10, maxLength: 200 })
  @IsString()
  @Length(10, 200)
  refresh_token: string;
}
