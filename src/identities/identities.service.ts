import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { fail } from '../common/errors/index.js';
import { SecretBox } from '../common/secret-box.js';
import { PG, pgFailure } from '../database/pg-error.js';
import { UsersService } from '../users/users.service.js';
import { Identity, type Provider } from './identity.entity.js';

/** What every provider's sign-in is normalised to before it reaches `identities` (docs/architecture.md). */
export interface ProviderProfile {
  provider: Provider;
  providerUid: string;
  profile: Identity['profile'];
  credential?: string;
  credentialExpiresAt?: Date | null;
}

export interface ResealBatch {
  /** The last id looked at; null when there was nothing left. */
  lastId: string | null;
  resealed: number;
  unreadable: number;
}

/**
 * The only reader and writer of `identities` (Weibo, WeChat): one row per (provider, uid), credentials sealed
 * with SecretBox. Changes that show in a profile drop its cached copy.
 */
@Injectable()
export class IdentitiesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly box: SecretBox,
    private readonly users: UsersService,
  ) {}

  /** Records a sign-in at the provider: creates the row or refreshes its profile and credential, atomically. */
  async recordSeen(seen: ProviderProfile, manager: EntityManager = this.db.manager): Promise<Identity> {
    const credential = seen.credential === undefined ? null : this.box.seal(seen.credential);
    const [row] = (await manager.query(
      `INSERT INTO identities (provider, provider_uid, profile, credential_enc, credential_expires_at, last_login_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (provider, provider_uid) DO UPDATE SET
         profile = EXCLUDED.profile,
         credential_enc = COALESCE(EXCLUDED.credential_enc, identities.credential_enc),
         credential_expires_at = COALESCE(EXCLUDED.credential_expires_at, identities.credential_expires_at),
         last_login_at = now()
       RETURNING id, user_id`,
      [seen.provider, seen.providerUid, JSON.stringify(seen.profile), credential, seen.credentialExpiresAt ?? null],
    )) as Array<{ id: string; user_id: string | null }>;
    return manager.getRepository(Identity).findOneByOrFail({ id: row.id });
  }

  /** The identity row, locked until `manager`'s transaction ends (first logins of one key wait on it). */
  lock(provider: Provider, providerUid: string, manager: EntityManager): Promise<Identity | null> {
    return manager.findOne(Identity, { where: { provider, providerUid }, lock: { mode: 'pessimistic_write' } });
  }

  /** Moves an identity to a new key; if one exists under that key already, that one stays and this is a no-op. */
  async rekey(provider: Provider, fromUid: string, toUid: string): Promise<void> {
    try {
      await this.db.query(`UPDATE identities SET provider_uid = $1 WHERE provider = $2 AND provider_uid = $3`, [
        toUid,
        provider,
        fromUid,
      ]);
    } catch (err) {
      if (pgFailure(err)?.code !== PG.uniqueViolation) throw err;
    }
  }

  find(provider: Provider, providerUid: string): Promise<Identity | null> {
    return this.db.getRepository(Identity).findOneBy({ provider, providerUid });
  }

  /**
   * Binds an unbound identity to a user. Only a row with no owner is claimed (so two binds race to one
   * winner), and the (user_id, provider) index refuses a second identity of the same provider.
   */
  async bind(
    provider: Provider,
    providerUid: string,
    userId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    let rows: unknown[];
    try {
      [rows] = (await manager.query(
        `UPDATE identities SET user_id = $3, bound_at = now()
          WHERE provider = $1 AND provider_uid = $2 AND (user_id IS NULL OR user_id = $3)
          RETURNING id`,
        [provider, providerUid, userId],
      )) as [unknown[], number];
    } catch (err) {
      const code = pgFailure(err)?.code;
      if (code === PG.uniqueViolation) throw fail('account_already_has_identity');
      if (code === PG.foreignKeyViolation) throw fail('account_gone'); // the user was deleted meanwhile
      throw err;
    }
    if (!rows.length) throw fail('identity_bound_to_another_account');
    await this.users.invalidateProfile(userId);
  }

  /** Removes the user's identity at `provider` and returns its credential in clear (for a best-effort revoke). */
  async unlink(userId: string, provider: Provider): Promise<{ credential: string | null }> {
    const identity = await this.owned(userId, provider, this.db.manager);
    if (!identity) throw fail('identity_not_found');
    const credential = this.openQuietly(identity.credentialEnc);
    await this.db.getRepository(Identity).delete({ id: identity.id });
    await this.users.invalidateProfile(userId);
    return { credential };
  }

  /** The credential in clear of the user's identity at `provider` (null without one), read inside `manager`. */
  async credentialOf(userId: string, provider: Provider, manager: EntityManager): Promise<string | null> {
    return this.openQuietly((await this.owned(userId, provider, manager))?.credentialEnc ?? null);
  }

  private owned(userId: string, provider: Provider, manager: EntityManager): Promise<Identity | null> {
    return manager
      .createQueryBuilder(Identity, 'i')
      .addSelect('i.credentialEnc')
      .where('i.user_id = :userId AND i.provider = :provider', { userId, provider })
      .getOne();
  }

  /** A credential sealed under a key version no longer configured cannot be revoked; that is not an error. */
  openQuietly(sealed: string | null): string | null {
    try {
      return sealed ? this.box.open(sealed) : null;
    } catch {
      return null;
    }
  }

  /** Deletes up to `batch` identities never bound to an account and unseen for `olderThanSeconds`. */
  async purgeUnbound(olderThanSeconds: number, batch: number): Promise<number> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM identities WHERE id IN (
         SELECT id FROM identities
          WHERE user_id IS NULL AND COALESCE(last_login_at, created_at) < now() - make_interval(secs => $1)
          LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [olderThanSeconds, batch],
    );
    return count;
  }

  /**
   * Re-seals under the current key version up to `batch` credentials after `afterId` (keyset order), so an
   * old key can be removed. A row changed meanwhile is left as it is; one no configured key opens is counted.
   */
  async resealBatch(afterId: string, batch: number): Promise<ResealBatch> {
    const rows = await this.db.query<Array<{ id: string; credential_enc: string }>>(
      `SELECT id, credential_enc FROM identities WHERE credential_enc IS NOT NULL AND id > $1 ORDER BY id LIMIT $2`,
      [afterId, batch],
    );
    const result: ResealBatch = { lastId: rows.at(-1)?.id ?? null, resealed: 0, unreadable: 0 };
    for (const row of rows.filter((r) => !this.box.isCurrent(r.credential_enc))) {
      const clear = this.openQuietly(row.credential_enc);
      if (clear === null) {
        result.unreadable++;
        continue;
      }
      const [, changed] = await this.db.query<[unknown, number]>(
        `UPDATE identities SET credential_enc = $1 WHERE id = $2 AND credential_enc = $3`,
        [this.box.seal(clear), row.id, row.credential_enc],
      );
      result.resealed += changed;
    }
    return result;
  }

  listForUser(userId: string): Promise<Identity[]> {
    return this.db.getRepository(Identity).find({ where: { userId }, order: { boundAt: 'ASC' } });
  }
}
