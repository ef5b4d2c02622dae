import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1763856000000 implements MigrationInterface {
  name = 'Accounts1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "users" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "username" varchar(32) NOT NULL,
      "phone" varchar(16),
      "email" varchar(254),
      "email_verified" boolean NOT NULL DEFAULT false,
      "password_hash" varchar(255),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX "users_username_key" ON "users" (lower("username"))`);
    await q.query(`CREATE UNIQUE INDEX "users_email_key" ON "users" (lower("email"))`);
    await q.query(`CREATE UNIQUE INDEX "users_phone_key" ON "users" ("phone")`);
    await q.query(`CREATE TABLE "refresh_tokens" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "family_id" uuid NOT NULL,
      "token_hash" char(64) NOT NULL,
      "expires_at" timestamptz NOT NULL,
      "used_at" timestamptz,
      "revoked_at" timestamptz,
      "ip" varchar(64),
      "user_agent" varchar(512),
      "created_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "refresh_tokens_user_id_idx" ON "refresh_tokens" ("user_id")`);
    await q.query(`CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens" ("family_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP TABLE "users"`);
  }
}
