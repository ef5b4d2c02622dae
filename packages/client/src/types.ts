/**
 * What the API takes and gives, named for the client's users: every shape comes from the types generated from
 * the API's OpenAPI document (`npm run client:types`), so the client cannot drift from the server.
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

export type Tokens = Schemas['TokensView'];
export type WechatTokens = Schemas['WechatSignedInView'];
export type CodeSent = Schemas['CodeIssuedView'];
export type CodeStatus = Schemas['SmsStatusView'];
export type Profile = Schemas['ProfileView'];
export type ProfileFields = Schemas['ProfileUpdateDto'];
export type Gender = NonNullable<Profile['gender']>;
export type Identity = Schemas['IdentityView'];
export type Session = Schemas['SessionView'];
export type SecurityEvent = Schemas['EventView'];
export type WeiboBindOffer = Schemas['BindOfferView'];

/** Exactly one proof of the account's owner, for `POST /v1/users/me/reauth`. */
export type ReauthProof = { password: string } | { verify: string } | { wechat_code: string };

/** `DELETE /v1/users/me`: a password, an SMS code, or nothing when a reauth token is held. */
export type DeletionProof = { password: string } | { verify: string } | Record<string, never>;
