import { ApiProperty } from '@nestjs/swagger';
import { GENDERS } from '../users/user.entity.js';

class IdentityView {
  @ApiProperty({ enum: ['weibo', 'wechat'] }) provider: string;
  @ApiProperty() uid: string;
  @ApiProperty({ type: 'string', nullable: true }) screen_name: string | null;
  @ApiProperty({ format: 'date-time' }) bound_at: string;
}

/** GET /v1/users/me. */
export class ProfileView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'xiaoming_88' }) username: string;
  @ApiProperty({ type: 'string', nullable: true, example: '+8613800138000' }) phone: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'xiaoming@example.com' }) email: string | null;
  @ApiProperty() email_verified: boolean;
  @ApiProperty() has_password: boolean;
  @ApiProperty({ type: 'string', nullable: true }) nickname: string | null;
  @ApiProperty({ type: 'string', nullable: true }) avatar: string | null;
  @ApiProperty({ enum: GENDERS, nullable: true }) gender: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: '1990-05-17' }) birthday: string | null;
  @ApiProperty({ type: 'string', nullable: true }) signature: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: [IdentityView] }) identities: IdentityView[];
}

class EventView {
  @ApiProperty({ example: 'signed_in' }) type: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: 'string', nullable: true }) ip: string | null;
  @ApiProperty({ type: 'string', nullable: true }) user_agent: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) data: Record<string, unknown> | null;
}

export class EventsView {
  @ApiProperty({ type: [EventView] }) events: EventView[];
}

export class PhoneChangedView {
  @ApiProperty({ example: '+8613800138000' }) phone: string;
}

export class EmailChangedView {
  @ApiProperty({ example: 'xiaoming@example.com' }) email: string;
  @ApiProperty() email_verified: boolean;
}

export class ReauthTokenView {
  @ApiProperty({ description: 'send it as X-Reauth-Token' }) reauth_token: string;
  @ApiProperty({ example: 300 }) expires_in: number;
}

class SessionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) last_used_at: string;
  @ApiProperty({ type: 'string', nullable: true }) ip: string | null;
  @ApiProperty({ type: 'string', nullable: true }) user_agent: string | null;
  @ApiProperty({ description: 'the session of this access token' }) current: boolean;
}

export class SessionsView {
  @ApiProperty({ type: [SessionView] }) sessions: SessionView[];
}
