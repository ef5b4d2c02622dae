import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Identities1763856100000 implements MigrationInterface {
  name = 'Identities1763856100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "identities" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "provider" varchar(16) NOT NULL,
      "provider_uid" varchar(160) NOT NULL,
      "user_id" uuid REFERENCES "users"("id") ON DELETE CASCADE,
      "credential_enc" text,
      "credential_expires_at" timestamptz,
      "profile" jsonb NOT NULL DEFAULT '{}',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "bound_at" timestamptz,
      "last_login_at" timestamptz)`);
    await q.query(`CREATE UNIQUE INDEX "identities_provider_uid_key" ON "identities" ("provider", "provider_uid")`);
    await q.query(
      `CREATE UNIQUE INDEX "identities_user_provider_key" ON "identities" ("user_id", "provider") WHERE "user_id" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "identities"`);
  }
}
