import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An unverified email address reserves nothing (docs/security.md "No account enumeration"): only verified addresses
 * are unique. Lookups by address keep a plain index.
 */
export class VerifiedEmailUnique1764547200000 implements MigrationInterface {
  name = 'VerifiedEmailUnique1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await clearUnverifiedDuplicates(q);
    await q.query(`DROP INDEX IF EXISTS "users_email_key"`);
    await q.query(`CREATE UNIQUE INDEX "users_verified_email_key" ON "users" (lower("email")) WHERE "email_verified"`);
    await q.query(`CREATE INDEX "users_email_idx" ON "users" (lower("email"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to one holder per address: the verified one, else the earliest claim.
    await clearUnverifiedDuplicates(q);
    await q.query(`UPDATE "users" u SET "email" = NULL WHERE NOT u."email_verified" AND EXISTS (
      SELECT 1 FROM "users" o WHERE lower(o."email") = lower(u."email") AND NOT o."email_verified"
        AND (o."created_at", o."id") < (u."created_at", u."id"))`);
    await q.query(`DROP INDEX IF EXISTS "users_email_idx"`);
    await q.query(`DROP INDEX IF EXISTS "users_verified_email_key"`);
    await q.query(`CREATE UNIQUE INDEX "users_email_key" ON "users" (lower("email"))`);
  }
}

/** An unverified claim on an address another account verified is dropped; the verified one stays. */
async function clearUnverifiedDuplicates(q: QueryRunner): Promise<void> {
  await q.query(`UPDATE "users" u SET "email" = NULL WHERE NOT u."email_verified" AND EXISTS (
    SELECT 1 FROM "users" v WHERE v."email_verified" AND lower(v."email") = lower(u."email") AND v."id" <> u."id")`);
}
