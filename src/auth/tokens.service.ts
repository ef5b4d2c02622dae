import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../common/request-context.js';
import { AppConfig } from '../config/config.js';
import { RefreshToken } from './refresh-token.entity.js';
import { fail } from '../common/errors/index.js';

export interface TokenPair {
  token: string;
  refresh_token: string;
  expires_in: number;
}

export interface AccessClaims {
  sub: string;
  /** The refresh-token family: one sign-in session. */
  sid: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** A JWT access token and an opaque refresh token, starting a new session unless `familyId` continues one. */
  async issue(
    userId: string,
    meta: RequestMeta,
    familyId: string = randomUUID(),
    manager: EntityManager = this.db.manager,
  ): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await manager
      .insert(RefreshToken, {
        userId,
        familyId,
        tokenHash: hashToken(refreshToken),
        expiresAt: new Date(Date.now() + this.config.jwt.refreshTtlSeconds * 1000),
        ip: meta.ip,
        userAgent: meta.userAgent,
      })
      .catch((err: unknown) => {
        // The account was deleted while this sign-in or refresh was under way (foreign key gone).
        if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23503')
          throw fail('account_gone');
        throw err;
      });
    const claims: AccessClaims = { sub: userId, sid: familyId };
    return {
      token: await this.jwt.signAsync(claims),
      refresh_token: refreshToken,
      expires_in: this.config.jwt.accessTtlSeconds,
    };
  }

  /**
   * Rotation with reuse detection: the UPDATE marks the token used only if it is live, so of two concurrent
   * refreshes one wins; presenting a used token revokes its whole family in one statement.
   */
  async rotate(refreshToken: string, meta: RequestMeta): Promise<TokenPair & { userId: string }> {
    const tokenHash = hashToken(refreshToken);
    // The claim and the next token commit together: a failed insert must not leave the session dead.
    const claimed = await this.db.transaction(async (m) => {
      // Postgres answers an UPDATE … RETURNING through TypeORM's query() as [rows, affectedCount].
      const [rows] = (await m.query(
        `UPDATE refresh_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          RETURNING user_id, family_id`,
        [tokenHash],
      )) as [Array<{ user_id: string; family_id: string }>, number];
      return rows[0] ? { row: rows[0], pair: await this.issue(rows[0].user_id, meta, rows[0].family_id, m) } : null;
    });
    if (!claimed) throw await this.explainRejection(tokenHash, meta);
    const { row, pair } = claimed;
    // A revocation that ran between the claim above and the insert did not see the new row: re-check.
    const [revoked] = (await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE token_hash = $1 AND EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $2 AND revoked_at IS NOT NULL)
        RETURNING id`,
      [hashToken(pair.refresh_token), row.family_id],
    )) as [unknown[], number];
    if (revoked.length) throw fail('refresh_token_revoked');
    return { ...pair, userId: row.user_id };
  }

  async revoke(refreshToken: string): Promise<void> {
    const row = await this.db.getRepository(RefreshToken).findOneBy({ tokenHash: hashToken(refreshToken) });
    if (row) await this.revokeFamily(row.familyId);
  }

  async revokeFamily(familyId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ revokedAt: () => 'now()' })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
  }

  private async explainRejection(tokenHash: string, meta: RequestMeta) {
    const row = await this.db.getRepository(RefreshToken).findOneBy({ tokenHash });
    if (!row) return fail('refresh_token_invalid');
    if (row.revokedAt) return fail('refresh_token_revoked');
    if (row.usedAt) {
      await this.revokeFamily(row.familyId);
      await this.audit.record('refresh_reuse_detected', row.userId, meta);
      return fail('refresh_token_reused');
    }
    return fail('refresh_token_expired');
  }
}
