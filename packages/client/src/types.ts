/**
 * What the API takes and gives. Request bodies come from the generated OpenAPI types (`npm run client:types`);
 * answers are written out here as the API's contract states them.
 */
import type { components } from './openapi.js';

type Schemas = components['schemas'];

export type RegisterBody = Schemas['RegisterDto'];
export type PasswordSignIn = Schemas['PasswordLoginDto'];
export type SmsSignIn = Schemas['SmsLoginDto'];
export type PasswordResetBody = Schemas['PasswordResetDto'];
export type PasswordChangeBody = Schemas['PasswordChangeDto'];
export type PhoneChangeBody = Schemas['PhoneChangeDto'];
export type EmailChangeBody = Schemas['EmailChangeDto'];
export type WeiboNewAccountFields = Omit<Schemas['WeiboNewAccountDto'], 'bind_ticket'>;
export type WechatUserInfo = Schemas['WechatUserInfoDto'];

export interface Tokens {
  username: string;
  token: string;
  refresh_token: string;
  expires_in: number;
}

export interface WechatTokens extends Tokens {
  is_new: boolean;
}

export interface CodeSent {
  request_id: string;
  expires_in: number;
  resend_in: number;
}

export interface CodeStatus {
  status: 'queued' | 'sent' | 'failed' | 'unknown';
  reason?: string;
}

export type Gender = 'male' | 'female' | 'unknown';

export interface ProfileFields {
  nickname?: string | null;
  avatar?: string | null;
  gender?: Gender | null;
  birthday?: string | null;
  signature?: string | null;
}

export interface Identity {
  provider: string;
  uid: string;
  screen_name: string | null;
  bound_at: string;
}

export interface Profile extends ProfileFields {
  id: string;
  username: string;
  phone: string | null;
  email: string | null;
  email_verified: boolean;
  has_password: boolean;
  created_at: string;
  identities: Identity[];
}

export interface Session {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

export interface SecurityEvent {
  type: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
  data: Record<string, unknown>;
}

export interface WeiboBindOffer {
  bind_ticket: string;
  expires_in: number;
  profile: { uid: string; screen_name: string | null; avatar: string | null };
}

/** Exactly one proof of the account's owner, for `POST /v1/users/me/reauth`. */
export type ReauthProof = { password: string } | { verify: string } | { wechat_code: string };

/** `DELETE /v1/users/me`: a password, an SMS code, or nothing when a reauth token is held. */
export type DeletionProof = { password: string } | { verify: string } | Record<string, never>;
