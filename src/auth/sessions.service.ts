import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/app-error.js';
import type { RequestMeta } from '../common/request-context.js';
import { onReplica } from '../database/replica.js';
import type { AuthUser } from './jwt-auth.guard.js';

export interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

interface SessionRow {
  id: string;
  created_at: Date;
  last_used_at: Date;
  ip: string | null;
  user_agent: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIVE = 'used_at IS NULL AND revoked_at IS NULL AND expires_at > now()';

// A session is a refresh-token family; it is live while its newest token can still be exchanged.
const LIST = `
SELECT family_id AS id, min(created_at) AS created_at, max(created_at) AS last_used_at,
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

/** Sign-in sessions (refresh-token families): list, revoke one, revoke all but the current one. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(user: AuthUser): Promise<SessionView[]> {
    const rows = (await onReplica(this.db, (m) => m.query(LIST, [user.id]))) as SessionRow[];
    return rows.map((r) => ({
      id: r.id,
      created_at: new Date(r.created_at).toISOString(),
      last_used_at: new Date(r.last_used_at).toISOString(),
      ip: r.ip,
      user_agent: r.user_agent,
      current: r.id === user.sessionId,
    }));
  }

  /** `id` is a session id, or `all` for every session but the current one. */
  async revoke(user: AuthUser, id: string, meta: RequestMeta): Promise<void> {
    if (id === 'all') {
      const count = await this.revokeAll(user.id, user.sessionId);
      await this.audit.record('session_revoked', user.id, meta, { scope: 'others', count });
      return;
    }
    // Not a UUID cannot be a session; checked here so PostgreSQL never sees a malformed uuid.
    if (!UUID.test(id)) throw sessionNotFound();
    const [rows] = (await this.db.query(REVOKE_ONE, [user.id, id])) as [unknown[], number];
    if (!rows.length) throw sessionNotFound();
    await this.audit.record('session_revoked', user.id, meta, { scope: 'one', current: id === user.sessionId });
  }

  /** Revokes every refresh token of the user, except those of `keepFamily`; returns how many sessions ended. */
  async revokeAll(
    userId: string,
    keepFamily: string | null = null,
    manager: EntityManager = this.db.manager,
  ): Promise<number> {
    const [rows] = (await manager.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE user_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR family_id::text <> $2)
      RETURNING family_id`,
      [userId, keepFamily],
    )) as [Array<{ family_id: string }>, number];
    return new Set(rows.map((r) => r.family_id)).size;
  }
}

const sessionNotFound = () => Errors.notFound('session_not_found', 'No such session of this account');
