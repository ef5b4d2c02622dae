import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { fail } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { AppConfig } from '../config/config.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { SessionRevocations } from './session-revocations.js';

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

/** A session to continue: its family and when it began (rotation keeps both). */
interface Continued {
  familyId: string;
  startedAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class TokensService {
  constructor(
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly revocations: SessionRevocations,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** A JWT access token and an opaque refresh token, starting a new session unless `session` continues one. */
  async issue(userId: string, meta: RequestMeta, session?: Continued, manager?: EntityManager): Promise<TokenPair> {
    const { refreshTtlSeconds, sessionMaxAgeSeconds, accessTtlSeconds } = this.config.jwt;
    const { familyId, startedAt } = session ?? { familyId: randomUUID(), startedAt: new Date() };
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = Math.min(
      Date.now() + refreshTtlSeconds * 1000,
      startedAt.getTime() + sessionMaxAgeSeconds * 1000,
    );
    await this.refreshTokens.insert(
      {
        userId,
        familyId,
        sessionStartedAt: startedAt,
        tokenHash: hashToken(refreshToken),
        expiresAt: new Date(expiresAt),
        ip: meta.ip,
        userAgent: meta.userAgent,
      },
      manager,
    );
    const claims: AccessClaims = { sub: userId, sid: familyId };
    // An access token never outlives its session's absolute lifetime.
    const left = Math.floor((startedAt.getTime() + sessionMaxAgeSeconds * 1000 - Date.now()) / 1000);
    const expiresIn = Math.max(1, Math.min(accessTtlSeconds, left));
    const token = await this.jwt.signAsync(claims, { expiresIn });
    return { token, refresh_token: refreshToken, expires_in: expiresIn };
  }

  /**
   * Rotation with reuse detection: the claim marks the token used only if it is live, so of two concurrent
   * refreshes one wins; presenting a used token revokes its whole family (RFC 9700 §4.14.2).
   */
  async rotate(refreshToken: string, meta: RequestMeta): Promise<TokenPair & { userId: string }> {
    const tokenHash = hashToken(refreshToken);
    // The claim and the next token commit together: a failed insert must not leave the session dead.
    const claimed = await this.refreshTokens.transaction(async (m) => {
      const row = await this.refreshTokens.claim(tokenHash, m);
      if (!row) return null;
      const session = { familyId: row.family_id, startedAt: new Date(row.session_started_at) };
      return { row, pair: await this.issue(row.user_id, meta, session, m) };
    });
    if (!claimed) throw await this.explainRejection(tokenHash, meta);
    const { row, pair } = claimed;
    // A revocation that ran between the claim above and the insert did not see the new row: re-check.
    if (await this.refreshTokens.revokeIfFamilyRevoked(hashToken(pair.refresh_token), row.family_id)) {
      throw fail('refresh_token_revoked');
    }
    return { ...pair, userId: row.user_id };
  }

  /** Logout: the session of this refresh token ends, its access tokens with it. */
  async revoke(refreshToken: string): Promise<void> {
    const row = await this.refreshTokens.findByHash(hashToken(refreshToken));
    if (!row) return;
    await this.refreshTokens.revokeFamily(row.familyId);
    await this.revocations.mark([row.familyId]);
  }

  private async explainRejection(tokenHash: string, meta: RequestMeta) {
    const row = await this.refreshTokens.findByHash(tokenHash);
    if (!row) return fail('refresh_token_invalid');
    if (row.revokedAt) return fail('refresh_token_revoked');
    if (row.usedAt) {
      await this.refreshTokens.revokeFamily(row.familyId);
      await this.revocations.mark([row.familyId]);
      await this.audit.record('refresh_reuse_detected', row.userId, meta);
      return fail('refresh_token_reused');
    }
    return fail('refresh_token_expired');
  }
}
