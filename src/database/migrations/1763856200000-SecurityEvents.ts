import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SecurityEvents1763856200000 implements MigrationInterface {
  name = 'SecurityEvents1763856200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "security_events" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "user_id" uuid,
      "type" varchar(40) NOT NULL,
      "ip" varchar(64),
      "user_agent" varchar(512),
      "data" jsonb NOT NULL DEFAULT '{}',
      "created_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX "security_events_user_created_idx" ON "security_events" ("user_id", "created_at" DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "security_events"`);
  }
}
