import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Profile fields of the original mini-program service; all optional. */
export class Profile1763856300000 implements MigrationInterface {
  name = 'Profile1763856300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users"
      ADD COLUMN "nickname" varchar(32),
      ADD COLUMN "avatar" varchar(512),
      ADD COLUMN "gender" varchar(8) CONSTRAINT "users_gender_check" CHECK ("gender" IN ('male', 'female', 'unknown')),
      ADD COLUMN "birthday" date,
      ADD COLUMN "signature" varchar(140)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users"
      DROP COLUMN "signature", DROP COLUMN "birthday", DROP COLUMN "gender", DROP COLUMN "avatar", DROP COLUMN "nickname"`);
  }
}
