import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type Provider = 'weibo' | 'wechat';

/**
 * A sign-in identity at an outside provider. Unique on (provider, provider_uid); at most one per provider
 * for a user. `user_id` is null while a first-time Weibo user has not chosen an account yet.
 */
@Entity('identities')
export class Identity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  provider: Provider;

  /** Weibo: the uid. WeChat: `unionid:<unionid>` when WeChat sends one, else `openid:<appid>:<openid>`. */
  @Column({ name: 'provider_uid', type: 'varchar', length: 160 })
  providerUid: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  /** SecretBox-sealed provider credential (Weibo access token, WeChat session_key). */
  @Column({ name: 'credential_enc', type: 'text', nullable: true, select: false })
  credentialEnc: string | null;

  @Column({ name: 'credential_expires_at', type: 'timestamptz', nullable: true })
  credentialExpiresAt: Date | null;

  @Column({ type: 'jsonb', default: {} })
  profile: { screen_name?: string | null; avatar?: string | null; [key: string]: unknown };

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'bound_at', type: 'timestamptz', nullable: true })
  boundAt: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;
}
