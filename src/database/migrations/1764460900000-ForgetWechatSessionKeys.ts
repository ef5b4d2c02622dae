import type { MigrationInterface, QueryRunner } from 'typeorm';

/** WeChat `session_key`s are no longer stored: nothing uses them (docs/providers/wechat.md). */
export class ForgetWechatSessionKeys1764460900000 implements MigrationInterface {
  name = 'ForgetWechatSessionKeys1764460900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "identities" SET "credential_enc" = NULL, "credential_expires_at" = NULL
      WHERE "provider" = 'wechat'`);
  }

  async down(): Promise<void> {
    // The keys are gone; nothing to restore.
  }
}
