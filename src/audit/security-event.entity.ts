import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SecurityEventType =
  | 'registered'
  | 'signed_in'
  | 'sign_in_failed'
  | 'refresh_reuse_detected'
  | 'identity_bound'
  | 'identity_unbound'
  | 'email_verified'
  | 'password_reset'
  | 'password_changed'
  | 'phone_changed'
  | 'email_changed'
  | 'session_revoked'
  | 'account_deleted'
  | 'reauthenticated';

/**
 * The audit trail. `user_id` has no foreign key on purpose: the record that an account was deleted must
 * outlive the account (and carries no personal data).
 */
@Entity('security_events')
export class SecurityEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 40 })
  type: SecurityEventType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  /** Non-personal details only: the sign-in method, the provider, a failure reason. */
  @Column({ type: 'jsonb', default: {} })
  data: Record<string, string | number | boolean>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
