import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes that let the scheduled purges find old rows without scanning (docs/operations.md, "Purges"). */
export class PurgeIndexes1764633600000 implements MigrationInterface {
  name = 'PurgeIndexes1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "refresh_tokens_expires_at_idx" ON "refresh_tokens" ("expires_at")`);
    await q.query(`CREATE INDEX "identities_unbound_seen_idx" ON "identities" ((COALESCE("last_login_at", "created_at")))
      WHERE "user_id" IS NULL`);
    await q.query(`CREATE INDEX "security_events_created_at_idx" ON "security_events" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "security_events_created_at_idx"`);
    await q.query(`DROP INDEX "identities_unbound_seen_idx"`);
    await q.query(`DROP INDEX "refresh_tokens_expires_at_idx"`);
  }
}
