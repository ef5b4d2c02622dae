import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refresh re-check asks whether any token of the session's family was revoked. Through the plain
 * family index that walks one row per rotation the session ever made; revoked rows are few, so a partial
 * index answers in one probe (docs/performance.md, "Refresh"). Building it holds writes to refresh_tokens for
 * as long as the build takes; on a large table create it beforehand with CONCURRENTLY (docs/operations.md,
 * "Migrations"), and this migration finds it there.
 */
export class RevokedFamilyIndex1764720000000 implements MigrationInterface {
  name = 'RevokedFamilyIndex1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS "refresh_tokens_revoked_family_idx" ON "refresh_tokens" ("family_id") WHERE "revoked_at" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "refresh_tokens_revoked_family_idx"`);
  }
}
