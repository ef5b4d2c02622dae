import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/jwt-auth.guard.js';
import { SessionsService } from '../auth/sessions.service.js';
import { fail } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { UsersService } from '../users/users.service.js';
import { AccountCleanup } from './account-cleanup.service.js';
import { AccountProof, type Proof } from './account-proof.service.js';

const logger = new Logger('AccountDeletion');

/**
 * `DELETE /v1/users/me` (账号注销). One transaction locks the user row (so no identity can be bound to it
 * meanwhile), collects the Weibo token and deletes the row; identities and refresh tokens go with it
 * (ON DELETE CASCADE). The unique indexes only cover live rows, so username, phone and email are free again.
 */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly users: UsersService,
    private readonly proof: AccountProof,
    private readonly sessions: SessionsService,
    private readonly cleanup: AccountCleanup,
    private readonly audit: AuditService,
  ) {}

  /** `reauthenticated`: the request carried a valid `X-Reauth-Token`, which stands for the proof. */
  async delete(auth: AuthUser, proof: Proof, meta: RequestMeta, reauthenticated = false): Promise<void> {
    const user = await this.users.require(auth.id);
    const method = reauthenticated ? 'reauth' : await this.proof.prove(user, proof, meta);
    const removed = await this.users.transaction(async (m) => {
      if (!(await this.users.lock(user.id, m))) return null;
      const weiboToken = await this.cleanup.collect(user.id, m);
      const ended = await this.sessions.endAll(user.id, null, m);
      await this.users.delete(user.id, m);
      return { weiboToken, ended };
    });
    if (!removed) throw fail('account_gone');
    // The account is gone either way; its access tokens then fail on every route that loads the user.
    await this.sessions
      .ended(removed.ended)
      .catch((err: Error) => logger.error(`sessions not marked ended: ${err.message}`));
    await this.cleanup.forget(user, removed.weiboToken);
    await this.audit.record('account_deleted', user.id, null, { method });
  }
}
