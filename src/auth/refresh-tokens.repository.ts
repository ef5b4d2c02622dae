import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { fail } from '../common/errors/index.js';
import { PG, pgFailure } from '../database/pg-error.js';
import { onReplica } from '../database/replica.js';
import { RefreshToken } from './refresh-token.entity.js';

export interface NewRefreshToken {
  userId: string;
  familyId: string;
  sessionStartedAt: Date;
  tokenHash: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface ClaimedToken {
  user_id: string;
  family_id: string;
  session_started_at: Date;
}

export interface SessionRow {
  id: string;
  created_at: Date;
  last_used_at: Date;
  ip: string | null;
  user_agent: string | null;
}

const LIVE = 'used_at IS NULL AND revoked_at IS NULL AND expires_at > now()';

// A session is a refresh-token family; it is live while its newest token can still be exchanged.
const LIST = `
SELECT family_id AS id, min(session_started_at) AS created_at, max(created_at) AS last_used_at,
       (array_agg(ip ORDER BY created_at DESC))[1] AS ip,
       (array_agg(user_agent ORDER BY created_at DESC))[1] AS user_agent
  FROM refresh_tokens WHERE user_id = $1
 GROUP BY family_id
HAVING bool_or(${LIVE})
 ORDER BY max(created_at) DESC`;

// Revokes a whole family, but only one that is still live: a dead or foreign session is a 404.
const REVOKE_ONE = `
UPDATE refresh_tokens SET revoked_at = now()
 WHERE user_id = $1 AND family_id = $2 AND revoked_at IS NULL
   AND EXISTS (SELECT 1 FROM refresh_tokens WHERE user_id = $1 AND family_id = $2 AND ${LIVE})
RETURNING id`;

/**
 * All SQL on `refresh_tokens`. Postgres answers an UPDATE … RETURNING through TypeORM's `query()` as
 * `[rows, affectedCount]`.
 */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insert(row: NewRefreshToken, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(RefreshToken, row).catch((err: unknown) => {
      // The account was deleted while this sign-in or refresh was under way (foreign key gone).
      if (pgFailure(err)?.code === PG.foreignKeyViolation) throw fail('account_gone');
      throw err;
    });
  }

  /** Marks a live token used; of two concurrent claims one wins. */
  async claim(tokenHash: string, manager: EntityManager): Promise<ClaimedToken | null> {
    const [rows] = (await manager.query(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING user_id, family_id, session_started_at`,
      [tokenHash],
    )) as [ClaimedToken[], number];
    return rows[0] ?? null;
  }

  /** Revokes this token if its family was revoked meanwhile; true when it did. */
  async revokeIfFamilyRevoked(tokenHash: string, familyId: string): Promise<boolean> {
    const [rows] = (await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE token_hash = $1 AND EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $2 AND revoked_at IS NOT NULL)
        RETURNING id`,
      [tokenHash, familyId],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.db.getRepository(RefreshToken).findOneBy({ tokenHash });
  }

  async revokeFamily(familyId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ revokedAt: () => 'now()' })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
  }

  /** True when a live session `familyId` of the user was revoked. */
  async revokeLiveFamily(userId: string, familyId: string): Promise<boolean> {
    const [rows] = (await this.db.query(REVOKE_ONE, [userId, familyId])) as [unknown[], number];
    return rows.length > 0;
  }

  /** Revokes every token of the user except those of `keepFamily`; returns the families that ended. */
  async revokeAll(userId: string, keepFamily: string | null, manager: EntityManager = this.db.manager) {
    const [rows] = (await manager.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE user_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR family_id::text <> $2)
      RETURNING family_id`,
      [userId, keepFamily],
    )) as [Array<{ family_id: string }>, number];
    return [...new Set(rows.map((r) => r.family_id))];
  }

  /**
   * Deletes up to `batch` expired tokens; returns how many. A used token stays until it expires, so presenting
   * it again is still caught as reuse (RFC 9700 §4.14); rows other purges hold are skipped, not waited for.
   */
  async purgeExpired(batch: number): Promise<number> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM refresh_tokens WHERE id IN (
         SELECT id FROM refresh_tokens WHERE expires_at < now() LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [batch],
    );
    return count;
  }

  listLive(userId: string): Promise<SessionRow[]> {
    // The session list may lag by a moment: a replica serves it when there is one (docs/scale-out.md).
    return onReplica(this.db, (m) => m.query(LIST, [userId])) as Promise<SessionRow[]>;
  }
}
