import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { fail } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import type { AuthUser } from './jwt-auth.guard.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { SessionRevocations } from './session-revocations.js';

export interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sign-in sessions (refresh-token families): list, end one, end all. An ended session's access tokens are
 * refused at once (`SessionRevocations`).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly revocations: SessionRevocations,
    private readonly audit: AuditService,
  ) {}

  async list(user: AuthUser): Promise<SessionView[]> {
    const rows = await this.refreshTokens.listLive(user.id);
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
      const ended = await this.endAll(user.id, user.sessionId);
      await this.ended(ended);
      await this.audit.record('session_revoked', user.id, meta, { scope: 'others', count: ended.length });
      return;
    }
    // Not a UUID cannot be a session; checked here so PostgreSQL never sees a malformed uuid.
    if (!UUID.test(id) || !(await this.refreshTokens.revokeLiveFamily(user.id, id))) throw fail('session_not_found');
    await this.ended([id]);
    await this.audit.record('session_revoked', user.id, meta, { scope: 'one', current: id === user.sessionId });
  }

  /**
   * Ends every session of the user but `keep`, inside the caller's transaction; returns the ended sessions,
   * which the caller passes to `ended` once the transaction has committed.
   */
  endAll(userId: string, keep: string | null = null, manager?: EntityManager): Promise<string[]> {
    return this.refreshTokens.revokeAll(userId, keep, manager);
  }

  /** Their access tokens stop working on every API instance. */
  ended(sessionIds: string[]): Promise<void> {
    return this.revocations.mark(sessionIds);
  }
}
