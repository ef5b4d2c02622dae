import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The start of the session a refresh token belongs to, copied through rotation, so a session has an absolute
 * lifetime (`SESSION_MAX_AGE`, docs/security.md) that rotation cannot extend.
 */
export class SessionStart1764460800000 implements MigrationInterface {
  name = 'SessionStart1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "refresh_tokens" ADD COLUMN "session_started_at" timestamptz NOT NULL DEFAULT now()`);
    await q.query(`UPDATE "refresh_tokens" r SET "session_started_at" = f.started
      FROM (SELECT family_id, min(created_at) AS started FROM "refresh_tokens" GROUP BY family_id) f
      WHERE r.family_id = f.family_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "session_started_at"`);
  }
}
